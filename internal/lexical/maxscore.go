package lexical

import (
	"math"
	"math/bits"
	"slices"
)

// innerWindow is the span of ordinals whose essential-term scores are accumulated at once
// (a 32 KiB score buffer and a 512-byte match bitmap, as in Lucene).
const innerWindow = 4096

// maxScoreSegment runs block-max MaxScore (Turtle & Flood's MaxScore with per-block bounds,
// windowed as in Lucene's MaxScoreBulkScorer) over segment si, feeding the shared heap.
//
// The ordinal space is cut into outer windows at block boundaries. In each window every term
// gets a bound, the largest impact bound of its blocks overlapping the window; terms are
// sorted by that bound and the longest prefix whose bounds sum to at most the current k-th
// score θ is "non-essential": a document matching only those terms cannot beat θ. A window
// whose terms are all non-essential is skipped without decoding anything. Otherwise the
// essential terms' postings (plus those of non-essential terms too sparse to be worth looking
// up, see pullCheapTerms) are added, term at a time, into a score buffer covering up to
// innerWindow ordinals; each document found there then has its other terms looked up in
// decreasing bound order, and is dropped as soon as its partial score plus the remaining
// bounds (tightened to the bound of the block holding the document) cannot beat θ.
//
// Skipping on "bound <= θ" is exact because documents are visited in increasing ID order: a
// document scoring exactly θ would lose the tie to the kept hit with the smaller ID. Scores
// add quantised contributions (see scorer), so a document's score is the same bits whatever
// order its terms were added in, and equals the reference's.
func (sx *searcher) maxScoreSegment(si int) {
	ss := &sx.snap.segs[si]
	seg := ss.seg
	nDocs := uint32(seg.Len())
	sc := &sx.plan.sc

	n := 0
	for i := range sx.plan.terms {
		if sx.plan.termIn(si, i) >= 0 {
			n++
		}
	}
	if cap(sx.cursors) < n {
		sx.cursors = make([]cursor, n)
	}
	curs := sx.cursors[:n]
	sat := ss.blockSaturation()
	j := 0
	for i := range sx.plan.terms {
		t := sx.plan.termIn(si, i)
		if t < 0 {
			continue
		}
		c := &curs[j]
		c.reset(seg, t)
		c.tw = sx.plan.terms[i].tw
		c.ws = math.Inf(1) // until the first window: everything essential
		c.sat = sat
		j++
	}
	order := grow(sx.order, n)
	sx.order = order
	for i := range order {
		order[i] = i
	}
	prefix := grow(sx.prefix, n+1)
	sx.prefix = prefix
	if sx.window == nil {
		sx.window = new([innerWindow]float64)
	}
	acc := sx.window // all zero between uses
	var hits [innerWindow / 64]uint64

	sortByWindowBound(order, curs)
	theta := sc.theta(sx.top.threshold())
	firstEss := extendPartition(order, curs, prefix, 0, theta)

	windowMin := uint32(0)
	for windowMin < nDocs {
		// Jump over stretches no term has postings in, when no cursor lags behind.
		next := uint32(noDoc)
		lagging := false
		for i := range curs {
			if d := curs[i].doc; d < windowMin {
				lagging = true
				break
			} else if d < next {
				next = d
			}
		}
		if !lagging {
			if next >= nDocs {
				break
			}
			windowMin = next
		}

		windowMax := windowEnd(curs, order, firstEss, windowMin, nDocs)
		for i := range curs {
			curs[i].ws = windowBound(&curs[i], windowMin, windowMax)
		}
		sortByWindowBound(order, curs)
		firstEss = extendPartition(order, curs, prefix, 0, theta)
		if firstEss == n {
			windowMin = windowMax
			continue
		}
		for _, ci := range order[firstEss:] {
			curs[ci].advance(windowMin)
		}

		innerMin := windowMin
		for firstEss < n {
			lo := uint32(noDoc)
			for _, ci := range order[firstEss:] {
				lo = min(lo, curs[ci].doc)
			}
			if lo >= windowMax {
				break
			}
			innerMin = max(innerMin, lo)
			innerMax := uint32(min(uint64(windowMax), uint64(innerMin)+uint64(sx.innerSpan)))
			accEss := sx.pullCheapTerms(firstEss) // the terms accumulated below
			for _, ci := range order[accEss:] {
				accumulate(&curs[ci], innerMin, innerMax, sc, seg.docLen, acc, &hits)
			}
			neBound := prefix[accEss] // all non-essential terms
			for w := range int(innerMax-innerMin+63) / 64 {
				word := hits[w]
				hits[w] = 0
				for word != 0 {
					o := w*64 + bits.TrailingZeros64(word)
					word &= word - 1
					partial := acc[o]
					acc[o] = 0
					if (partial+neBound)*boundSlack <= theta {
						continue
					}
					d := innerMin + uint32(o)
					if sx.excluded(ss, d) {
						continue
					}
					if accEss > 0 {
						var ok bool
						if partial, ok = sx.complete(d, partial, accEss, theta); !ok {
							continue
						}
					}
					if score := sc.score(partial); score > 0 && sx.top.push(Hit{ID: seg.ids[d], Score: score}) {
						if t := sc.theta(sx.top.threshold()); t > theta {
							theta = t
							firstEss = extendPartition(order, curs, prefix, firstEss, theta)
						}
					}
				}
			}
			innerMin = innerMax
		}
		windowMin = windowMax
	}
}

