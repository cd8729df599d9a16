package vector

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Flat is an exact index: every search scores every (allowed) vector. It is the ground
// truth the graph index is tested against, the right choice for small collections, and
// the backing of an Index created with ProfileExact.
//
// Concurrency is as for HNSW: searches may run concurrently with each other, writes must
// be exclusive.
type Flat struct {
	dim    int
	metric Metric
	vecs   []float32 // slot i's vector at [i*dim, (i+1)*dim)
	labels []uint32  // slot → label
	lookup labelTable
	pool   scratchPool
}

// NewFlat returns an empty exact index.
func NewFlat(dim int, m Metric) (*Flat, error) {
	if dim < 1 || dim > maxDim {
		return nil, fmt.Errorf("%w: Dim %d out of range [1, %d]", ErrBadOptions, dim, maxDim)
	}
	if !m.valid() {
		return nil, fmt.Errorf("%w: unknown metric %d", ErrBadOptions, m)
	}
	return &Flat{dim: dim, metric: m}, nil
}

// Dim returns the vector dimension.
func (f *Flat) Dim() int { return f.dim }

// Metric returns the distance the index ranks by.
func (f *Flat) Metric() Metric { return f.metric }

// Len returns the number of vectors.
func (f *Flat) Len() int { return len(f.labels) }

// Contains reports whether label is in the index.
func (f *Flat) Contains(label uint32) bool { _, ok := f.lookup.get(label); return ok }

// Vector returns a copy of the stored vector of label (normalised under cosine).
func (f *Flat) Vector(label uint32) ([]float32, bool) {
	s, ok := f.lookup.get(label)
	if !ok {
		return nil, false
	}
	return append([]float32(nil), f.vecs[int(s)*f.dim:int(s+1)*f.dim]...), true
}

// MemoryBytes returns the bytes held by the vectors, labels, label table and scratch.
func (f *Flat) MemoryBytes() int64 {
	return int64(cap(f.vecs))*4 + int64(cap(f.labels))*4 + f.lookup.memoryBytes() + f.pool.memoryBytes()
}

// Add inserts or replaces vectors, with the same contract as HNSW.Add: the batch is
// validated first and nothing is inserted if any vector is bad. It does not block, so ctx
// is only checked before starting.
func (f *Flat) Add(ctx context.Context, labels []uint32, vecs []float32) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("add: %w", err)
	}
	if len(vecs) != len(labels)*f.dim {
		return fmt.Errorf("%w: %d floats for %d labels of dimension %d", ErrDimMismatch, len(vecs), len(labels), f.dim)
	}
	for i, label := range labels {
		if err := checkVector(f.metric, vecs[i*f.dim:(i+1)*f.dim]); err != nil {
			return fmt.Errorf("vector %d: %w", label, err)
		}
	}
	if len(f.labels)+len(labels) > maxNodes {
		return fmt.Errorf("%w: index would exceed %d vectors", ErrBadOptions, maxNodes)
	}
	maxLabel := uint32(0)
	for _, l := range labels {
		maxLabel = max(maxLabel, l)
	}
	if len(labels) > 0 {
		f.lookup.reserve(len(labels), maxLabel)
	}
	f.vecs = growTo(f.vecs, max(len(f.vecs)+len(vecs), cap(f.vecs)+cap(f.vecs)/8))
	f.labels = growTo(f.labels, max(len(f.labels)+len(labels), cap(f.labels)+cap(f.labels)/8))
	for i, label := range labels {
		v := vecs[i*f.dim : (i+1)*f.dim]
		slot, ok := f.lookup.get(label)
		if !ok {
			slot = uint32(len(f.labels))
			f.labels = append(f.labels, label)
			f.vecs = f.vecs[:len(f.vecs)+f.dim]
			f.lookup.set(label, slot)
		}
		_ = f.metric.prepare(f.vecs[int(slot)*f.dim:int(slot+1)*f.dim], v)
	}
	return nil
}

