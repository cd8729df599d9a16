package vector

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Delete removes labels from the index and returns how many were present. Deleted vectors
// leave search results at once but stay in the graph as tombstones, still routing
// searches, until a Compact (explicit, or run by Add once tombstones pass
// Options.RepairAt of the nodes) reconnects their neighbours and drops them.
func (h *HNSW) Delete(labels []uint32) int {
	h.own()
	n := 0
	for _, label := range labels {
		node, ok := h.lookup.get(label)
		if !ok {
			continue
		}
		h.lookup.del(label)
		h.setDead(node)
		n++
	}
	return n
}

// Compact repairs the graph around deleted nodes and removes them, renumbering the live
// nodes in their original order (so the result is deterministic). Every live node that
// linked to a deleted one gets a fresh list, chosen with the insert heuristic among its
// live neighbours and the live neighbours of its deleted ones (plus a graph search when
// that leaves too few), so recall does not decay under churn. It uses Threads goroutines
// and compacts in place, without a second copy of the arenas. On a cancelled ctx it
// returns before changing anything.
func (h *HNSW) Compact(ctx context.Context) error {
	return h.compact(ctx, true, unlocked{})
}

// compact compacts when forced or due. Planning only reads the graph, so it runs without
// publish; the arenas are made private first and the plan applied under it.
func (h *HNSW) compact(ctx context.Context, force bool, publish sync.Locker) error {
	if h.nDead == 0 || (!force && !h.compactDue()) {
		return nil
	}
	if err := cancelled(ctx, "compact"); err != nil {
		return err
	}
	publish.Lock()
	h.own()
	publish.Unlock()
	if h.damage != nil {
		return h.damage
	}
	plan, err := h.planRepair(ctx)
	if err != nil {
		return err
	}
	publish.Lock()
	h.applyRepair(plan)
	publish.Unlock()
	return nil
}

// repairCheckEvery is how many nodes a repair plans between looks at its context.
const repairCheckEvery = 1024

// planRepair computes new lists for every live node with a deleted neighbour. It only
// reads the graph, so searches may run alongside it. A cancelled ctx abandons the plan.
func (h *HNSW) planRepair(ctx context.Context) ([]*scratch, error) {
	var stop atomic.Bool
	scr := h.forEachParallel(h.opts.threads(), len(h.labels), 64, func(s *scratch, i int) {
		if i%repairCheckEvery == 0 && ctx.Err() != nil {
			stop.Store(true)
		}
		node := uint32(i)
		if stop.Load() || h.isDead(node) {
			return
		}
		for l := int(h.levels[node]); l >= 0; l-- {
			h.repairList(s, node, l)
		}
	})
	if stop.Load() {
		for _, s := range scr {
			s.relinks, s.relinkIDs = s.relinks[:0], s.relinkIDs[:0]
			h.pool.put(s)
		}
		return nil, cancelled(ctx, "compact")
	}
	return scr, nil
}

// applyRepair writes the planned lists and drops the deleted nodes.
func (h *HNSW) applyRepair(scr []*scratch) {
	for _, s := range scr {
		for _, r := range s.relinks {
			h.setNeighbours(r.node, int(r.level), s.relinkIDs[r.off:r.off+r.cnt])
		}
		s.relinks, s.relinkIDs = s.relinks[:0], s.relinkIDs[:0]
		h.pool.put(s)
	}
	h.dropDead()
}

// live copies the live labels and vectors, in node order.
func (h *HNSW) live() ([]uint32, []float32) {
	labels := make([]uint32, 0, h.Len())
	vecs := make([]float32, 0, h.Len()*h.dim)
	for i, label := range h.labels {
		if !h.isDead(uint32(i)) {
			labels = append(labels, label)
			vecs = append(vecs, h.vec(uint32(i))...)
		}
	}
	return labels, vecs
}

// compactDue reports whether tombstones have passed Options.RepairAt.
func (h *HNSW) compactDue() bool {
	return h.nDead > 0 && h.opts.RepairAt > 0 && float64(h.nDead) >= h.opts.RepairAt*float64(len(h.labels))
}

// relink is a planned list: node's new neighbours on level, relinkIDs[off:off+cnt] of the
// planning worker's scratch.
type relink struct {
	node     uint32
	level    uint8
	off, cnt int
}

