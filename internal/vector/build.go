package vector

import (
	"context"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
)

// Batched, deterministic parallel insertion.
//
// Inserts run in batches whose sizes depend only on the graph size (batchSize), never on
// the thread count. For each batch:
//
//  1. link (parallel over new nodes): each new node searches the graph as it was when the
//     batch started, which no one modifies during this phase, adds the batch's earlier
//     nodes by exact score, and picks its neighbours per level with the heuristic. It
//     writes only its own lists and records the reverse links it wants.
//  2. apply (parallel over target nodes): reverse links are grouped by (level, target) and
//     applied in source order; an overfull list is pruned with the heuristic. Each target
//     belongs to exactly one group, so no locks are needed and nothing depends on which
//     worker ran which group.
//  3. commit (serial): labels become visible, replaced nodes are tombstoned, and the entry
//     point moves to the first new node above the top level.
//
// A single thread runs the very same steps, so any thread count yields identical bytes.

// Batch sizing: a batch is at most 1/batchDiv of the graph, so a new node misses the graph
// links of at most that fraction of the nodes it could have seen. It is also at most
// EfConstruction (within [batchMin, batchMax]): scoring the batch's earlier nodes costs a
// node half a batch of distances, which must stay small next to its graph search (about
// ten distances per unit of EfConstruction), while batches of a few dozen nodes already
// keep two to four workers busy between the synchronisation points.
const (
	batchDiv = 40
	batchMin = 32
	batchMax = 256
)

// batchSize is the size of the next batch for a graph of the given size.
func (h *HNSW) batchSize(nodes int) int {
	limit := min(max(h.opts.EfConstruction, batchMin), batchMax)
	return min(max(nodes/batchDiv, 1), limit)
}

// edge is a reverse link to apply: target gains src on level.
type edge struct {
	target uint32
	src    uint32
	d      float32
	level  uint8
}

// batch is one insertion batch: nodes [start, start+count), and the graph state they see.
type batch struct {
	start, count int
	entry        uint32
	top          int
	replaced     []uint32 // sorted live nodes whose labels this batch re-inserts
	edges        []edge
}

// Add inserts labels[i] with vector vecs[i*Dim:(i+1)*Dim] for every i, using Threads
// goroutines. A label already present is replaced (its old node is tombstoned and the new
// vector inserted); a label repeated within the call keeps its last vector. The whole batch
// is validated first: on a bad vector (wrong length, NaN or infinity, zero under cosine, a
// squared norm beyond MaxNormSq under L2 or inner product) the error names its label and
// nothing is inserted. If ctx is cancelled the insert stops between internal batches,
// keeping the vectors inserted so far, and returns ctx's error.
func (h *HNSW) Add(ctx context.Context, labels []uint32, vecs []float32) error {
	_, err := h.add(ctx, labels, vecs, acceptSafe, unlocked{})
	return err
}

func (h *HNSW) add(ctx context.Context, labels []uint32, vecs []float32, acc acceptance, publish sync.Locker) ([]int32, error) {
	if err := h.checkBatch(labels, vecs, acc); err != nil {
		return nil, err
	}
	if err := h.compact(ctx, false, publish); err != nil {
		return nil, err
	}
	threads := h.opts.threads()
	publish.Lock()
	err := h.startSpill(len(labels))
	publish.Unlock()
	if err != nil {
		return nil, err
	}
	if h.opts.Quantization.quantized() && h.quant.needsTraining(len(h.labels)+len(labels)) {
		next := h.trainCodes(vecs, threads)
		publish.Lock()
		h.quant = next
		publish.Unlock()
	}
	publish.Lock()
	order := h.planAdd(labels)
	publish.Unlock()
	if h.damage != nil {
		return nil, h.damage
	}
	for off := 0; off < len(order); {
		if err := cancelled(ctx, "add"); err != nil {
			return order[:off], err
		}
		n := min(h.batchSize(len(h.labels)), len(order)-off)
		publish.Lock()
		b := h.prepareBatch(labels, vecs, order[off:off+n])
		publish.Unlock()
		h.encodeBatch(b, threads)
		h.linkBatch(b, threads)
		publish.Lock()
		h.applyBatch(b, threads)
		err := h.flushSpill()
		publish.Unlock()
		if err != nil {
			return order[:off+n], err
		}
		off += n
	}
	return nil, nil
}

// planAdd reserves room for a validated batch and returns the positions to insert, in
// order.
func (h *HNSW) planAdd(labels []uint32) []int32 {
	order := keepLast(labels)
	maxLabel := uint32(0)
	for _, l := range labels {
		maxLabel = max(maxLabel, l)
	}
	h.reserve(len(order))
	if len(order) > 0 {
		h.lookup.reserve(len(order), maxLabel)
	}
	return order
}

