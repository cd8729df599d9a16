package lexical

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// Index is an incrementally updated BM25 index: a list of immutable segments plus deletion
// sets, published as Snapshots. It is safe for concurrent use: writers (Add, Delete,
// ForceMerge) are serialised by a mutex, readers take a Snapshot (one atomic load) and never
// block or observe a half-applied write.
type Index struct {
	mu      sync.Mutex
	opts    Options
	fw      []uint32
	snap    atomic.Pointer[Snapshot]
	nextSeg uint64
	lastID  uint32
	hasLast bool
	pool    *sync.Pool
}

// New returns an empty index.
func New(o Options) (*Index, error) {
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o.FieldWeights = slices.Clone(o.FieldWeights)
	ix := &Index{opts: o, fw: o.fieldWeights32(), pool: &sync.Pool{}}
	ix.publish(nil)
	return ix, nil
}

// Options returns the index's options with defaults filled in.
func (ix *Index) Options() Options {
	o := ix.opts
	o.FieldWeights = slices.Clone(o.FieldWeights)
	return o
}

func (ix *Index) publish(segs []segState) {
	ix.snap.Store(newSnapshot(&ix.opts, ix.fw, segs, ix.pool))
}

// Snapshot returns the current point-in-time view in O(1).
func (ix *Index) Snapshot() *Snapshot { return ix.snap.Load() }

// Add indexes docs as one new segment, then applies the merge policy. Document IDs must be
// strictly increasing, within docs and across all Add calls (the caller assigns fresh IDs),
// so that the order of documents inside the index is their ID order. Add is all or nothing:
// on error nothing was added. An empty docs is a no-op.
func (ix *Index) Add(docs []Doc) error {
	ids := make([]uint32, len(docs))
	for i := range docs {
		ids[i] = docs[i].ID
	}
	return ix.AddFunc(ids, func(i int) [][]string { return docs[i].Fields })
}

// AddFunc is Add for documents whose terms are produced as they are indexed: fields(i) gives
// the analysed terms of document ids[i], one slice per field. It is called once per
// document, from up to Options.Threads goroutines at once, and what it returns is dropped as
// soon as its part of the batch is inverted, so a large batch is never held analysed whole.
func (ix *Index) AddFunc(ids []uint32, fields func(i int) [][]string) error {
	if len(ids) == 0 {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	prev, has := ix.lastID, ix.hasLast
	for i, id := range ids {
		if has && id <= prev {
			return fmt.Errorf("%w: document %d (at %d in the batch) follows %d", ErrDocOrder, id, i, prev)
		}
		prev, has = id, true
	}
	seg, err := buildSegment(ix.nextSeg, ix.fw, ids, fields, ix.opts.Threads)
	if err != nil {
		return fmt.Errorf("add %d documents: %w", len(ids), err)
	}
	segs := append(slices.Clone(ix.Snapshot().segs), newSegState(seg, nil))
	segs, next, err := applyMergePolicy(segs, ix.fw, ix.nextSeg+1, ix.opts.MergeFactor)
	if err != nil {
		return fmt.Errorf("add %d documents: %w", len(ids), err)
	}
	ix.nextSeg = next
	ix.lastID, ix.hasLast = prev, true
	ix.publish(segs)
	return nil
}

// Delete marks the given documents deleted and returns how many of them were live. No
// snapshot taken after Delete returns shows them; snapshots taken before are unchanged.
// Unknown and already deleted IDs are ignored. Space is reclaimed by merges.
func (ix *Index) Delete(ids []uint32) int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	cur := ix.Snapshot()
	var segs []segState
	var cloned []bool
	count := 0
	for _, id := range ids {
		si, ord, ok := cur.locate(id)
		if !ok {
			continue
		}
		if segs == nil {
			segs = slices.Clone(cur.segs)
			cloned = make([]bool, len(segs))
		}
		ss := &segs[si]
		if ss.isDeleted(ord) {
			continue
		}
		if !cloned[si] {
			cloned[si] = true
			if ss.deleted == nil {
				ss.deleted = bitset.New(ss.seg.Len())
			} else {
				ss.deleted = ss.deleted.Clone()
			}
		}
		ss.deleted.Add(ord)
		ss.delWords = ss.deleted.Words()
		ss.live--
		ss.liveLen -= uint64(ss.seg.docLen[ord])
		count++
	}
	if count > 0 {
		ix.publish(segs)
	}
	return count
}

