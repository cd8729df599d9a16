package vector

// The graph walk (greedy descent and layer searches) scores nodes through walkRows, which
// reads either the float32 vectors or, in a quantised index, the codes: beginWalk chooses
// per search or per inserted node, and everything between sees one score scale.

// beginWalk prepares s for walking the graph towards the prepared vector q: on the codes
// when useCodes and the index has them, else on the float32 vectors.
func (h *HNSW) beginWalk(s *scratch, q []float32, useCodes bool) {
	s.coded = useCodes && h.quant != nil
	if s.coded {
		h.quant.prepare(&s.cq, q)
	}
}

// walkRows sets ds[i] to the walk score of node ids[i] (never NaN).
func (h *HNSW) walkRows(s *scratch, q []float32, ids []uint32, ds []float32) {
	if s.coded {
		h.quant.scoreRows(&s.cq, ids, ds)
		return
	}
	h.scoreVecs(q, ids, ds)
}

// walkScore is walkRows for one node.
func (h *HNSW) walkScore(s *scratch, q []float32, id uint32) float32 {
	if !s.coded {
		return h.metric.score(q, h.vec(id))
	}
	var one [1]float32
	h.quant.scoreRows(&s.cq, []uint32{id}, one[:])
	return one[0]
}

// rescoreCount is how many candidates a quantised search rescores for k results.
func (h *HNSW) rescoreCount(k int, o SearchOptions) int {
	r := o.Rescore
	if r <= 0 {
		r = h.opts.Rescore
	}
	if r <= 0 {
		r = h.opts.Quantization.rescoreFactor(h.dim) * k
	}
	return max(r, k)
}

// rescore replaces the walk scores of cands with exact float32 scores against q, sorts them
// and keeps the k best. It works in place and returns the kept prefix.
func (h *HNSW) rescore(s *scratch, q []float32, cands []cand, k int) []cand {
	s.buffers(len(cands))
	ids := s.ids[:len(cands)]
	for i, c := range cands {
		ids[i] = c.id & idMask
	}
	if err := h.verifyRows(ids); err != nil {
		s.err = err
		return cands[:0]
	}
	ds := s.ds[:len(cands)]
	h.scoreVecs(q, ids, ds)
	for i := range cands {
		cands[i] = cand{d: ds[i], id: ids[i]}
	}
	sortCands(cands)
	return cands[:min(k, len(cands))]
}