// repairList records a new list for node on level if its current one has deleted members.
func (h *HNSW) repairList(s *scratch, node uint32, level int) {
	nb := h.neighbours(node, level)
	hasDead := false
	for _, id := range nb {
		if h.isDead(id) {
			hasDead = true
			break
		}
	}
	if !hasDead {
		return
	}
	ids := s.selID[:0] // s.ids is the search's gather buffer
	for _, id := range nb {
		if !h.isDead(id) {
			ids = append(ids, id)
			continue
		}
		for _, id2 := range h.neighbours(id, level) {
			if id2 != node && !h.isDead(id2) {
				ids = append(ids, id2)
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	q := h.vec(node)
	if len(ids) < h.m {
		// Too few survivors nearby: search the level for more, as an insert would.
		h.beginWalk(s, q, h.codeBuild)
		cur := cand{d: h.metric.score(q, h.vec(h.entry)), id: h.entry}
		for l := h.topLevel; l > level; l-- {
			cur = h.greedy(s, q, cur, l)
		}
		w := h.searchLayer(s, q, cur, h.opts.EfConstruction, level)
		for _, c := range w {
			if id := c.id & idMask; id != node && !h.isDead(id) {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
	}
	s.selID = ids
	s.buffers(len(ids))
	ds := s.ds[:len(ids)]
	if h.codeBuild {
		for i, id := range ids {
			ds[i] = h.quant.pairScore(node, id)
		}
	} else {
		h.scoreVecs(q, ids, ds)
	}
	m := s.merge[:0]
	for i, id := range ids {
		m = append(m, cand{d: ds[i], id: id})
	}
	sortCands(m)
	s.merge = m
	s.sel = h.selectNeighbours(m, h.maxLinks(level), s.sel[:0])
	off := len(s.relinkIDs)
	for _, c := range s.sel {
		s.relinkIDs = append(s.relinkIDs, c.id)
	}
	s.relinks = append(s.relinks, relink{node: node, level: uint8(level), off: off, cnt: len(s.sel)})
}

// moveLiveVectors copies the vectors of the live nodes, in order, out of a frozen arena:
// into a new spill file when the index spills (Options.SpillDir), else into the heap.
func (h *HNSW) moveLiveVectors(live int) {
	n := len(h.labels)
	if h.opts.SpillDir != "" && h.codeBuild {
		if sp, err := newSpill(h.opts.SpillDir, h.dim, live); err == nil {
			buf := make([]float32, 0, batchMax*h.dim)
			for i := 0; i < n && err == nil; i++ {
				if !h.isDead(uint32(i)) {
					buf = append(buf, h.vec(uint32(i))...)
				}
				if len(buf) == cap(buf) || i == n-1 {
					err = sp.append(buf)
					buf = buf[:0]
				}
			}
			if err == nil {
				if h.spill != nil {
					h.spill.close()
				}
				runtime.AddCleanup(h, func(s *spillFile) { s.close() }, sp)
				h.spill, h.vecs, h.tail = sp, sp.floats(), h.tail[:0]
				return
			}
			sp.close()
		}
		// Without a spill file the vectors go to the heap, as they would without SpillDir.
	}
	vecs := make([]float32, 0, live*h.dim)
	for i := 0; i < n; i++ {
		if !h.isDead(uint32(i)) {
			vecs = append(vecs, h.vec(uint32(i))...)
		}
	}
	if h.spill != nil {
		h.spill.close()
		h.spill = nil
	}
	h.vecs, h.tail, h.frozen = vecs, nil, false
}

// dropDead removes deleted nodes, moving live ones down in place (new id ≤ old id, so
// every copy reads data not yet overwritten) and renumbering links. It expects repair to
// have removed deleted nodes from every live list.
func (h *HNSW) dropDead() {
	n := len(h.labels)
	remap := make([]uint32, n)
	live := uint32(0)
	for i := 0; i < n; i++ {
		if h.isDead(uint32(i)) {
			remap[i] = ^uint32(0)
			continue
		}
		remap[i] = live
		live++
	}
	// New entry: the old one if live, else the first live node of the highest level.
	entry, top := uint32(0), -1
	if h.topLevel >= 0 && !h.isDead(h.entry) {
		entry, top = remap[h.entry], h.topLevel
	} else {
		for i := 0; i < n; i++ {
			if !h.isDead(uint32(i)) && int(h.levels[i]) > top {
				entry, top = remap[i], int(h.levels[i])
			}
		}
	}
	// Frozen vectors are read-only: the live ones move to a new arena instead.
	copied := h.frozen
	if copied {
		h.moveLiveVectors(int(live))
	}
	upperLen := 0
	for i := 0; i < n; i++ {
		node := uint32(i)
		if h.isDead(node) {
			continue
		}
		j := remap[i]
		if !copied {
			copy(h.vecs[int(j)*h.dim:int(j+1)*h.dim], h.vecs[i*h.dim:(i+1)*h.dim])
		}
		if h.quant != nil {
			h.quant.move(int(j), i)
		}
		src := h.links0[i*h.stride0 : (i+1)*h.stride0]
		dst := h.links0[int(j)*h.stride0 : int(j+1)*h.stride0]
		cnt := src[0]
		dst[0] = cnt
		for k := uint32(1); k <= cnt; k++ {
			dst[k] = remap[src[k]]
		}
		lvl := int(h.levels[i])
		h.levels[j] = uint8(lvl)
		h.labels[j] = h.labels[i]
		if lvl > 0 {
			from := int(h.upperOff[i])
			size := lvl * h.strideU
			blk := h.upper[upperLen : upperLen+size]
			copy(blk, h.upper[from:from+size])
			for l := 0; l < lvl; l++ {
				lst := blk[l*h.strideU:]
				for k := uint32(1); k <= lst[0]; k++ {
					lst[k] = remap[lst[k]]
				}
			}
			h.upperOff[j] = uint32(upperLen)
			upperLen += size
		} else {
			h.upperOff[j] = 0
		}
	}
	m := int(live)
	h.vecs = h.vecs[:m*h.dim]
	h.links0 = h.links0[:m*h.stride0]
	h.levels = h.levels[:m]
	h.labels = h.labels[:m]
	h.upperOff = h.upperOff[:m]
	h.upper = h.upper[:upperLen]
	h.dead = h.dead[:(m+63)/64]
	if h.quant != nil {
		h.quant.truncate(m)
	}
	clear(h.dead)
	h.nDead = 0
	h.entry, h.topLevel = entry, top
	h.lookup = labelTable{}
	if m > 0 {
		maxLabel := slices.Max(h.labels)
		h.lookup.reserve(m, maxLabel)
	}
	for i, label := range h.labels {
		h.lookup.set(label, uint32(i))
	}
}