// ForceMerge merges all segments into one, dropping deleted documents. A single segment
// without deletions is left as it is; an index whose documents are all deleted ends up
// with no segments.
func (ix *Index) ForceMerge() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	segs := ix.Snapshot().segs
	if len(segs) == 0 || (len(segs) == 1 && segs[0].deleted == nil) {
		return nil
	}
	merged, err := mergeSegments(ix.nextSeg, ix.fw, segs)
	if err != nil {
		return fmt.Errorf("force merge of %d segments: %w", len(segs), err)
	}
	ix.nextSeg++
	var out []segState
	if merged != nil {
		out = []segState{newSegState(merged, nil)}
	}
	ix.publish(out)
	return nil
}

// Restore rebuilds an Index from persisted segments and their deletion sets, as returned by
// Snapshot.Segments. The segments must have been built with o's field weights and hold
// disjoint ID ranges; their order does not matter. The deletion sets are copied. Further
// Add calls must use IDs above every restored segment's MaxDoc.
func Restore(o Options, refs []SegmentRef) (*Index, error) {
	ix, err := New(o)
	if err != nil {
		return nil, err
	}
	segs := make([]segState, 0, len(refs))
	seen := make(map[uint64]bool, len(refs))
	for i, r := range refs {
		if r.Seg == nil {
			return nil, fmt.Errorf("%w: segment %d is nil", ErrIncompatible, i)
		}
		if !slices.Equal(r.Seg.fieldWeights, ix.fw) {
			return nil, fmt.Errorf("%w: segment %d has field weights %v, the options have %v", ErrIncompatible, r.Seg.id, r.Seg.fieldWeights, ix.fw)
		}
		if seen[r.Seg.id] {
			return nil, fmt.Errorf("%w: segment ID %d appears twice", ErrIncompatible, r.Seg.id)
		}
		seen[r.Seg.id] = true
		var del *bitset.Set
		if r.Deleted != nil {
			bad := false
			r.Deleted.ForEach(func(ord uint32) bool {
				bad = int(ord) >= r.Seg.Len()
				return !bad
			})
			if bad {
				return nil, fmt.Errorf("%w: segment %d deletes ordinals beyond its %d documents", ErrIncompatible, r.Seg.id, r.Seg.Len())
			}
			del = r.Deleted.Clone()
		}
		segs = append(segs, newSegState(r.Seg, del))
		ix.nextSeg = max(ix.nextSeg, r.Seg.id+1)
	}
	slices.SortFunc(segs, func(a, b segState) int {
		if a.seg.MinDoc() < b.seg.MinDoc() {
			return -1
		}
		if a.seg.MinDoc() > b.seg.MinDoc() {
			return 1
		}
		return 0
	})
	for i := 1; i < len(segs); i++ {
		if segs[i].seg.MinDoc() <= segs[i-1].seg.MaxDoc() {
			return nil, fmt.Errorf("%w: segments %d and %d have overlapping ID ranges", ErrIncompatible, segs[i-1].seg.id, segs[i].seg.id)
		}
	}
	if len(segs) > 0 {
		ix.lastID, ix.hasLast = segs[len(segs)-1].seg.MaxDoc(), true
	}
	ix.publish(segs)
	return ix, nil
}

// Adopt replaces segments of the index by equal ones with the same IDs, such as the segments
// opened in place (OpenSegment) from the files they were just written to, so that the index
// stops holding the copies it built. Snapshots taken before keep theirs. A segment whose ID
// the index does not hold, or whose shape (documents, terms, postings, ID range, field
// weights) differs from the one it would replace, is not adopted; Adopt reports how many were.
func (ix *Index) Adopt(segs map[uint64]*Segment) int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	cur := ix.Snapshot().segs
	next := slices.Clone(cur)
	n := 0
	for i := range next {
		s, ok := segs[next[i].seg.id]
		old := next[i].seg
		if !ok || s == old || s.Len() != old.Len() || s.Terms() != old.Terms() || s.postings != old.postings ||
			s.totalLen != old.totalLen || s.MinDoc() != old.MinDoc() || s.MaxDoc() != old.MaxDoc() || !slices.Equal(s.fieldWeights, old.fieldWeights) {
			continue
		}
		next[i].seg = s
		n++
	}
	if n > 0 {
		ix.publish(next)
	}
	return n
}
