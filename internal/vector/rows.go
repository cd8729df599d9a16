package vector

import "fmt"

// rows is the storage every index keeps: one vector a slot in a contiguous arena (cosine
// vectors normalised), each slot's label, the table from live labels to slots, and the
// pool of search scratch. HNSW and Flat embed it; what they add is how slots are found.
type rows struct {
	dim    int
	metric Metric
	vecs   []float32 // slot i's vector at [i*dim, (i+1)*dim)
	// tail holds the slots after those in vecs when vecs is a read-only view of a file
	// (see HNSW.frozen); empty otherwise.
	tail   []float32
	labels []uint32 // slot → label
	lookup labelTable
	pool   scratchPool
}

func (r *rows) vec(slot uint32) []float32 {
	off := int(slot) * r.dim
	if off < len(r.vecs) {
		return r.vecs[off : off+r.dim : off+r.dim]
	}
	off -= len(r.vecs)
	return r.tail[off : off+r.dim : off+r.dim]
}

// scoreVecs sets out[i] to the exact internal score between q and slot ids[i], wherever
// the slot's vector is kept; never NaN.
func (r *rows) scoreVecs(q []float32, ids []uint32, out []float32) {
	if len(r.tail) == 0 {
		r.metric.scoreRows(q, r.vecs, ids, out)
		return
	}
	for i, id := range ids {
		out[i] = r.metric.score(q, r.vec(id))
	}
}

// Contains reports whether label is live in the index.
func (r *rows) Contains(label uint32) bool {
	_, ok := r.lookup.get(label)
	return ok
}

// Vector returns a copy of the stored vector of label (normalised under cosine).
func (r *rows) Vector(label uint32) ([]float32, bool) {
	slot, ok := r.lookup.get(label)
	if !ok {
		return nil, false
	}
	return append([]float32(nil), r.vec(slot)...), true
}

// memoryBytes returns the bytes held by the arena, the labels, the label table and the
// pooled scratch.
func (r *rows) memoryBytes() int64 {
	return int64(cap(r.vecs))*4 + int64(cap(r.labels))*4 + r.lookup.memoryBytes() + r.pool.memoryBytes()
}

// nearestFinder is the part of a search that differs between indexes: given a prepared
// query, the k nearest live slots that o allows, nearest first, in scratch memory.
type nearestFinder interface {
	Len() int
	nearest(s *scratch, q []float32, k int, o SearchOptions) []cand
}

// searchInto is the SearchInto of every index: check and prepare q, find, convert to hits
// appended to dst[:0]. It allocates nothing once dst and the pooled scratch have grown.
func (r *rows) searchInto(f nearestFinder, dst []Hit, q []float32, k int, o SearchOptions) ([]Hit, error) {
	dst = dst[:0]
	if len(q) != r.dim {
		return dst, fmt.Errorf("query: %w: length %d, index dimension %d", ErrDimMismatch, len(q), r.dim)
	}
	s := r.pool.get()
	defer r.pool.put(s)
	if cap(s.q) < r.dim {
		s.q = make([]float32, r.dim)
	}
	s.q = s.q[:r.dim]
	if err := r.metric.prepare(s.q, q, acceptSafe); err != nil {
		return dst, fmt.Errorf("query: %w", err)
	}
	if k <= 0 || f.Len() == 0 {
		return dst, nil
	}
	s.err = nil
	found := f.nearest(s, s.q, k, o)
	if err := s.err; err != nil {
		s.err = nil
		return dst, fmt.Errorf("search: %w", err)
	}
	for _, c := range found {
		dst = append(dst, Hit{Label: r.labels[c.id], Distance: r.metric.reported(c.d)})
	}
	return dst, nil
}

// searchByLabel is the SearchByLabel of every index: the k nearest live vectors to the
// stored vector of label, the label itself left out.
func (r *rows) searchByLabel(f nearestFinder, dst []Hit, label uint32, k int, o SearchOptions) ([]Hit, error) {
	dst = dst[:0]
	slot, ok := r.lookup.get(label)
	if !ok {
		return dst, fmt.Errorf("vector %d: %w", label, ErrNotFound)
	}
	if k <= 0 {
		return dst, nil
	}
	s := r.pool.get()
	defer r.pool.put(s)
	s.q = append(s.q[:0], r.vec(slot)...)
	if o.Ef > 0 {
		o.Ef++ // room for the label itself
	}
	s.err = nil
	found := f.nearest(s, s.q, k+1, o)
	if err := s.err; err != nil {
		s.err = nil
		return dst, fmt.Errorf("search: %w", err)
	}
	for _, c := range found {
		if c.id != slot && len(dst) < k {
			dst = append(dst, Hit{Label: r.labels[c.id], Distance: r.metric.reported(c.d)})
		}
	}
	return dst, nil
}

// checkBatch validates a batch of len(labels) vectors before anything is inserted; the
// error names the first bad vector's label.
func (r *rows) checkBatch(labels []uint32, vecs []float32, acc acceptance) error {
	if len(vecs) != len(labels)*r.dim {
		return fmt.Errorf("%w: %d floats for %d labels of dimension %d", ErrDimMismatch, len(vecs), len(labels), r.dim)
	}
	if len(r.labels)+len(labels) > maxNodes {
		return fmt.Errorf("%w: index would exceed %d vectors", ErrBadOptions, maxNodes)
	}
	for i, label := range labels {
		if _, err := r.metric.check(vecs[i*r.dim:(i+1)*r.dim], acc); err != nil {
			return fmt.Errorf("vector %d: %w", label, err)
		}
	}
	return nil
}