// keepLast returns the positions of labels, in order, skipping any label that occurs again
// later in the slice.
func keepLast(labels []uint32) []int32 {
	order := make([]int32, 0, len(labels))
	maxLabel := uint32(0)
	for _, l := range labels {
		maxLabel = max(maxLabel, l)
	}
	if int64(maxLabel) < int64(4*len(labels)+1024) {
		seen := make([]uint64, maxLabel/64+1)
		for i := len(labels) - 1; i >= 0; i-- {
			l := labels[i]
			if seen[l>>6]&(1<<(l&63)) == 0 {
				seen[l>>6] |= 1 << (l & 63)
				order = append(order, int32(i))
			}
		}
	} else {
		seen := make(map[uint32]struct{}, len(labels))
		for i := len(labels) - 1; i >= 0; i-- {
			if _, dup := seen[labels[i]]; !dup {
				seen[labels[i]] = struct{}{}
				order = append(order, int32(i))
			}
		}
	}
	slices.Reverse(order)
	return order
}

// prepareBatch appends the batch's nodes (vectors, levels, empty lists) without linking
// them; they stay invisible to searches until commit.
func (h *HNSW) prepareBatch(labels []uint32, vecs []float32, idx []int32) *batch {
	b := &batch{start: len(h.labels), count: len(idx), entry: h.entry, top: h.topLevel}
	for _, i := range idx {
		label := labels[i]
		if old, ok := h.lookup.get(label); ok {
			b.replaced = append(b.replaced, old)
		}
		lvl := h.levelFor(h.seq)
		h.seq++
		off := uint32(0)
		if lvl > 0 {
			off = uint32(len(h.upper))
			h.upper = extend(h.upper, lvl*h.strideU)
		}
		h.labels = append(h.labels, label)
		h.levels = append(h.levels, uint8(lvl))
		h.upperOff = append(h.upperOff, off)
		var row []float32
		if h.frozen {
			n := len(h.tail)
			h.tail = h.tail[:n+h.dim]
			row = h.tail[n:]
		} else {
			n := len(h.vecs)
			h.vecs = h.vecs[:n+h.dim]
			row = h.vecs[n:]
		}
		// Validated by add, so prepare cannot fail.
		_ = h.metric.prepare(row, vecs[int(i)*h.dim:(int(i)+1)*h.dim], acceptStored)
		h.links0 = extend(h.links0, h.stride0)
	}
	if h.quant != nil {
		h.quant.extend(len(idx))
	}
	if words := (len(h.labels) + 63) / 64; len(h.dead) < words {
		h.dead = extend(h.dead, words-len(h.dead))
	}
	slices.Sort(b.replaced)
	return b
}

// extend appends n zero values, growing by at least an eighth when it must grow.
func extend[T any](s []T, n int) []T {
	l := len(s)
	if l+n > cap(s) {
		s = growTo(s, max(l+n, cap(s)+cap(s)/8))
	}
	s = s[:l+n]
	clear(s[l:])
	return s
}

// forEachParallel runs fn(s, i) for every i in [0, n) on up to workers goroutines, each with
// its own scratch, handing out indices in chunks. Results must not depend on which worker
// runs which index.
func (h *HNSW) forEachParallel(workers, n, chunk int, fn func(s *scratch, i int)) []*scratch {
	workers = max(1, min(workers, (n+chunk-1)/chunk))
	scr := make([]*scratch, workers)
	for w := range scr {
		scr[w] = h.pool.get()
	}
	if workers == 1 {
		for i := 0; i < n; i++ {
			fn(scr[0], i)
		}
		return scr
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var fault atomic.Value
	for w := range scr {
		wg.Add(1)
		go func(s *scratch) {
			defer wg.Done()
			if h.mapped {
				// A fault reading the mapped file reaches the caller's goroutine, whose
				// guard (Index) turns it into an error, instead of killing the process.
				defer forwardFault(&fault)()
			}
			for {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					fn(s, i)
				}
			}
		}(scr[w])
	}
	wg.Wait()
	if f := fault.Load(); f != nil {
		panic(f.(faultPanic).value)
	}
	return scr
}

// faultPanic holds a recovered fault panic (atomic.Value needs one type).
type faultPanic struct{ value any }

// forwardFault makes a memory fault in the calling goroutine panic, and stores the panic in
// fault instead of letting it kill the process; other panics pass.
func forwardFault(fault *atomic.Value) func() {
	old := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			if _, ok := r.(interface{ Addr() uintptr }); ok {
				fault.CompareAndSwap(nil, faultPanic{r})
				return
			}
			panic(r)
		}
	}
}

