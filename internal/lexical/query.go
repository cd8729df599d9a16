package lexical

import "math"

// Query is a bag of weighted terms; a document's score is the sum of the terms'
// contributions (see the package documentation). Terms whose weight is not a positive finite
// number are ignored. A term listed twice counts twice, as two terms.
type Query struct {
	Terms []QueryTerm
}

// QueryTerm is one term and its weight (typically its count in the query text).
type QueryTerm struct {
	Term   string
	Weight float32
}

// NewQuery builds a query from analysed terms: duplicates are merged and weighted by their
// count, in order of first occurrence.
func NewQuery(terms []string) Query {
	q := Query{Terms: make([]QueryTerm, 0, len(terms))}
	var index map[string]int
	if len(terms) > 16 {
		index = make(map[string]int, len(terms))
	}
	for _, t := range terms {
		i := -1
		if index != nil {
			if j, ok := index[t]; ok {
				i = j
			}
		} else {
			for j := range q.Terms {
				if q.Terms[j].Term == t {
					i = j
					break
				}
			}
		}
		if i >= 0 {
			q.Terms[i].Weight++
			continue
		}
		if index != nil {
			index[t] = len(q.Terms)
		}
		q.Terms = append(q.Terms, QueryTerm{Term: t, Weight: 1})
	}
	return q
}

// planTerm is a query term prepared against one snapshot.
type planTerm struct {
	term   string
	weight float32
	df     uint64
	idf    float64
	wIdf   float64 // weight × idf
	tw     float64 // scorer.termWeight(wIdf)
}

// plan is a query prepared against one snapshot: its usable terms in query order, their
// statistics, and where each one lives in each segment.
type plan struct {
	terms   []planTerm
	segTerm []int32 // segTerm[si·len(terms)+i]: term i's index in segment si, or −1
	sc      scorer
	wIdfs   []float64
}

func (p *plan) termIn(si, i int) int { return int(p.segTerm[si*len(p.terms)+i]) }

// prepare fills p for q against s, reusing p's slices.
func (p *plan) prepare(s *Snapshot, q Query) {
	p.terms = p.terms[:0]
	for _, qt := range q.Terms {
		w := float64(qt.Weight)
		if !(w > 0) || math.IsInf(w, 1) {
			continue
		}
		p.terms = append(p.terms, planTerm{term: qt.Term, weight: qt.Weight})
	}
	nt := len(p.terms)
	p.segTerm = grow(p.segTerm, len(s.segs)*nt)
	for si := range s.segs {
		seg := s.segs[si].seg
		for i := range p.terms {
			t := seg.find(p.terms[i].term)
			p.segTerm[si*nt+i] = int32(t)
			if t >= 0 {
				p.terms[i].df += uint64(seg.termDF[t])
			}
		}
	}
	p.wIdfs = p.wIdfs[:0]
	for i := range p.terms {
		pt := &p.terms[i]
		pt.idf = idf(s.live, pt.df)
		pt.wIdf = float64(pt.weight) * pt.idf
		p.wIdfs = append(p.wIdfs, pt.wIdf)
	}
	p.sc = newScorer(s.params(), p.wIdfs)
	for i := range p.terms {
		p.terms[i].tw = p.sc.termWeight(p.terms[i].wIdf)
	}
}

// grow returns s resized to n, reusing its storage when it is large enough. Contents are
// unspecified.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
