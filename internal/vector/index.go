package vector

import (
	"context"
	"fmt"
	"io"
	"slices"
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
	b       backing

	promoting atomic.Bool
	logging   bool      // guarded by writeMu: record writes for a running Promote
	log       []indexOp // guarded by writeMu

	file *indexFile // the mapped file the index was opened from, or nil
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
	b, err := newBacking(o)
	if err != nil {
		return nil, err
	}
	return &Index{b: b}, nil
}

// Options returns the options of the current backing index (Profile tells which).
func (x *Index) Options() Options {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.b.options()
}

// Add inserts or replaces vectors; see HNSW.Add for the contract.
func (x *Index) Add(ctx context.Context, labels []uint32, vecs []float32) error {
	return x.add(ctx, labels, vecs, acceptSafe)
}

// AddLogged is Add for vectors that a log or a saved index already holds: it refuses
// what no version of this package ever accepted (wrong length, NaN or infinity, zero
// under cosine) but not a squared norm beyond MaxNormSq, which versions before that limit
// stored. Refusing those would leave such a log unreadable; searches stay well-defined
// with them (a distance that is NaN ranks last), they are only of little use. Everything
// new goes through Add.
func (x *Index) AddLogged(ctx context.Context, labels []uint32, vecs []float32) error {
	return x.add(ctx, labels, vecs, acceptStored)
}

func (x *Index) add(ctx context.Context, labels []uint32, vecs []float32, acc acceptance) (err error) {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	if err := x.usable(); err != nil {
		return err
	}
	defer x.guard(&err)()
	partial, err := x.b.add(ctx, labels, vecs, acc, &x.mu)
	if !x.logging {
		return err
	}
	switch {
	case err == nil && len(labels) > 0:
		x.log = append(x.log, indexOp{labels: slices.Clone(labels), vecs: slices.Clone(vecs)})
	case len(partial) > 0:
		// Exactly what took effect: a prefix of labels could hold an earlier occurrence of
		// a repeated label whose later one was never applied.
		dim := x.b.options().Dim
		op := indexOp{labels: make([]uint32, 0, len(partial)), vecs: make([]float32, 0, len(partial)*dim)}
		for _, i := range partial {
			op.labels = append(op.labels, labels[i])
			op.vecs = append(op.vecs, vecs[int(i)*dim:(int(i)+1)*dim]...)
		}
		x.log = append(x.log, op)
	}
	return err
}

// Reserve makes room for n more vectors at once (see HNSW.Reserve).
func (x *Index) Reserve(n int) {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	if x.usable() != nil {
		return
	}
	var err error // a fault marks the index broken
	defer x.guard(&err)()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.b.Reserve(n)
}

// Delete removes labels and returns how many were present.
func (x *Index) Delete(labels []uint32) int {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	if x.usable() != nil {
		return 0
	}
	x.mu.Lock()
	n := x.b.Delete(labels)
	x.mu.Unlock()
	if x.logging && n > 0 {
		x.log = append(x.log, indexOp{del: true, labels: append([]uint32(nil), labels...)})
	}
	return n
}

// Compact repairs and drops deleted graph nodes now (see HNSW.Compact); a no-op for an
// exact index.
func (x *Index) Compact(ctx context.Context) (err error) {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	if err := x.usable(); err != nil {
		return err
	}
	defer x.guard(&err)()
	return x.b.compact(ctx, true, &x.mu)
}

// Search returns the k nearest live vectors to q.
func (x *Index) Search(q []float32, k int, o SearchOptions) ([]Hit, error) {
	return x.SearchInto(nil, q, k, o)
}

// SearchInto is Search appending to dst[:0].
func (x *Index) SearchInto(dst []Hit, q []float32, k int, o SearchOptions) (hits []Hit, err error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if err := x.usable(); err != nil {
		return dst[:0], err
	}
	defer x.guard(&err)()
	return x.b.SearchInto(dst, q, k, o)
}

// SearchByLabel returns the k nearest live vectors to the stored vector of label, the label
// itself left out, or an error wrapping ErrNotFound.
func (x *Index) SearchByLabel(dst []Hit, label uint32, k int, o SearchOptions) (hits []Hit, err error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if err := x.usable(); err != nil {
		return dst[:0], err
	}
	defer x.guard(&err)()
	return x.b.SearchByLabel(dst, label, k, o)
}

// Len returns the number of live vectors.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.b.Len()
}

// Contains reports whether label is live.
func (x *Index) Contains(label uint32) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.b.Contains(label)
}