// accumulate adds the contributions (in quanta) of the cursor's postings in [lo, hi) into
// acc (indexed from lo, hi−lo <= innerWindow) and marks them in hits, leaving the cursor on
// its first posting >= hi.
func accumulate(c *cursor, lo, hi uint32, sc *scorer, docLen []uint32, acc *[innerWindow]float64, hits *[innerWindow / 64]uint64) {
	c.advance(lo)
	for c.doc < hi {
		docs := c.blockDocs()
		end := c.n
		if docs[end-1] >= hi {
			end = c.pos
			for docs[end] < hi {
				end++
			}
		}
		tfs := c.blockTFs()
		tw := c.tw
		for k := c.pos; k < end; k++ {
			d := docs[k]
			o := (d - lo) & (innerWindow - 1)
			acc[o] += quanta(tw, float64(tfs[k]), sc.norm(docLen[d]))
			hits[o>>6] |= 1 << (o & 63)
		}
		if end < c.n {
			c.pos = end
			c.doc = docs[end]
			return
		}
		if c.blk+1 < c.end {
			c.load(c.blk + 1)
			c.doc = c.docAt(0)
		} else {
			c.doc = noDoc
		}
	}
}

// complete adds the non-essential terms (order[:accEss]) to a candidate's partial score, in
// decreasing bound order, and reports false as soon as the candidate cannot beat theta.
func (sx *searcher) complete(d uint32, partial float64, accEss int, theta float64) (float64, bool) {
	curs, order, prefix := sx.cursors, sx.order, sx.prefix
	norm := -1.0
	for e := accEss - 1; e >= 0; e-- {
		if (partial+prefix[e+1])*boundSlack <= theta {
			return 0, false
		}
		c := &curs[order[e]]
		if c.ws == 0 {
			continue // no postings in this window
		}
		b := c.shallowTo(d)
		if b < 0 {
			continue
		}
		if (partial+prefix[e]+c.blockBound(b))*boundSlack <= theta {
			return 0, false
		}
		c.advance(d)
		if c.doc == d {
			if norm < 0 {
				norm = sx.plan.sc.norm(c.seg.docLen[d])
			}
			partial += quanta(c.tw, float64(c.tf()), norm)
		}
	}
	return partial, true
}

