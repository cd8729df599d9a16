package vector

import (
	"slices"
)

// Search returns the k nearest live vectors to q (fewer when the index holds fewer), nearest
// first. It is safe to call concurrently with other searches.
func (h *HNSW) Search(q []float32, k int, o SearchOptions) ([]Hit, error) {
	return h.SearchInto(nil, q, k, o)
}

// SearchInto is Search appending to dst[:0], so that a caller reusing dst searches without
// allocating.
func (h *HNSW) SearchInto(dst []Hit, q []float32, k int, o SearchOptions) ([]Hit, error) {
	return h.rows.searchInto(h, dst, q, k, o)
}

// SearchByLabel returns the k nearest live vectors to the stored vector of label, the label
// itself left out ("more like this"), or an error wrapping ErrNotFound.
func (h *HNSW) SearchByLabel(dst []Hit, label uint32, k int, o SearchOptions) ([]Hit, error) {
	return h.rows.searchByLabel(h, dst, label, k, o)
}

// nearest runs a search for a prepared query on a non-empty graph and returns up to k
// candidates, nearest first, in scratch memory.
func (h *HNSW) nearest(s *scratch, q []float32, k int, o SearchOptions) []cand {
	ef := o.Ef
	if ef <= 0 {
		ef = h.opts.EfSearch
	}
	// A list longer than the graph changes nothing but the scratch it would allocate.
	if h.exactFilter(o.Filter) {
		return h.exactAllowed(s, q, k, o.Filter)
	}
	// A quantised walk keeps the best r candidates by code score, which the float32
	// vectors then rank.
	r := k
	if h.quant != nil {
		r = h.rescoreCount(k, o)
	}
	ef = min(max(ef, r), len(h.labels))
	h.beginWalk(s, q, true)
	cur := cand{d: h.walkScore(s, q, h.entry), id: h.entry}
	for l := h.topLevel; l > 0; l-- {
		cur = h.greedy(s, q, cur, l)
	}
	var w []cand
	if o.Filter == nil && h.nDead == 0 {
		w = h.searchLayer(s, q, cur, ef, 0)
		w = w[:min(r, len(w))]
		for i := range w {
			w[i].id &= idMask
		}
	} else {
		w = h.searchLayerFiltered(s, q, cur, ef, r, o.Filter)
	}
	if s.coded {
		w = h.rescore(s, q, w, k)
	}
	return w
}

// greedy walks level from cur to a local minimum, moving to the best neighbour each step
// (the ef=1 search of the upper levels). It stops when no neighbour is strictly less than
// cur in the (score, id) order. Scores are never NaN, so the order is total and the walk
// visits each node at most once; the step bound makes that a guarantee even for a cur
// whose score is NaN (nothing is less than it, so the walk stops at once).
func (h *HNSW) greedy(s *scratch, q []float32, cur cand, level int) cand {
	s.buffers(h.m0)
	for steps := len(h.labels); steps > 0; steps-- {
		nb := h.neighbours(cur.id, level)
		ds := s.ds[:len(nb)]
		h.walkRows(s, q, nb, ds)
		moved := false
		for i, id := range nb {
			if c := (cand{d: ds[i], id: id}); c.less(cur) {
				cur, moved = c, true
			}
		}
		if !moved {
			break
		}
	}
	return cur
}

// searchLayer is the ef-bounded best-first search of one level from ep over every node,
// deleted or not. It keeps one list sorted by (score, id), at most ef long, and expands its
// nearest unexpanded member until none is left; this visits exactly what hnswlib's
// two-heap search visits, with less data movement. The returned slice (scratch memory) is
// sorted and its ids may carry expandedBit. Each round expands a list member that was never
// expanded, and a node enters the list at most once (visited set), so there are at most as
// many rounds as nodes, whatever the scores; the round bound states it.
func (h *HNSW) searchLayer(s *scratch, q []float32, ep cand, ef, level int) []cand {
	s.vis.reset(len(h.labels))
	s.buffers(h.m0)
	if cap(s.w) < ef+1 {
		s.w = make([]cand, 0, ef+1)
	}
	stamp, epoch := s.vis.stamp, s.vis.epoch
	stamp[ep.id] = epoch
	w := append(s.w[:0], ep)
	ids := s.ids[:h.m0]
	for cursor, rounds := 0, len(h.labels); cursor < len(w) && rounds > 0; rounds-- {
		node := w[cursor].id
		w[cursor].id = node | expandedBit
		next := cursor + 1
		// Gather the unvisited neighbours without a data-dependent branch: about half
		// are visited, in no predictable pattern.
		n := 0
		for _, nb := range h.neighbours(node, level) {
			v := stamp[nb]
			stamp[nb] = epoch
			ids[n] = nb
			if v != epoch {
				n++
			}
		}
		if n > 0 {
			if next < len(w) && level == 0 {
				// Most often the next node to expand: load its list meanwhile.
				prefetchLinks(&h.links0[int(w[next].id&idMask)*h.stride0])
			}
			ds := s.ds[:n]
			h.walkRows(s, q, ids[:n], ds)
			for i, id := range ids[:n] {
				d := ds[i]
				size := len(w)
				if size == ef {
					last := w[size-1]
					if d > last.d || (d == last.d && id > last.id&idMask) {
						continue
					}
				}
				// Binary search for the first element greater than (d, id).
				lo, hi := 0, size
				for lo < hi {
					mid := int(uint(lo+hi) >> 1)
					e := w[mid]
					if e.d < d || (e.d == d && e.id&idMask < id) {
						lo = mid + 1
					} else {
						hi = mid
					}
				}
				if size < ef {
					w = w[:size+1]
				}
				copy(w[lo+1:], w[lo:len(w)-1])
				w[lo] = cand{d: d, id: id}
				if lo < next {
					next = lo
				}
			}
		}
		for next < len(w) && w[next].id&expandedBit != 0 {
			next++
		}
		cursor = next
	}
	s.w = w
	return w
}

