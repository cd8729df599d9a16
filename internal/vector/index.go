package vector

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// Index is the vector index for library users: an HNSW graph (or, with ProfileExact, a
// Flat index) that is safe for concurrent use, with many searchers and serialised writers.
//
// Searches hold a read lock. Writers are serialised by a separate mutex and take the write
// lock only for the short steps that change what searches read: an Add links each internal
// batch while searches keep running (linking only reads the published graph) and locks
// just to append the nodes and to apply the reverse links; Compact plans its repairs the
// same way. So readers stay fast while a long Add or a Promote runs.
type Index struct {
	writeMu sync.Mutex   // serialises writers
	mu      sync.RWMutex // searches versus the steps that change published state
	opts    Options
	graph   *HNSW // exactly one of graph and flat is set
	flat    *Flat

	promoting atomic.Bool
	logging   bool      // guarded by writeMu: record writes for a running Promote
	log       []indexOp // guarded by writeMu
}

// indexOp is a write recorded while a promotion builds its new index.
type indexOp struct {
	del    bool
	labels []uint32
	vecs   []float32
}

// NewIndex returns an empty index. With o.Profile == ProfileExact it keeps a Flat index
// (nothing to build, exact answers) until promoted; otherwise an HNSW graph.
func NewIndex(o Options) (*Index, error) {
	g, f, err := newBacking(o)
	if err != nil {
		return nil, err
	}
	x := &Index{graph: g, flat: f}
	x.opts = x.currentOptions(o)
	return x, nil
}

func newBacking(o Options) (*HNSW, *Flat, error) {
	if o.Profile == ProfileExact {
		f, err := NewFlat(o.Dim, o.Metric)
		return nil, f, err
	}
	g, err := NewHNSW(o)
	return g, nil, err
}

// currentOptions returns the options describing the backing index.
func (x *Index) currentOptions(o Options) Options {
	if x.graph != nil {
		return x.graph.Options()
	}
	o.Profile = ProfileExact
	return o
}

// Options returns the options of the current backing index (Profile tells which).
func (x *Index) Options() Options {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.opts
}

// Add inserts or replaces vectors; see HNSW.Add for the contract.
func (x *Index) Add(ctx context.Context, labels []uint32, vecs []float32) error {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	done, err := x.addLocked(ctx, labels, vecs)
	if x.logging && done > 0 {
		x.log = append(x.log, indexOp{
			labels: append([]uint32(nil), labels[:done]...),
			vecs:   append([]float32(nil), vecs[:done*x.opts.Dim]...),
		})
	}
	return err
}

// addLocked runs an Add with writeMu held and returns how many leading entries of labels
// it applied (all of them, or a prefix when ctx stopped it).
func (x *Index) addLocked(ctx context.Context, labels []uint32, vecs []float32) (int, error) {
	if x.flat != nil {
		x.mu.Lock()
		defer x.mu.Unlock()
		if err := x.flat.Add(ctx, labels, vecs); err != nil {
			return 0, err
		}
		return len(labels), nil
	}
	h := x.graph
	if err := h.validateBatch(labels, vecs); err != nil {
		return 0, err
	}
	if err := x.compactLocked(ctx, false); err != nil {
		return 0, err
	}
	x.mu.Lock()
	order := h.planAdd(labels)
	x.mu.Unlock()
	threads := h.opts.threads()
	for off := 0; off < len(order); {
		if err := ctx.Err(); err != nil {
			// order is increasing, so replaying labels up to the last inserted position
			// reproduces what was applied.
			done := 0
			if off > 0 {
				done = int(order[off-1]) + 1
			}
			return done, fmt.Errorf("add: %w", err)
		}
		n := min(h.batchSize(len(h.labels)), len(order)-off)
		x.mu.Lock()
		b := h.prepareBatch(labels, vecs, order[off:off+n])
		x.mu.Unlock()
		h.linkBatch(b, threads)
		x.mu.Lock()
		h.applyBatch(b, threads)
		x.mu.Unlock()
		off += n
	}
	return len(labels), nil
}

// Delete removes labels and returns how many were present.
func (x *Index) Delete(labels []uint32) int {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.mu.Lock()
	var n int
	if x.flat != nil {
		n = x.flat.Delete(labels)
	} else {
		n = x.graph.Delete(labels)
	}
	x.mu.Unlock()
	if x.logging && n > 0 {
		x.log = append(x.log, indexOp{del: true, labels: append([]uint32(nil), labels...)})
	}
	return n
}

// Compact repairs and drops deleted graph nodes now (see HNSW.Compact); a no-op for an
// exact index.
func (x *Index) Compact(ctx context.Context) error {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	return x.compactLocked(ctx, true)
}

// compactLocked compacts when forced or due, planning without the write lock.
func (x *Index) compactLocked(ctx context.Context, force bool) error {
	h := x.graph
	if h == nil || h.nDead == 0 || (!force && !h.compactDue()) {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	x.mu.Lock()
	h.own()
	x.mu.Unlock()
	plan := h.planRepair()
	x.mu.Lock()
	h.applyRepair(plan)
	x.mu.Unlock()
	return nil
}

// Search returns the k nearest live vectors to q.
func (x *Index) Search(q []float32, k int, o SearchOptions) ([]Hit, error) {
	return x.SearchInto(nil, q, k, o)
}

// SearchInto is Search appending to dst[:0].
func (x *Index) SearchInto(dst []Hit, q []float32, k int, o SearchOptions) ([]Hit, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.flat != nil {
		return x.flat.SearchInto(dst, q, k, o)
	}
	return x.graph.SearchInto(dst, q, k, o)
}

// SearchByLabel returns the k nearest live vectors to the stored vector of label, the label
// itself left out, or an error wrapping ErrNotFound.
func (x *Index) SearchByLabel(dst []Hit, label uint32, k int, o SearchOptions) ([]Hit, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.flat != nil {
		return x.flat.SearchByLabel(dst, label, k, o)
	}
	return x.graph.SearchByLabel(dst, label, k, o)
}

// Len returns the number of live vectors.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.flat != nil {
		return x.flat.Len()
	}
	return x.graph.Len()
}