// Vector returns a copy of the stored vector of label.
func (x *Index) Vector(label uint32) (v []float32, ok bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.usable() != nil {
		return nil, false
	}
	var err error
	defer func() {
		if err != nil {
			v, ok = nil, false
		}
	}()
	defer x.guard(&err)()
	return x.b.Vector(label)
}

// MemoryBytes returns the bytes held by the backing index.
func (x *Index) MemoryBytes() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.b.MemoryBytes()
}

// WriteTo writes the backing index (VJRAHNSW or VJRAFLAT format).
func (x *Index) WriteTo(w io.Writer) (n int64, err error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if err := x.usable(); err != nil {
		return 0, err
	}
	defer x.guard(&err)()
	return x.b.WriteTo(w)
}

// ReadIndex decodes what Index.WriteTo (or HNSW/Flat WriteTo) wrote. A graph index aliases
// data as ReadHNSW does. Writes use GOMAXPROCS goroutines until SetThreads says otherwise.
func ReadIndex(data []byte) (*Index, error) {
	b, err := readBacking(data)
	if err != nil {
		return nil, err
	}
	return &Index{b: b}, nil
}

// SetThreads sets the goroutines later writes and promotions use (0: GOMAXPROCS).
func (x *Index) SetThreads(n int) {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.b.SetThreads(n)
}

// promoteFinal is the size (in logged vectors and labels) below which Promote replays the
// last writes while holding off other writers, then swaps. promoteRounds bounds the rounds
// of catching up without holding them off: writers that outpace the replay would otherwise
// keep a promotion from ever finishing.
const (
	promoteFinal  = 4096
	promoteRounds = 16
)

// Promote rebuilds the index as profile p (ProfileExact included) from its live vectors,
// while the index keeps answering searches and taking writes: writes made meanwhile are
// logged and replayed onto the new index, the last few with writers held off, and the new
// index then replaces the old atomically. It returns when the swap is done (run it in a
// goroutine to promote in the background), with ErrBusy if another promotion is running,
// or with ctx's error, leaving the index as it was.
func (x *Index) Promote(ctx context.Context, p Profile) (err error) {
	defer x.guard(&err)()
	if _, ok := p.params(); !ok && p != ProfileExact {
		return fmt.Errorf("%w: unknown profile %q", ErrBadOptions, p)
	}
	if !x.promoting.CompareAndSwap(false, true) {
		return ErrBusy
	}
	defer x.promoting.Store(false)

	x.writeMu.Lock()
	if err := x.usable(); err != nil {
		x.writeMu.Unlock()
		return err
	}
	o := x.b.options()
	o.Profile, o.M, o.M0, o.EfConstruction, o.EfSearch = p, 0, 0, 0, 0
	labels, vecs := x.b.live()
	x.logging, x.log = true, nil
	x.writeMu.Unlock()
	stop := func(err error) error {
		x.writeMu.Lock()
		x.logging, x.log = false, nil
		x.writeMu.Unlock()
		return fmt.Errorf("promote to %s: %w", p, err)
	}

	next, err := newBacking(o)
	if err != nil {
		return stop(err)
	}
	abandon := func(err error) error {
		_ = next.release()
		return stop(err)
	}
	// The vectors were accepted once; the new index must take every one of them.
	if _, err := next.add(ctx, labels, vecs, acceptStored, unlocked{}); err != nil {
		return abandon(err)
	}
	for round := 1; ; round++ {
		x.writeMu.Lock()
		ops := x.log
		x.log = nil
		if opsSize(ops) <= promoteFinal || round >= promoteRounds {
			err := replay(ctx, next, ops)
			if err == nil {
				x.mu.Lock()
				old := x.b
				x.b = next
				// No search runs now, and none will see the old backing again.
				_ = old.release()
				x.mu.Unlock()
			} else {
				_ = next.release()
			}
			x.logging = false
			x.writeMu.Unlock()
			if err != nil {
				return fmt.Errorf("promote to %s: %w", p, err)
			}
			return nil
		}
		x.writeMu.Unlock()
		if err := replay(ctx, next, ops); err != nil {
			return abandon(err)
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
func replay(ctx context.Context, b backing, ops []indexOp) error {
	for _, op := range ops {
		if op.del {
			b.Delete(op.labels)
			continue
		}
		if _, err := b.add(ctx, op.labels, op.vecs, acceptStored, unlocked{}); err != nil {
			return err
		}
	}
	return nil
}
