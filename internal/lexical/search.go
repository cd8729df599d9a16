package lexical

import "math/bits"

// strategy selects how a segment is searched. Every strategy returns exactly the reference's
// hits; they differ only in speed.
type strategy int

const (
	strategyAuto     strategy = iota
	strategyTAAT              // term-at-a-time into a dense accumulator
	strategyMaxScore          // block-max MaxScore, document-at-a-time
)

// searcher is the pooled scratch of one search: nothing in the hot path allocates except the
// result slice.
type searcher struct {
	snap     *Snapshot
	opts     SearchOptions
	filtered bool // opts has an Allow or Deny set
	plan     plan
	top      topK
	acc      []float64 // per-segment scores for the reference
	dense    []float64 // per-segment scores for term-at-a-time; all zero between uses
	touched  []uint64
	window   *[innerWindow]float64 // MaxScore's window scores; all zero between uses
	// innerSpan is how many ordinals MaxScore accumulates at once: innerWindow, or less when
	// tests want many window boundaries.
	innerSpan uint32
	cursors   []cursor
	order     []int
	prefix    []float64
}

func (s *Snapshot) getSearcher(o SearchOptions) *searcher {
	sx, _ := s.pool.Get().(*searcher)
	if sx == nil {
		sx = &searcher{}
	}
	sx.snap = s
	sx.opts = o
	sx.filtered = o.Allow != nil || o.Deny != nil
	sx.innerSpan = innerWindow
	return sx
}

func (s *Snapshot) putSearcher(sx *searcher) {
	sx.snap = nil
	sx.opts = SearchOptions{}
	s.pool.Put(sx)
}

// excluded reports whether the document at ord of segment ss may not be returned.
func (sx *searcher) excluded(ss *segState, ord uint32) bool {
	if ss.delWords == nil && !sx.filtered {
		return false
	}
	if ss.isDeleted(ord) {
		return true
	}
	if !sx.filtered {
		return false
	}
	id := ss.seg.ids[ord]
	if sx.opts.Allow != nil && !sx.opts.Allow.Contains(id) {
		return true
	}
	return sx.opts.Deny.Contains(id)
}

// Search returns the k best live documents for q, best first (score descending, then ID
// ascending), honouring o. It returns exactly what SearchExhaustive returns, IDs and float32
// scores alike, using block-max MaxScore pruning where that pays and term-at-a-time scoring
// elsewhere. k <= 0, an empty snapshot or a query without usable terms give no hits.
func (s *Snapshot) Search(q Query, k int, o SearchOptions) []Hit {
	return s.search(q, k, o, strategyAuto)
}

func (s *Snapshot) search(q Query, k int, o SearchOptions, strat strategy) []Hit {
	return s.searchSpan(q, k, o, strat, innerWindow)
}

// searchSpan is search with MaxScore's inner window limited to span (1..innerWindow)
// ordinals.
func (s *Snapshot) searchSpan(q Query, k int, o SearchOptions, strat strategy, span uint32) []Hit {
	if k <= 0 || s.live == 0 || len(q.Terms) == 0 {
		return nil
	}
	sx := s.getSearcher(o)
	defer s.putSearcher(sx)
	sx.innerSpan = min(max(span, 1), innerWindow)
	sx.plan.prepare(s, q)
	if len(sx.plan.terms) == 0 {
		return nil
	}
	sx.top.reset(int(min(uint64(k), s.live)))
	for si := range s.segs {
		present := 0
		var postings uint64
		for i := range sx.plan.terms {
			if t := sx.plan.termIn(si, i); t >= 0 {
				present++
				postings += uint64(s.segs[si].seg.termDF[t])
			}
		}
		if present == 0 {
			continue
		}
		st := strat
		if st == strategyAuto {
			st = chooseStrategy(s.segs[si].seg.Len(), postings, sx.top.k)
		}
		if st == strategyTAAT {
			sx.taatSegment(si, postings)
		} else {
			sx.maxScoreSegment(si)
		}
	}
	return sx.top.results()
}

// chooseStrategy picks term-at-a-time where pruning cannot pay: tiny segments, few
// postings, or k so large relative to the segment that the k-th score stays low.
func chooseStrategy(docs int, postings uint64, k int) strategy {
	if docs <= 2*blockSize || postings <= 2*blockSize || 64*k >= docs {
		return strategyTAAT
	}
	return strategyMaxScore
}

// taatSegment scores every posting of the query's terms in segment si, term by term, into a
// dense accumulator (all zero between uses), then offers the scored documents to the heap in
// ordinal order. With few postings it tracks the touched documents in a bitmap; with many it
// scans the whole accumulator instead.
func (sx *searcher) taatSegment(si int, postings uint64) {
	ss := &sx.snap.segs[si]
	seg := ss.seg
	n := seg.Len()
	if len(sx.dense) < n {
		sx.dense = make([]float64, n)
	}
	acc := sx.dense[:n]
	track := postings < uint64(n)/2
	var touched []uint64
	if track {
		touched = grow(sx.touched, (n+63)/64)
		sx.touched = touched
		clear(touched)
	}
	sc := &sx.plan.sc
	docLen := seg.docLen
	var c cursorBlocks
	for i := range sx.plan.terms {
		t := sx.plan.termIn(si, i)
		if t < 0 {
			continue
		}
		tw := sx.plan.terms[i].tw
		first, end := int(seg.termBlk[t]), int(seg.termBlk[t+1])
		for b := first; b < end; b++ {
			m := c.decode(seg, t, b, first)
			tfs := c.tfs[:m]
			for j, d := range c.docs[:m] {
				acc[d] += quanta(tw, float64(tfs[j]), sc.norm(docLen[d]))
				if track {
					touched[d>>6] |= 1 << (d & 63)
				}
			}
		}
	}
	offer := func(d uint32) {
		score := sc.score(acc[d])
		acc[d] = 0
		if score > 0 && !sx.excluded(ss, d) {
			sx.top.push(Hit{ID: seg.ids[d], Score: score})
		}
	}
	if !track {
		for d, v := range acc {
			if v != 0 {
				offer(uint32(d))
			}
		}
		return
	}
	for w, word := range touched {
		for word != 0 {
			offer(uint32(w*64 + bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
}

// cursorBlocks decodes whole blocks (ordinals and tfs) for the term-at-a-time paths.
type cursorBlocks struct {
	docs [blockSize]uint32
	tfs  [blockSize]uint32
}

func (c *cursorBlocks) decode(seg *Segment, t, b, first int) int {
	n := seg.blockLen(t, b)
	tfOff := seg.decodeDocs(b, first, n, c.docs[:])
	seg.decodeTFs(b, n, tfOff, c.tfs[:])
	return n
}