// trainCodes trains the quantiser on a sample of the stored vectors and the incoming ones
// (vecs, not yet prepared), and encodes the stored ones with it. It only reads the index,
// so searches go on meanwhile; the caller swaps the result in.
func (h *HNSW) trainCodes(vecs []float32, threads int) *quantCodes {
	stored := len(h.labels)
	buf := make([]float32, h.dim)
	row := func(r int) []float32 {
		if r < stored {
			return h.vec(uint32(r))
		}
		r -= stored
		// Validated by add, so prepare cannot fail.
		_ = h.metric.prepare(buf, vecs[r*h.dim:(r+1)*h.dim], acceptStored)
		return buf
	}
	c := newQuantCodes(h.opts.Quantization, h.dim, h.metric, h.opts.Seed, stored+len(vecs)/h.dim, row, h.quant)
	c.grow(stored)
	c.extend(stored)
	scr := h.forEachParallel(threads, stored, 256, func(s *scratch, i int) {
		c.encode(&s.enc, i, h.vec(uint32(i)))
	})
	for _, s := range scr {
		h.pool.put(s)
	}
	return c
}

// encodeBatch writes the codes of the batch's nodes, in parallel: each worker writes only
// the rows of its nodes, which no search reads before the batch commits.
func (h *HNSW) encodeBatch(b *batch, threads int) {
	if h.quant == nil {
		return
	}
	scr := h.forEachParallel(threads, b.count, 16, func(s *scratch, i int) {
		node := b.start + i
		h.quant.encode(&s.enc, node, h.vec(uint32(node)))
	})
	for _, s := range scr {
		h.pool.put(s)
	}
}

// linkBatch is phase 1: every new node finds its neighbours.
func (h *HNSW) linkBatch(b *batch, threads int) {
	scr := h.forEachParallel(threads, b.count, 1, func(s *scratch, i int) {
		h.linkNode(s, b, i)
	})
	b.edges = b.edges[:0]
	for _, s := range scr {
		b.edges = append(b.edges, s.edges...)
		s.edges = s.edges[:0]
		h.pool.put(s)
	}
}

// linkNode selects the neighbours of the batch's i-th node on each of its levels.
func (h *HNSW) linkNode(s *scratch, b *batch, i int) {
	node := uint32(b.start + i)
	q := h.vec(node)
	lvl := int(h.levels[node])
	s.buffers(max(h.m0, b.count))
	// The graph search may run on the codes. With codeBuild every score is a code score;
	// otherwise neighbours are chosen by exact scores of the candidates it found.
	h.beginWalk(s, q, h.buildOnCodes)

	// Earlier nodes of the same batch are not in the graph yet: score them directly.
	s.inb = s.inb[:0]
	if i > 0 {
		ids := s.ids[:i]
		for j := range ids {
			ids[j] = uint32(b.start + j)
		}
		ds := s.ds[:i]
		if h.codeBuild {
			h.walkRows(s, q, ids, ds)
		} else {
			h.scoreVecs(q, ids, ds)
		}
		for j, id := range ids {
			s.inb = append(s.inb, cand{d: ds[j], id: id})
		}
		sortCands(s.inb)
	}

	top := b.top
	if top >= 0 {
		cur := cand{d: h.walkScore(s, q, b.entry), id: b.entry}
		for l := top; l > lvl; l-- {
			cur = h.greedy(s, q, cur, l)
		}
		for l := min(lvl, top); l >= 0; l-- {
			w := h.searchLayer(s, q, cur, h.opts.EfConstruction, l)
			cur = cand{d: w[0].d, id: w[0].id & idMask}
			if s.coded && !h.codeBuild {
				// Damage in a mapped vector only costs this node a good neighbour
				// choice here; results and WriteTo verify what they read.
				w = h.rescore(s, q, w, len(w))
				s.err = nil
			}
			h.linkLevel(s, b, node, l, w)
		}
	}
	for l := lvl; l > top; l-- {
		h.linkLevel(s, b, node, l, nil)
	}
}

