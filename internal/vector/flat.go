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
	rows
	opts Options // Profile is ProfileExact; the rest is kept for a promotion to a graph
}

// NewFlat returns an empty exact index.
func NewFlat(dim int, m Metric) (*Flat, error) {
	return newFlat(Options{Dim: dim, Metric: m})
}

// newFlat returns an empty exact index for o.Dim and o.Metric, keeping the rest of o.
func newFlat(o Options) (*Flat, error) {
	if o.Dim < 1 || o.Dim > maxDim {
		return nil, fmt.Errorf("%w: Dim %d out of range [1, %d]", ErrBadOptions, o.Dim, maxDim)
	}
	if !o.Metric.valid() {
		return nil, fmt.Errorf("%w: unknown metric %d", ErrBadOptions, o.Metric)
	}
	o.Profile = ProfileExact
	return &Flat{rows: rows{dim: o.Dim, metric: o.Metric}, opts: o}, nil
}

// Dim returns the vector dimension.
func (f *Flat) Dim() int { return f.dim }

// Metric returns the distance the index ranks by.
func (f *Flat) Metric() Metric { return f.metric }

func (f *Flat) options() Options { return f.opts }

// SetThreads sets the goroutines a promotion from this index uses (0: GOMAXPROCS).
func (f *Flat) SetThreads(n int) { f.opts.Threads = max(n, 0) }

// Len returns the number of vectors.
func (f *Flat) Len() int { return len(f.labels) }

// MemoryBytes returns the bytes held by the vectors, labels, label table and scratch.
func (f *Flat) MemoryBytes() int64 { return f.rows.memoryBytes() }

// Add inserts or replaces vectors, with the same contract as HNSW.Add: the batch is
// validated first and nothing is inserted if any vector is bad. It does not block, so ctx
// is only checked before starting.
func (f *Flat) Add(ctx context.Context, labels []uint32, vecs []float32) error {
	_, err := f.add(ctx, labels, vecs, acceptSafe, unlocked{})
	return err
}

func (f *Flat) add(ctx context.Context, labels []uint32, vecs []float32, acc acceptance, publish sync.Locker) ([]int32, error) {
	if err := cancelled(ctx, "add"); err != nil {
		return nil, err
	}
	if err := f.checkBatch(labels, vecs, acc); err != nil {
		return nil, err
	}
	publish.Lock()
	defer publish.Unlock()
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
		_ = f.metric.prepare(f.vec(slot), v, acceptStored)
	}
	return nil, nil
}

// release has nothing to free: a Flat index lives in the heap.
func (f *Flat) release() error { return nil }

// Reserve makes room for n more vectors (a capacity hint).
func (f *Flat) Reserve(n int) {
	if n > 0 {
		f.vecs = growTo(f.vecs, len(f.vecs)+n*f.dim)
		f.labels = growTo(f.labels, len(f.labels)+n)
	}
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
			copy(f.vec(slot), f.vec(last))
			f.lookup.set(moved, slot)
		}
		f.labels = f.labels[:last]
		f.vecs = f.vecs[:int(last)*f.dim]
		n++
	}
	return n
}

// compact has nothing to do: deletes leave no tombstones.
func (f *Flat) compact(context.Context, bool, sync.Locker) error { return nil }

// live copies the labels and vectors, in slot order.
func (f *Flat) live() ([]uint32, []float32) {
	return append([]uint32(nil), f.labels...), append([]float32(nil), f.vecs...)
}

// Search returns the k nearest vectors to q that pass o.Filter, nearest first (o.Ef is
// ignored: the search is exact).
func (f *Flat) Search(q []float32, k int, o SearchOptions) ([]Hit, error) {
	return f.SearchInto(nil, q, k, o)
}

// SearchInto is Search appending to dst[:0].
func (f *Flat) SearchInto(dst []Hit, q []float32, k int, o SearchOptions) ([]Hit, error) {
	return f.rows.searchInto(f, dst, q, k, o)
}

// SearchByLabel returns the k nearest vectors to the stored vector of label, the label
// itself left out, or an error wrapping ErrNotFound.
func (f *Flat) SearchByLabel(dst []Hit, label uint32, k int, o SearchOptions) ([]Hit, error) {
	return f.rows.searchByLabel(f, dst, label, k, o)
}

func (f *Flat) nearest(s *scratch, q []float32, k int, o SearchOptions) []cand {
	return f.scan(s, q, k, o.Filter)
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
