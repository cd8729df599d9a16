package lexical

import (
	"bytes"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// segState is a segment as one snapshot sees it. The deletion set is never modified once a
// snapshot holding it is published; Delete works on a copy.
type segState struct {
	seg      *Segment
	deleted  *bitset.Set // ordinals; nil when none
	delWords []uint64
	live     int
	liveLen  uint64
	sat      *saturationCache // per snapshot: it depends on the snapshot's avgdl
}

func (ss *segState) isDeleted(ord uint32) bool {
	w := int(ord >> 6)
	return w < len(ss.delWords) && ss.delWords[w]&(1<<(ord&63)) != 0
}

func newSegState(seg *Segment, deleted *bitset.Set) segState {
	ss := segState{seg: seg, live: seg.Len(), liveLen: seg.totalLen}
	if deleted != nil && deleted.Len() > 0 {
		ss.deleted = deleted
		ss.delWords = deleted.Words()
		deleted.ForEach(func(ord uint32) bool {
			if int(ord) < seg.Len() {
				ss.live--
				ss.liveLen -= uint64(seg.docLen[ord])
			}
			return true
		})
	}
	return ss
}

// Snapshot is an immutable point-in-time view of an Index. It stays valid, and unchanged,
// for as long as it is held, whatever Add, Delete and merges do afterwards. It is safe for
// concurrent use.
type Snapshot struct {
	k1, b   float64
	fw      []uint32
	segs    []segState // in increasing ID order; ID ranges are disjoint
	live    uint64
	liveLen uint64
	deleted uint64
	pool    *sync.Pool // of *searcher, shared by the Index's snapshots
}

func newSnapshot(o *Options, fw []uint32, segs []segState, pool *sync.Pool) *Snapshot {
	s := &Snapshot{k1: o.K1, b: o.B, fw: fw, segs: segs, pool: pool}
	for i := range segs {
		s.live += uint64(segs[i].live)
		s.liveLen += segs[i].liveLen
		s.deleted += uint64(segs[i].seg.Len() - segs[i].live)
	}
	params := s.params()
	for i := range segs {
		segs[i].sat = &saturationCache{params: params}
	}
	return s
}

// blockSaturation returns the segment's block saturation cache, allocating it on first use.
func (ss *segState) blockSaturation() *saturationCache {
	ss.sat.once.Do(func() { ss.sat.blocks = make([]atomic.Uint64, len(ss.seg.blkLast)) })
	return ss.sat
}

// saturationCache holds, per block of one segment, the largest tf/(tf+norm) its impact
// points allow under one snapshot's statistics. It does not depend on the query, so every
// search on the snapshot shares it; entries are filled on first use (0 means not yet: a real
// value is positive) with atomic stores, so concurrent searches may race to fill an entry
// but always store the same bits.
type saturationCache struct {
	params bm25
	once   sync.Once
	blocks []atomic.Uint64 // float64 bits
}

func (sc *saturationCache) get(seg *Segment, b int) float64 {
	if v := sc.blocks[b].Load(); v != 0 {
		return math.Float64frombits(v)
	}
	v := sc.params.impactBound(1, seg.blkImp[b*impactWords:(b+1)*impactWords])
	sc.blocks[b].Store(math.Float64bits(v))
	return v
}

func (s *Snapshot) params() bm25 {
	avg := 0.0
	if s.live > 0 {
		avg = float64(s.liveLen) / float64(s.live)
	}
	return newBM25(s.k1, s.b, avg)
}

// Stats describes a snapshot.
type Stats struct {
	// Docs is the number of live documents (N in the idf).
	Docs uint64
	// Deleted is the number of deleted documents still held by segments.
	Deleted uint64
	// Segments is the number of segments.
	Segments int
	// Terms is the number of distinct terms across segments (terms of deleted documents
	// included until they are merged away).
	Terms int
	// Postings is the number of postings across segments, deleted documents included.
	Postings uint64
	// AvgDocLen is the mean weighted length of live documents (avgdl).
	AvgDocLen float64
	// EncodedBytes is the total size of the segments' encodings.
	EncodedBytes int64
	// PostingsBytes is the size of the compressed postings data alone.
	PostingsBytes int64
}

// Stats returns the snapshot's statistics. Counting distinct terms merges the segments'
// dictionaries, so it costs time proportional to their size.
func (s *Snapshot) Stats() Stats {
	st := Stats{
		Docs:      s.live,
		Deleted:   s.deleted,
		Segments:  len(s.segs),
		AvgDocLen: s.params().avgdl,
	}
	if s.live == 0 {
		st.AvgDocLen = 0
	}
	for i := range s.segs {
		seg := s.segs[i].seg
		st.Postings += seg.postings
		st.EncodedBytes += seg.EncodedSize()
		st.PostingsBytes += int64(seg.PostingsBytes())
	}
	st.Terms = s.distinctTerms()
	return st
}

func (s *Snapshot) distinctTerms() int {
	if len(s.segs) == 1 {
		return s.segs[0].seg.Terms()
	}
	// Merging the dictionaries reads every term: those of opened segments are verified first,
	// and a damaged one is left out of the count (its damage is kept, see Err).
	pos := make([]int, len(s.segs))
	for i := range s.segs {
		if s.segs[i].seg.verifyDictionary() != nil {
			pos[i] = s.segs[i].seg.Terms()
		}
	}
	count := 0
	for {
		var least []byte
		found := false
		for i := range s.segs {
			seg := s.segs[i].seg
			if pos[i] < seg.Terms() {
				if t := seg.term(pos[i]); !found || bytes.Compare(t, least) < 0 {
					least, found = t, true
				}
			}
		}
		if !found {
			return count
		}
		count++
		for i := range s.segs {
			seg := s.segs[i].seg
			if pos[i] < seg.Terms() && bytes.Equal(seg.term(pos[i]), least) {
				pos[i]++
			}
		}
	}
}

// SegmentRef is a segment with its deletion set, as persisted and restored.
type SegmentRef struct {
	Seg *Segment
	// Deleted holds the ordinals (not the IDs) of the segment's deleted documents; nil when
	// none are deleted.
	Deleted *bitset.Set
}

// Segments returns the snapshot's segments in increasing ID order, for persistence. The
// deletion sets are copies the caller may keep or modify.
func (s *Snapshot) Segments() []SegmentRef {
	refs := make([]SegmentRef, len(s.segs))
	for i := range s.segs {
		refs[i].Seg = s.segs[i].seg
		if s.segs[i].deleted != nil {
			refs[i].Deleted = s.segs[i].deleted.Clone()
		}
	}
	return refs
}

// locate returns the segment index and ordinal of a live or deleted document id.
func (s *Snapshot) locate(id uint32) (si int, ord uint32, ok bool) {
	lo, hi := 0, len(s.segs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.segs[m].seg.MaxDoc() < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(s.segs) || s.segs[lo].seg.MinDoc() > id {
		return 0, 0, false
	}
	o, found := s.segs[lo].seg.Ord(id)
	return lo, uint32(o), found
}

// Docs returns the number of live documents (Stats().Docs, without the cost of Stats).
func (s *Snapshot) Docs() uint64 { return s.live }

// Err returns the first damage found so far in the snapshot's opened segments (see
// OpenSegment), or nil. A search skips the damaged parts, so its results are incomplete
// when Err is not nil after it.
func (s *Snapshot) Err() error {
	if id, err := s.Damage(); err != nil {
		return fmt.Errorf("segment %d: %w", id, err)
	}
	return nil
}

// Damage is Err with the ID of the damaged segment apart, for callers that name segments
// their own way.
func (s *Snapshot) Damage() (segment uint64, err error) {
	for i := range s.segs {
		if err := s.segs[i].seg.Err(); err != nil {
			return s.segs[i].seg.id, err
		}
	}
	return 0, nil
}

// Contains reports whether document id is live in the snapshot.
func (s *Snapshot) Contains(id uint32) bool {
	si, ord, ok := s.locate(id)
	return ok && !s.segs[si].isDeleted(ord)
}