// linkLevel merges the graph candidates w (sorted, possibly carrying expandedBit) with the
// batch's earlier nodes present on level, selects node's neighbours, writes node's list and
// records the reverse links.
func (h *HNSW) linkLevel(s *scratch, b *batch, node uint32, level int, w []cand) {
	m := s.merge[:0]
	j := 0
	for _, c := range w {
		c.id &= idMask
		if h.isDead(c.id) || (len(b.replaced) > 0 && containsSorted(b.replaced, c.id)) {
			continue
		}
		for ; j < len(s.inb) && s.inb[j].less(c); j++ {
			if int(h.levels[s.inb[j].id]) >= level {
				m = append(m, s.inb[j])
			}
		}
		m = append(m, c)
	}
	for ; j < len(s.inb); j++ {
		if int(h.levels[s.inb[j].id]) >= level {
			m = append(m, s.inb[j])
		}
	}
	s.merge = m
	s.sel = h.selectNeighbours(m, h.m, s.sel[:0])
	ids := s.selID[:0]
	for _, c := range s.sel {
		ids = append(ids, c.id)
		s.edges = append(s.edges, edge{target: c.id, src: node, d: c.d, level: uint8(level)})
	}
	s.selID = ids
	h.setNeighbours(node, level, ids)
}

func containsSorted(s []uint32, x uint32) bool {
	_, ok := slices.BinarySearch(s, x)
	return ok
}

// selectNeighbours is the HNSW heuristic (Algorithm 4 of the paper, as in hnswlib): walk
// the candidates nearest first and keep one unless it is closer to an already kept
// neighbour than to the base node, up to m. Fewer than m candidates are kept as they are.
// cands must be sorted by (score, id) with scores relative to the base node.
func (h *HNSW) selectNeighbours(cands []cand, m int, dst []cand) []cand {
	if len(cands) < m {
		return append(dst, cands...)
	}
	for _, c := range cands {
		if len(dst) >= m {
			break
		}
		good := true
		if h.codeBuild {
			for _, e := range dst {
				if h.quant.pairScore(c.id, e.id) < c.d {
					good = false
					break
				}
			}
		} else {
			cv := h.vec(c.id)
			for _, e := range dst {
				if h.metric.score(cv, h.vec(e.id)) < c.d {
					good = false
					break
				}
			}
		}
		if good {
			dst = append(dst, c)
		}
	}
	return dst
}

// applyBatch is phases 2 and 3: reverse links, then commit.
func (h *HNSW) applyBatch(b *batch, threads int) {
	edges := b.edges
	slices.SortFunc(edges, func(x, y edge) int {
		if x.level != y.level {
			return int(x.level) - int(y.level)
		}
		if x.target != y.target {
			if x.target < y.target {
				return -1
			}
			return 1
		}
		if x.src < y.src {
			return -1
		}
		if x.src > y.src {
			return 1
		}
		return 0
	})
	var groups []int
	for i := range edges {
		if i == 0 || edges[i].target != edges[i-1].target || edges[i].level != edges[i-1].level {
			groups = append(groups, i)
		}
	}
	groups = append(groups, len(edges))
	scr := h.forEachParallel(threads, len(groups)-1, 16, func(s *scratch, g int) {
		es := edges[groups[g]:groups[g+1]]
		h.addReverse(s, es[0].target, int(es[0].level), es)
	})
	for _, s := range scr {
		h.pool.put(s)
	}

	for i := 0; i < b.count; i++ {
		node := uint32(b.start + i)
		h.lookup.set(h.labels[node], node)
		if lvl := int(h.levels[node]); lvl > h.topLevel {
			h.topLevel = lvl
			h.entry = node
		}
	}
	for _, old := range b.replaced {
		h.setDead(old)
	}
}

// addReverse gives target the links of es (all on level, sorted by source), pruning with
// the heuristic when its list would overflow.
func (h *HNSW) addReverse(s *scratch, target uint32, level int, es []edge) {
	blk := h.listAt(target, level)
	cnt := int(blk[0])
	maxC := h.maxLinks(level)
	if cnt+len(es) <= maxC {
		for _, e := range es {
			blk[1+cnt] = e.src
			cnt++
		}
		blk[0] = uint32(cnt)
		return
	}
	existing := blk[1 : 1+cnt]
	s.buffers(maxC)
	ds := s.ds[:cnt]
	if h.codeBuild {
		for i, id := range existing {
			ds[i] = h.quant.pairScore(target, id)
		}
	} else {
		h.scoreVecs(h.vec(target), existing, ds)
	}
	m := s.merge[:0]
	for i, id := range existing {
		if !h.isDead(id) {
			m = append(m, cand{d: ds[i], id: id})
		}
	}
	for _, e := range es {
		d := e.d
		if h.codeBuild {
			// One scale for the whole list: the heuristic compares these with code
			// distances between the candidates.
			d = h.quant.pairScore(target, e.src)
		}
		m = append(m, cand{d: d, id: e.src})
	}
	sortCands(m)
	s.merge = m
	s.sel = h.selectNeighbours(m, maxC, s.sel[:0])
	blk[0] = uint32(len(s.sel))
	for i, c := range s.sel {
		blk[1+i] = c.id
	}
}