// searchLayerFiltered is the level-0 search when some nodes may not be returned (deleted,
// or rejected by f): traversal goes through every node, but only accepted ones enter the
// result set, and the search ends once ef accepted results are held and the nearest
// unexpanded candidate is farther than all of them (hnswlib's filtered search). It returns
// up to k results, nearest first. A node enters the frontier at most once (visited set),
// so it pops at most as many candidates as there are nodes.
func (h *HNSW) searchLayerFiltered(s *scratch, q []float32, ep cand, ef, k int, f Filter) []cand {
	s.vis.reset(len(h.labels))
	s.buffers(h.m0)
	stamp, epoch := s.vis.stamp, s.vis.epoch
	front, res := s.front[:0], s.res[:0]
	stamp[ep.id] = epoch
	front.push(ep)
	if h.accepts(ep.id, f) {
		res.push(ep)
	}
	for rounds := len(h.labels); len(front) > 0 && rounds > 0; rounds-- {
		if len(res) == ef && res[0].less(front[0]) {
			break
		}
		c := front.pop()
		ids := s.ids[:0]
		for _, nb := range h.neighbours(c.id, 0) {
			if stamp[nb] != epoch {
				stamp[nb] = epoch
				ids = append(ids, nb)
			}
		}
		if len(ids) == 0 {
			continue
		}
		ds := s.ds[:len(ids)]
		h.walkRows(s, q, ids, ds)
		for i, id := range ids {
			nc := cand{d: ds[i], id: id}
			if len(res) < ef || nc.less(res[0]) {
				front.push(nc)
				if h.accepts(id, f) {
					res.pushBounded(nc, ef)
				}
			}
		}
	}
	for len(res) > k {
		res.pop()
	}
	out := res.drainSorted(s.out[:0])
	s.front, s.res, s.out = front, res, out
	return out
}

func (h *HNSW) accepts(node uint32, f Filter) bool {
	return !h.isDead(node) && (f == nil || f.Allow(h.labels[node]))
}

// exactChunk is how many vectors an exact scan scores per scoreRows call.
const exactChunk = 64

// exactFilter reports whether f allows so few of the live vectors that scanning them
// exactly beats walking the graph.
func (h *HNSW) exactFilter(f Filter) bool {
	if f == nil || h.opts.ExactBelow <= 0 {
		return false
	}
	live := h.Len()
	n, ok := allowedEstimate(f, live)
	return ok && float64(n) < h.opts.ExactBelow*float64(live)
}

// exactAllowed scores every live vector the filter allows and keeps the k nearest: by
// listing the allowed labels when the filter can, else by testing every node.
func (h *HNSW) exactAllowed(s *scratch, q []float32, k int, f Filter) []cand {
	s.buffers(exactChunk)
	s.res, s.ids = s.res[:0], s.ids[:0]
	s.scan = exactScan{h: h, q: q, k: k}
	if sf, ok := f.(SizedFilter); ok {
		if s.scanFn == nil {
			// Created once per scratch: a fresh method value per search would allocate.
			s.scanFn = s.scanLabel
		}
		sf.ForEach(s.scanFn)
	} else {
		for node, label := range h.labels {
			if !h.isDead(uint32(node)) && f.Allow(label) {
				s.ids = append(s.ids, uint32(node))
				if len(s.ids) == exactChunk {
					s.flushScan()
				}
			}
		}
	}
	s.flushScan()
	s.out = s.res.drainSorted(s.out[:0])
	s.scan = exactScan{}
	return s.out
}

// exactScan is the state of one exact scan over filter-allowed labels.
type exactScan struct {
	h *HNSW
	q []float32
	k int
}

func (s *scratch) scanLabel(label uint32) bool {
	if n, ok := s.scan.h.lookup.get(label); ok {
		s.ids = append(s.ids, n)
		if len(s.ids) == exactChunk {
			s.flushScan()
		}
	}
	return true
}

func (s *scratch) flushScan() {
	if len(s.ids) == 0 {
		return
	}
	h := s.scan.h
	ds := s.ds[:len(s.ids)]
	h.scoreVecs(s.scan.q, s.ids, ds)
	for i, id := range s.ids {
		s.res.pushBounded(cand{d: ds[i], id: id}, s.scan.k)
	}
	s.ids = s.ids[:0]
}

// sortCands sorts by (score, id): insertion sort for the short lists of neighbour
// selection, pdqsort beyond.
func sortCands(c []cand) {
	if len(c) > 48 {
		slices.SortFunc(c, func(a, b cand) int {
			if a.less(b) {
				return -1
			}
			if b.less(a) {
				return 1
			}
			return 0
		})
		return
	}
	for i := 1; i < len(c); i++ {
		x := c[i]
		j := i
		for j > 0 && x.less(c[j-1]) {
			c[j] = c[j-1]
			j--
		}
		c[j] = x
	}
}
