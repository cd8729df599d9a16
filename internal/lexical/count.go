package lexical

import "math/bits"

// Matches calls fn with the ID of every live document admitted by o that holds at least one
// of q's usable terms: the documents Search can rank, whatever k (every posting has a weighted
// tf of at least 1, so each of them scores above 0). It goes segment by segment, in ordinal
// order within a segment, and stops when fn returns false. The cost is one pass over the
// ordinals of the terms' postings, without scoring and without the pruning that lets Search
// skip most of them.
func (s *Snapshot) Matches(q Query, o SearchOptions, fn func(id uint32) bool) {
	if s.live == 0 || len(q.Terms) == 0 {
		return
	}
	sx := s.getSearcher(o)
	defer s.putSearcher(sx)
	sx.plan.prepare(s, q)
	if len(sx.plan.terms) == 0 {
		return
	}
	var blk cursorBlocks
	for si := range s.segs {
		ss := &s.segs[si]
		seg := ss.seg
		var seen []uint64
		for i := range sx.plan.terms {
			t := sx.plan.termIn(si, i)
			if t < 0 {
				continue
			}
			if seen == nil {
				seen = grow(sx.touched, (seg.Len()+63)/64)
				sx.touched = seen
				clear(seen)
			}
			first, end := int(seg.termBlk[t]), int(seg.termBlk[t+1])
			for b := first; b < end; b++ {
				n := seg.blockLen(t, b)
				seg.decodeDocs(b, first, n, blk.docs[:])
				for _, d := range blk.docs[:n] {
					seen[d>>6] |= 1 << (d & 63)
				}
			}
		}
		for w, word := range seen {
			for word != 0 {
				d := uint32(w*64 + bits.TrailingZeros64(word))
				word &= word - 1
				if !sx.excluded(ss, d) && !fn(seg.ids[d]) {
					return
				}
			}
		}
	}
}

// Count returns the number of documents Matches visits.
func (s *Snapshot) Count(q Query, o SearchOptions) int {
	n := 0
	s.Matches(q, o, func(uint32) bool {
		n++
		return true
	})
	return n
}
