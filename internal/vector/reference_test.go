package vector

import (
	"slices"
	"sort"
)

// refSearch is a deliberately plain HNSW search over h's graph: maps for the visited set,
// slices re-sorted at every step for the candidate and result sets. It follows the
// algorithm the fast path claims to implement (hnswlib's, with candidates ordered by
// (score, id)): greedy descent through the upper levels, then a best-first search of
// level 0 in which only accepted nodes enter the result set and the search stops once ef
// results are held and the nearest candidate is worse than all of them; filters that know
// they allow few labels are answered by brute force. The parity test holds the fast
// implementation to exactly these results.
func refSearch(h *HNSW, query []float32, k int, o SearchOptions) []Hit {
	q := make([]float32, len(query))
	if err := h.metric.prepare(q, query, acceptSafe); err != nil || k <= 0 || h.Len() == 0 {
		return nil
	}
	dist := func(id uint32) float32 {
		out := make([]float32, 1)
		h.metric.scoreRows(q, h.vecs, []uint32{id}, out)
		return out[0]
	}
	accept := func(id uint32) bool {
		return !h.isDead(id) && (o.Filter == nil || o.Filter.Allow(h.labels[id]))
	}
	byScore := func(s []cand) { sort.Slice(s, func(i, j int) bool { return s[i].less(s[j]) }) }
	hits := func(s []cand) []Hit {
		byScore(s)
		if len(s) > k {
			s = s[:k]
		}
		var out []Hit
		for _, c := range s {
			out = append(out, Hit{Label: h.labels[c.id], Distance: h.metric.reported(c.d)})
		}
		return out
	}

	if n, ok := allowedEstimate(o.Filter, h.Len()); ok && o.Filter != nil && h.opts.ExactBelow > 0 &&
		float64(n) < h.opts.ExactBelow*float64(h.Len()) {
		var all []cand
		for id := range h.labels {
			if accept(uint32(id)) {
				all = append(all, cand{d: dist(uint32(id)), id: uint32(id)})
			}
		}
		return hits(all)
	}

	// A quantised index walks on code scores, keeps the r best candidates and ranks them
	// by the exact scores.
	walk, r := dist, k
	if h.quant != nil {
		var cq codeQuery
		h.quant.prepare(&cq, q)
		walk = func(id uint32) float32 {
			out := make([]float32, 1)
			h.quant.scoreRows(&cq, []uint32{id}, out)
			return out[0]
		}
		r = o.Rescore
		if r <= 0 {
			r = h.opts.Rescore
		}
		if r <= 0 {
			r = h.opts.Quantization.rescoreFactor(h.dim) * k
		}
		r = max(r, k)
	}
	rescored := func(s []cand) []Hit {
		byScore(s)
		s = s[:min(r, len(s))]
		if h.quant != nil {
			for i := range s {
				s[i].d = dist(s[i].id)
			}
		}
		return hits(s)
	}
	ef := o.Ef
	if ef <= 0 {
		ef = h.opts.EfSearch
	}
	ef = max(ef, r)
	cur := cand{d: walk(h.entry), id: h.entry}
	for l := h.topLevel; l > 0; l-- {
		for moved := true; moved; {
			moved = false
			best := cur
			for _, nb := range h.neighbours(cur.id, l) {
				if c := (cand{d: walk(nb), id: nb}); c.less(best) {
					best = c
				}
			}
			if best != cur {
				cur, moved = best, true
			}
		}
	}

	// results stays sorted (binary-search insertion); candidates is scanned for its
	// minimum.
	insert := func(s []cand, c cand) []cand {
		i := sort.Search(len(s), func(i int) bool { return c.less(s[i]) })
		return slices.Insert(s, i, c)
	}
	visited := map[uint32]bool{cur.id: true}
	candidates := []cand{cur}
	var results []cand
	if accept(cur.id) {
		results = append(results, cur)
	}
	for len(candidates) > 0 {
		best := 0
		for i, c := range candidates {
			if c.less(candidates[best]) {
				best = i
			}
		}
		c := candidates[best]
		if len(results) == ef && results[ef-1].less(c) {
			break
		}
		candidates = slices.Delete(candidates, best, best+1)
		for _, nb := range h.neighbours(c.id, 0) {
			if visited[nb] {
				continue
			}
			visited[nb] = true
			nc := cand{d: walk(nb), id: nb}
			if len(results) < ef || nc.less(results[len(results)-1]) {
				candidates = append(candidates, nc)
				if accept(nb) {
					results = insert(results, nc)
					if len(results) > ef {
						results = results[:ef]
					}
				}
			}
		}
	}
	return rescored(results)
}
