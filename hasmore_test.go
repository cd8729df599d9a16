package vajra

import (
	"context"
	"fmt"
	"testing"
)

// pagingCorpus is a collection of n documents: every third one holds "solar", every fifth
// "wind", none of the others a query word; metadata "n" is the document's number and "even"
// whether it is even.
func pagingCorpus(t *testing.T, n int) *Collection {
	t.Helper()
	c, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 32}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	docs := make([]Document, n)
	for i := range docs {
		text := fmt.Sprintf("passage %d about rivers and hills", i)
		if i%3 == 0 {
			text += " solar panels"
		}
		if i%5 == 0 {
			text += " wind farms"
		}
		docs[i] = Document{ID: fmt.Sprint(i), Title: fmt.Sprintf("Doc %d", i), Content: text,
			Metadata: map[string]any{"n": i, "even": i%2 == 0}}
	}
	if _, err := c.Upsert(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHasMoreAndTotalMatches pages through every mode, with and without a filter, and checks
// that HasMore is true exactly when the next page holds a hit, and that TotalMatches counts
// the full ranking.
func TestHasMoreAndTotalMatches(t *testing.T) {
	const n = 60
	c := pagingCorpus(t, n)
	lexicalMatches := func(keep func(i int) bool) int {
		m := 0
		for i := range n {
			if (i%3 == 0 || i%5 == 0) && keep(i) {
				m++
			}
		}
		return m
	}
	all := func(int) bool { return true }
	even := func(i int) bool { return i%2 == 0 }
	cases := []struct {
		mode    Mode
		filter  string
		keep    func(int) bool
		matches int
	}{
		{Lexical, "", all, lexicalMatches(all)},
		{Lexical, "even = true", even, lexicalMatches(even)},
		{Vector, "", all, n},
		{Vector, "even = true", even, n / 2},
		{Hybrid, "", all, n},
		{Hybrid, "even = true", even, n / 2},
	}
	for _, tc := range cases {
		for _, k := range []int{4, 7, 10} {
			for off := 0; ; off += k {
				q := Query{Text: "solar wind", Mode: tc.mode, Filter: tc.filter, K: k, Offset: off, Count: true}
				page := mustSearch(t, c, q)
				if page.TotalMatches == nil || *page.TotalMatches != tc.matches {
					t.Fatalf("%s %q: total matches %v, want %d", tc.mode, tc.filter, page.TotalMatches, tc.matches)
				}
				q.Offset += k
				q.Count = false
				next := mustSearch(t, c, q)
				if next.TotalMatches != nil {
					t.Fatalf("%s: total matches counted without being asked", tc.mode)
				}
				if page.HasMore != (len(next.Hits) > 0) {
					t.Fatalf("%s %q k=%d offset %d: has_more %v, the next page has %d hits", tc.mode, tc.filter, k, off, page.HasMore, len(next.Hits))
				}
				if want := off+k < tc.matches; page.HasMore != want {
					t.Fatalf("%s %q k=%d offset %d: has_more %v, want %v (%d matches)", tc.mode, tc.filter, k, off, page.HasMore, want, tc.matches)
				}
				if !page.HasMore {
					break
				}
			}
		}
	}
}

// TestHasMoreHybridDepth checks hybrid pages that end where the fused candidates end: the
// next page searches deeper, so whether the sides hold more than this search took decides.
func TestHasMoreHybridDepth(t *testing.T) {
	c := pagingCorpus(t, 40)
	for _, tc := range []struct {
		filter string
		more   bool
	}{
		{"", true},       // 40 vectors, 4 taken
		{"n < 4", false}, // 4 vectors, 4 taken
		{"n < 5", true},  // 5 vectors, 4 taken
		{"even = true", true},
	} {
		// No document holds "nowhere": the vector side alone fills the fused list, which
		// ends at the depth, 4, which is also the end of the page.
		q := Query{Text: "nowhere", Mode: Hybrid, K: 4, Depth: 4, Filter: tc.filter}
		res := mustSearch(t, c, q)
		if res.TotalCandidates != 4 || res.Fusion == nil || res.Fusion.Depth != 4 {
			t.Fatalf("%q: %d candidates, fusion %+v; the test needs the page to end at the depth", tc.filter, res.TotalCandidates, res.Fusion)
		}
		q.Offset = 4
		next := mustSearch(t, c, q)
		if res.HasMore != tc.more || res.HasMore != (len(next.Hits) > 0) {
			t.Errorf("%q: has_more %v, want %v; the next page has %d hits", tc.filter, res.HasMore, tc.more, len(next.Hits))
		}
	}
	// A depth the next page does not pass: the fused list alone decides.
	res := mustSearch(t, c, Query{Text: "nowhere", Mode: Hybrid, K: 5, Offset: 30, Depth: 40})
	next := mustSearch(t, c, Query{Text: "nowhere", Mode: Hybrid, K: 5, Offset: 35, Depth: 40})
	last := mustSearch(t, c, Query{Text: "nowhere", Mode: Hybrid, K: 5, Offset: 40, Depth: 40})
	if !res.HasMore || len(next.Hits) != 5 || next.HasMore || len(last.Hits) != 0 {
		t.Errorf("depth 40: has_more %v, next page %d hits and has_more %v, then %d hits", res.HasMore, len(next.Hits), next.HasMore, len(last.Hits))
	}
}

// TestCountMatchesTermUnion checks TotalMatches against documents counted by hand, for a
// query with a stopword and a word no document holds.
func TestCountMatchesTermUnion(t *testing.T) {
	c := pagingCorpus(t, 30)
	for _, tc := range []struct {
		text string
		want int
	}{
		{"solar", 10},
		{"the wind", 6},
		{"solar wind", 14},
		{"nowhere", 0},
		{"passage", 30},
	} {
		res := mustSearch(t, c, Query{Text: tc.text, Mode: Lexical, Count: true})
		if res.TotalMatches == nil || *res.TotalMatches != tc.want {
			t.Errorf("%q: total matches %v, want %d", tc.text, res.TotalMatches, tc.want)
		}
	}
}