// Contains reports whether label is live.
func (x *Index) Contains(label uint32) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.flat != nil {
		return x.flat.Contains(label)
	}
	return x.graph.Contains(label)
}

// Vector returns a copy of the stored vector of label.
func (x *Index) Vector(label uint32) ([]float32, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.flat != nil {
		return x.flat.Vector(label)
	}
	return x.graph.Vector(label)
}

// MemoryBytes returns the bytes held by the backing index.
func (x *Index) MemoryBytes() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.flat != nil {
		return x.flat.MemoryBytes()
	}
	return x.graph.MemoryBytes()
}

// WriteTo writes the backing index (VJRAHNSW or VJRAFLAT format).
func (x *Index) WriteTo(w io.Writer) (int64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.flat != nil {
		return x.flat.WriteTo(w)
	}
	return x.graph.WriteTo(w)
}

// ReadIndex decodes what Index.WriteTo (or HNSW/Flat WriteTo) wrote. A graph index aliases
// data as ReadHNSW does. Writes use GOMAXPROCS goroutines until SetThreads says otherwise.
func ReadIndex(data []byte) (*Index, error) {
	if len(data) >= 8 && string(data[:8]) == flatMagic {
		f, err := ReadFlat(data)
		if err != nil {
			return nil, err
		}
		return &Index{flat: f, opts: Options{Dim: f.dim, Metric: f.metric, Profile: ProfileExact}}, nil
	}
	h, err := ReadHNSW(data)
	if err != nil {
		return nil, err
	}
	return &Index{graph: h, opts: h.Options()}, nil
}

// SetThreads sets the goroutines later writes and promotions use (0: GOMAXPROCS).
func (x *Index) SetThreads(n int) {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.opts.Threads = max(n, 0)
	if x.graph != nil {
		x.graph.SetThreads(n)
	}
}

// promoteFinal is the size (in logged vectors and labels) below which Promote replays the
// last writes while holding off other writers, then swaps.
const promoteFinal = 4096

// Promote rebuilds the index as profile p (ProfileExact included) from its live vectors,
// while the index keeps answering searches and taking writes: writes made meanwhile are
// logged and replayed onto the new index, the last few with writers held off, and the new
// index then replaces the old atomically. It returns when the swap is done (run it in a
// goroutine to promote in the background), with ErrBusy if another promotion is running,
// or with ctx's error, leaving the index as it was.
func (x *Index) Promote(ctx context.Context, p Profile) error {
	if _, ok := p.params(); !ok && p != ProfileExact {
		return fmt.Errorf("%w: unknown profile %q", ErrBadOptions, p)
	}
	if !x.promoting.CompareAndSwap(false, true) {
		return ErrBusy
	}
	defer x.promoting.Store(false)

	x.writeMu.Lock()
	o := x.opts
	o.Profile, o.M, o.M0, o.EfConstruction, o.EfSearch = p, 0, 0, 0, 0
	labels, vecs := x.snapshot()
	x.logging, x.log = true, nil
	x.writeMu.Unlock()
	stop := func(err error) error {
		x.writeMu.Lock()
		x.logging, x.log = false, nil
		x.writeMu.Unlock()
		return fmt.Errorf("promote to %s: %w", p, err)
	}

	next, err := NewIndex(o)
	if err != nil {
		return stop(err)
	}
	if _, err := next.addLocked(ctx, labels, vecs); err != nil {
		return stop(err)
	}
	for {
		x.writeMu.Lock()
		ops := x.log
		x.log = nil
		if opsSize(ops) <= promoteFinal {
			err := next.replay(ctx, ops)
			if err == nil {
				x.mu.Lock()
				x.graph, x.flat, x.opts = next.graph, next.flat, next.opts
				x.mu.Unlock()
			}
			x.logging = false
			x.writeMu.Unlock()
			if err != nil {
				return fmt.Errorf("promote to %s: %w", p, err)
			}
			return nil
		}
		x.writeMu.Unlock()
		if err := next.replay(ctx, ops); err != nil {
			return stop(err)
		}
	}
}

func opsSize(ops []indexOp) int {
	n := 0
	for _, op := range ops {
		n += len(op.labels)
	}
	return n
}

// replay applies logged writes to an index no one else uses yet.
func (x *Index) replay(ctx context.Context, ops []indexOp) error {
	for _, op := range ops {
		if op.del {
			if x.flat != nil {
				x.flat.Delete(op.labels)
			} else {
				x.graph.Delete(op.labels)
			}
			continue
		}
		if _, err := x.addLocked(ctx, op.labels, op.vecs); err != nil {
			return err
		}
	}
	return nil
}

// snapshot copies the live labels and vectors, in storage order. writeMu must be held.
func (x *Index) snapshot() ([]uint32, []float32) {
	if x.flat != nil {
		return append([]uint32(nil), x.flat.labels...), append([]float32(nil), x.flat.vecs...)
	}
	h := x.graph
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