// Delete removes labels and returns how many were present. The last vector moves into
// each freed slot, so deletes cost O(dim) and leave no tombstones.
func (f *Flat) Delete(labels []uint32) int {
	n := 0
	for _, label := range labels {
		slot, ok := f.lookup.get(label)
		if !ok {
			continue
		}
		f.lookup.del(label)
		last := uint32(len(f.labels) - 1)
		if slot != last {
			moved := f.labels[last]
			f.labels[slot] = moved
			copy(f.vecs[int(slot)*f.dim:int(slot+1)*f.dim], f.vecs[int(last)*f.dim:])
			f.lookup.set(moved, slot)
		}
		f.labels = f.labels[:last]
		f.vecs = f.vecs[:int(last)*f.dim]
		n++
	}
	return n
}

// Search returns the k nearest vectors to q that pass o.Filter, nearest first (o.Ef is
// ignored: the search is exact).
func (f *Flat) Search(q []float32, k int, o SearchOptions) ([]Hit, error) {
	return f.SearchInto(nil, q, k, o)
}

// SearchInto is Search appending to dst[:0].
func (f *Flat) SearchInto(dst []Hit, q []float32, k int, o SearchOptions) ([]Hit, error) {
	dst = dst[:0]
	if len(q) != f.dim {
		return dst, fmt.Errorf("query: %w: length %d, index dimension %d", ErrDimMismatch, len(q), f.dim)
	}
	s := f.pool.get()
	defer f.pool.put(s)
	if cap(s.q) < f.dim {
		s.q = make([]float32, f.dim)
	}
	s.q = s.q[:f.dim]
	if err := f.metric.prepare(s.q, q); err != nil {
		return dst, fmt.Errorf("query: %w", err)
	}
	if k <= 0 || len(f.labels) == 0 {
		return dst, nil
	}
	for _, c := range f.scan(s, s.q, k, o.Filter) {
		dst = append(dst, Hit{Label: f.labels[c.id], Distance: f.metric.reported(c.d)})
	}
	return dst, nil
}

// SearchByLabel returns the k nearest vectors to the stored vector of label, the label
// itself left out, or an error wrapping ErrNotFound.
func (f *Flat) SearchByLabel(dst []Hit, label uint32, k int, o SearchOptions) ([]Hit, error) {
	dst = dst[:0]
	slot, ok := f.lookup.get(label)
	if !ok {
		return dst, fmt.Errorf("vector %d: %w", label, ErrNotFound)
	}
	if k <= 0 {
		return dst, nil
	}
	s := f.pool.get()
	defer f.pool.put(s)
	s.q = append(s.q[:0], f.vecs[int(slot)*f.dim:int(slot+1)*f.dim]...)
	for _, c := range f.scan(s, s.q, k+1, o.Filter) {
		if c.id != slot && len(dst) < k {
			dst = append(dst, Hit{Label: f.labels[c.id], Distance: f.metric.reported(c.d)})
		}
	}
	return dst, nil
}

// scan scores every slot the filter allows and returns the k nearest, sorted.
func (f *Flat) scan(s *scratch, q []float32, k int, filter Filter) []cand {
	s.buffers(exactChunk)
	res := s.res[:0]
	n := len(f.labels)
	for lo := 0; lo < n; lo += exactChunk {
		hi := min(lo+exactChunk, n)
		ids := s.ids[:0]
		for i := lo; i < hi; i++ {
			if filter == nil || filter.Allow(f.labels[i]) {
				ids = append(ids, uint32(i))
			}
		}
		ds := s.ds[:len(ids)]
		f.metric.scoreRows(q, f.vecs, ids, ds)
		for i, id := range ids {
			res.pushBounded(cand{d: ds[i], id: id}, k)
		}
		s.ids = ids
	}
	s.out = res.drainSorted(s.out[:0])
	s.res = res
	return s.out
}

// SearchBatch answers many queries on up to threads goroutines (0 means GOMAXPROCS),
// returning results in query order. The first invalid query's error is returned, naming
// its position.
func (f *Flat) SearchBatch(qs [][]float32, k, threads int) ([][]Hit, error) {
	if threads <= 0 {
		threads = Options{}.threads()
	}
	out := make([][]Hit, len(qs))
	errs := make([]error, len(qs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(threads, len(qs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(qs) {
					return
				}
				out[i], errs[i] = f.Search(qs[i], k, SearchOptions{})
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("query %d: %w", i, err)
		}
	}
	return out, nil
}
