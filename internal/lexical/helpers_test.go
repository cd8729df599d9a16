package lexical

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// corpusSpec describes a random corpus: a Zipf-distributed vocabulary and document lengths.
type corpusSpec struct {
	vocab  int
	zipf   float64 // exponent > 1; larger means more skewed
	maxLen int     // content terms per document, 0..maxLen
	fields int
}

func randomSpec(r *rand.Rand) corpusSpec {
	vocabs := []int{3, 8, 50, 300, 3000}
	return corpusSpec{
		vocab:  vocabs[r.IntN(len(vocabs))],
		zipf:   1.01 + r.Float64()*1.5,
		maxLen: []int{1, 5, 30, 120}[r.IntN(4)],
		fields: 1 + r.IntN(3),
	}
}

func termName(i uint64) string { return fmt.Sprintf("t%d", i) }

// randomDocs returns n documents with IDs increasing from *nextID (with random gaps).
func randomDocs(r *rand.Rand, spec corpusSpec, nextID *uint32, n int) []Doc {
	z := rand.NewZipf(r, spec.zipf, 1, uint64(spec.vocab-1))
	docs := make([]Doc, n)
	for i := range docs {
		*nextID += 1 + uint32(r.IntN(3)/2)
		d := Doc{ID: *nextID, Fields: make([][]string, r.IntN(spec.fields+1))}
		for f := range d.Fields {
			l := r.IntN(spec.maxLen + 1)
			if f == 0 && spec.fields > 1 {
				l = r.IntN(min(spec.maxLen, 8) + 1) // short "titles"
			}
			terms := make([]string, l)
			for j := range terms {
				terms[j] = termName(z.Uint64())
			}
			d.Fields[f] = terms
		}
		docs[i] = d
	}
	return docs
}

// randomQuery draws 1–30 terms: mostly corpus terms, some unknown, some repeated, and
// sometimes hand-set weights.
func randomQuery(r *rand.Rand, spec corpusSpec) Query {
	z := rand.NewZipf(r, spec.zipf, 1, uint64(spec.vocab-1))
	n := 1 + r.IntN(30)
	if r.IntN(3) == 0 {
		n = 1 + r.IntN(3)
	}
	terms := make([]string, 0, n)
	for range n {
		switch x := r.IntN(10); {
		case x == 0:
			terms = append(terms, fmt.Sprintf("unknown%d", r.IntN(5)))
		case x == 1 && len(terms) > 0:
			terms = append(terms, terms[r.IntN(len(terms))])
		case x < 5:
			terms = append(terms, termName(uint64(r.IntN(spec.vocab))))
		default:
			terms = append(terms, termName(z.Uint64()))
		}
	}
	q := NewQuery(terms)
	if r.IntN(5) == 0 {
		for i := range q.Terms {
			q.Terms[i].Weight = float32(r.IntN(4)) * 0.75 // includes 0: ignored terms
		}
	}
	if r.IntN(10) == 0 && len(q.Terms) > 1 {
		q.Terms = append(q.Terms, q.Terms[0]) // a term listed twice counts twice
	}
	return q
}

// randomFilter returns search options restricting a random subset of ids.
func randomFilter(r *rand.Rand, ids []uint32) SearchOptions {
	var o SearchOptions
	mode := r.IntN(4)
	if mode&1 != 0 {
		o.Allow = &bitset.Set{}
		for _, id := range ids {
			if r.IntN(3) != 0 {
				o.Allow.Add(id)
			}
		}
	}
	if mode&2 != 0 {
		o.Deny = &bitset.Set{}
		for _, id := range ids {
			if r.IntN(4) == 0 {
				o.Deny.Add(id)
			}
		}
	}
	return o
}

func mustNew(t testing.TB, o Options) *Index {
	t.Helper()
	ix, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func mustAdd(t testing.TB, ix *Index, docs []Doc) {
	t.Helper()
	if err := ix.Add(docs); err != nil {
		t.Fatal(err)
	}
}

// sameHits reports the first difference between two result lists, or "".
func sameHits(got, want []Hit) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d hits, want %d (got %v want %v)", len(got), len(want), head(got), head(want))
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Sprintf("hit %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	return ""
}

func head(h []Hit) []Hit { return h[:min(len(h), 5)] }

// checkOrdered verifies score-descending, ID-ascending order.
func checkOrdered(hits []Hit) string {
	for i := 1; i < len(hits); i++ {
		a, b := hits[i-1], hits[i]
		if a.Score < b.Score || (a.Score == b.Score && a.ID >= b.ID) {
			return fmt.Sprintf("hits %d and %d out of order: %+v %+v", i-1, i, a, b)
		}
	}
	return ""
}

// checkExplain verifies that explanations reproduce every hit's score exactly.
func checkExplain(s *Snapshot, q Query, hits []Hit) string {
	for _, h := range hits {
		e, ok := s.Explain(q, h.ID)
		if !ok {
			return fmt.Sprintf("no explanation for hit %d", h.ID)
		}
		sum := 0.0
		for _, te := range e.Terms {
			sum += te.Contribution
		}
		if float32(sum) != h.Score || e.Score != h.Score {
			return fmt.Sprintf("explain %d: sum %v / score %v, hit score %v", h.ID, float32(sum), e.Score, h.Score)
		}
	}
	return ""
}

// liveIDs lists the snapshot's live document IDs.
func liveIDs(s *Snapshot) []uint32 {
	var ids []uint32
	for i := range s.segs {
		ss := &s.segs[i]
		for ord, id := range ss.seg.ids {
			if !ss.isDeleted(uint32(ord)) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

func allIDs(s *Snapshot) []uint32 {
	var ids []uint32
	for i := range s.segs {
		ids = append(ids, s.segs[i].seg.ids...)
	}
	return slices.Clip(ids)
}
