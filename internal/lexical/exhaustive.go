package lexical

// SearchExhaustive is the reference scorer Search is tested against: for each segment it
// adds every posting of every query term, term by term in query order, into a dense score
// array, then offers every matching, live, admitted document to the top-k heap in ID order.
// It has no pruning and shares only the scoring function, the block decoder and the heap
// with the fast path. Its results define what Search must return.
func (s *Snapshot) SearchExhaustive(q Query, k int, o SearchOptions) []Hit {
	if k <= 0 || s.live == 0 || len(q.Terms) == 0 {
		return nil
	}
	sx := s.getSearcher(o)
	defer s.putSearcher(sx)
	sx.plan.prepare(s, q)
	if len(sx.plan.terms) == 0 {
		return nil
	}
	sx.top.reset(int(min(uint64(k), s.live)))
	sc := &sx.plan.sc
	var blk cursorBlocks
	for si := range s.segs {
		ss := &s.segs[si]
		seg := ss.seg
		acc := grow(sx.acc, seg.Len())
		sx.acc = acc
		clear(acc)
		for i := range sx.plan.terms {
			t := sx.plan.termIn(si, i)
			if t < 0 {
				continue
			}
			tw := sx.plan.terms[i].tw
			first, end := int(seg.termBlk[t]), int(seg.termBlk[t+1])
			for b := first; b < end; b++ {
				n := blk.decode(seg, t, b, first)
				for j, d := range blk.docs[:n] {
					acc[d] += quanta(tw, float64(blk.tfs[j]), sc.norm(seg.docLen[d]))
				}
			}
		}
		for d, v := range acc {
			score := sc.score(v)
			if score > 0 && !sx.excluded(ss, uint32(d)) {
				sx.top.push(Hit{ID: seg.ids[d], Score: score})
			}
		}
	}
	return sx.top.results()
}