// sortByWindowBound orders cursor indexes by window bound ascending, ties by index.
func sortByWindowBound(order []int, curs []cursor) {
	less := func(a, b int) bool {
		wa, wb := curs[a].ws, curs[b].ws
		return wa < wb || (wa == wb && a < b)
	}
	if len(order) > 32 {
		slices.SortFunc(order, func(a, b int) int {
			if less(a, b) {
				return -1
			}
			if less(b, a) {
				return 1
			}
			return 0
		})
		return
	}
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && less(order[j], order[j-1]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
}

// extendPartition grows the non-essential prefix of order, starting at from, while the sum of
// its window bounds (inflated by boundSlack) stays <= theta, keeping prefix[i] = the sum of
// the first i bounds. It returns the index of the first essential term.
func extendPartition(order []int, curs []cursor, prefix []float64, from int, theta float64) int {
	if from == 0 {
		prefix[0] = 0
	}
	i := from
	for ; i < len(order); i++ {
		s := prefix[i] + curs[order[i]].ws
		if s*boundSlack > theta {
			break
		}
		prefix[i+1] = s
	}
	return i
}

// windowEnd picks the exclusive end of the window starting at windowMin: the nearest block
// end among the essential terms (or the highest-bound term when none is essential), but at
// least 32 ordinals per such term so that bounds are not recomputed over tiny windows.
func windowEnd(curs []cursor, order []int, firstEss int, windowMin, nDocs uint32) uint32 {
	lead := min(firstEss, len(order)-1)
	end := uint64(nDocs)
	for _, ci := range order[lead:] {
		c := &curs[ci]
		if c.doc == noDoc {
			continue
		}
		if b := c.shallowTo(max(c.doc, windowMin)); b >= 0 {
			end = min(end, uint64(c.seg.blkLast[b])+1)
		}
	}
	if cnt := len(order) - lead; cnt > 1 {
		end = max(end, uint64(windowMin)+32*uint64(cnt))
	}
	return uint32(min(end, uint64(nDocs)))
}

// shallowTo returns the first block of the term whose last ordinal is >= target, or −1,
// without decoding anything. Targets never decrease, so the search resumes where it stopped.
func (c *cursor) shallowTo(target uint32) int {
	b := max(c.shallow, c.blk)
	last := c.seg.blkLast
	for b < c.end && last[b] < target {
		b++
	}
	c.shallow = b
	if b == c.end {
		return -1
	}
	return b
}

// blockBound returns the bound, in quanta, of block b of the cursor's term: the block's
// saturation bound (shared by all queries on the snapshot) times the term weight.
func (c *cursor) blockBound(b int) float64 {
	return c.tw*c.sat.get(c.seg, b)*boundSlack + 1
}

// windowBound is the largest block bound of the term over [windowMin, windowMax).
func windowBound(c *cursor, windowMin, windowMax uint32) float64 {
	if c.doc == noDoc {
		return 0
	}
	target := max(c.doc, windowMin)
	if target >= windowMax {
		return 0
	}
	b := c.shallowTo(target)
	if b < 0 {
		return 0
	}
	best := 0.0
	for ; b < c.end; b++ {
		best = max(best, c.sat.get(c.seg, b))
		if c.seg.blkLast[b] >= windowMax-1 {
			break
		}
	}
	return c.tw*best*boundSlack + 1
}

// pullCheapTerms moves non-essential terms that are cheaper to accumulate than to look up to
// the end of order[:firstEss] and returns where they start: order[accEss:] is accumulated,
// order[:accEss] looked up per candidate. Accumulating a non-essential term is always
// correct (it only adds candidates, which the bound check then drops); it pays when the term
// has no more postings than the essential terms together, whose postings are the candidates
// that would otherwise look it up. prefix is recomputed for the new order.
func (sx *searcher) pullCheapTerms(firstEss int) int {
	order, curs := sx.order, sx.cursors
	var budget uint64
	for _, ci := range order[firstEss:] {
		budget += uint64(curs[ci].df)
	}
	kept := 0
	for i := 0; i < firstEss; i++ {
		ci := order[i]
		if uint64(curs[ci].df) <= budget && curs[ci].ws > 0 {
			continue
		}
		copy(order[kept+1:i+1], order[kept:i])
		order[kept] = ci
		kept++
	}
	if kept == firstEss {
		return kept
	}
	prefix := sx.prefix
	for i, ci := range order {
		prefix[i+1] = prefix[i] + curs[ci].ws
	}
	return kept
}
