package vajra

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestExplainIDs checks that Query.ExplainIDs explains the listed hits of the page and
// nothing else on it, and explains listed documents off the page in Results.Explanations with
// their rank and score in the full ranking.
func TestExplainIDs(t *testing.T) {
	ctx := context.Background()
	c := pagingCorpus(t, 60)
	for _, mode := range []Mode{Lexical, Vector, Hybrid} {
		full := mustSearch(t, c, Query{Text: "solar wind", Mode: mode, K: 30})
		if len(full.Hits) < 12 {
			t.Fatalf("%s: %d hits", mode, len(full.Hits))
		}
		onPage, offPage := full.Hits[1].ID, full.Hits[10].ID
		// "1" holds neither word: lexical mode does not rank it.
		listed := []string{offPage, onPage, "1", offPage}
		q := Query{Text: "solar wind", Mode: mode, K: 3, ExplainIDs: listed}
		res := mustSearch(t, c, q)
		for i, h := range res.Hits {
			if (h.Explain != nil) != (h.ID == onPage) {
				t.Fatalf("%s hit %d (%s): explain %v, only %s is listed", mode, i, h.ID, h.Explain != nil, onPage)
			}
			if h.Explain != nil && (h.Explain.Rank != i+1 || h.Explain.Score != h.Score) {
				t.Errorf("%s: on-page explain rank %d score %v, hit %d score %v", mode, h.Explain.Rank, h.Explain.Score, i+1, h.Score)
			}
		}
		var got []string
		for _, ex := range res.Explanations {
			got = append(got, ex.ID)
		}
		if !slices.Equal(got, []string{offPage, "1"}) {
			t.Fatalf("%s: explanations for %v, want %v once each in order", mode, got, []string{offPage, "1"})
		}
		off := res.Explanations[0]
		if off.Rank != 11 || off.Score != full.Hits[10].Score || off.Mode != mode {
			t.Errorf("%s: off-page explanation rank %d score %v, the full ranking has it at 11 with %v", mode, off.Rank, off.Score, full.Hits[10].Score)
		}
		if (mode != Vector) != (off.Lexical != nil) || (mode != Lexical) != (off.Vector != nil) {
			t.Errorf("%s: off-page explanation parts lexical=%v vector=%v", mode, off.Lexical != nil, off.Vector != nil)
		}
		if mode == Lexical {
			ex := res.Explanations[1]
			if ex.Rank != 0 || ex.Score != 0 || ex.Lexical == nil {
				t.Fatalf("unranked document: rank %d score %v lexical %+v", ex.Rank, ex.Score, ex.Lexical)
			}
			for _, term := range ex.Lexical.Terms {
				if term.TF != 0 || term.Contribution != 0 {
					t.Errorf("unranked document: term %+v", term)
				}
			}
		}
		// Explain agrees with the search's own explanation.
		one, err := c.Explain(ctx, Query{Text: "solar wind", Mode: mode}, offPage)
		if err != nil || one.Rank != off.Rank || one.Score != off.Score {
			t.Errorf("%s: Explain gives rank %d score %v (%v), the search %d and %v", mode, one.Rank, one.Score, err, off.Rank, off.Score)
		}
		q.ExplainIDs = []string{onPage, "no-such-document"}
		if _, err := c.Search(ctx, q); !errors.Is(err, ErrNotFound) || ErrorCode(err) != CodeDocumentNotFound {
			t.Errorf("%s: unknown id to explain: %v", mode, err)
		}
	}
}

// TestExplainRankWithOffset checks that Explain ranks a document in the whole ranking, not
// from the query's offset.
func TestExplainRankWithOffset(t *testing.T) {
	c := pagingCorpus(t, 60)
	for _, mode := range []Mode{Lexical, Vector, Hybrid} {
		full := mustSearch(t, c, Query{Text: "solar wind", Mode: mode, K: 20})
		id := full.Hits[6].ID
		ex, err := c.Explain(context.Background(), Query{Text: "solar wind", Mode: mode, K: 3, Offset: 5}, id)
		if err != nil || ex.Rank != 7 {
			t.Errorf("%s: rank %d (%v), want 7", mode, ex.Rank, err)
		}
	}
}

// TestExplainHybridKeepsDepth checks that a hybrid explanation comes from the fusion the
// query asked for: with a shallow depth, the same fused scores and ranks as the search.
func TestExplainHybridKeepsDepth(t *testing.T) {
	c := pagingCorpus(t, 60)
	q := Query{Text: "solar wind", Mode: Hybrid, K: 8, Depth: 8}
	res := mustSearch(t, c, q)
	for i, h := range res.Hits {
		ex, err := c.Explain(context.Background(), Query{Text: q.Text, Mode: Hybrid, K: 2, Depth: 8}, h.ID)
		if err != nil || ex.Rank != i+1 || ex.Score != h.Score {
			t.Fatalf("hit %d: explain rank %d score %v (%v), search score %v", i+1, ex.Rank, ex.Score, err, h.Score)
		}
	}
}

// TestExplanationNamesFields checks that the BM25 breakdown names the fields its weights and
// per-field tfs count.
func TestExplanationNamesFields(t *testing.T) {
	c := pagingCorpus(t, 10)
	res := mustSearch(t, c, Query{Text: "solar", Mode: Lexical, K: 1, Explain: true})
	lx := res.Hits[0].Explain.Lexical
	if !slices.Equal(lx.Fields, []string{"title", "content"}) || len(lx.FieldWeights) != len(lx.Fields) {
		t.Fatalf("fields %v, weights %v", lx.Fields, lx.FieldWeights)
	}
	for _, term := range lx.Terms {
		if len(term.FieldTF) != len(lx.Fields) {
			t.Errorf("term %q: %d field tfs for %d fields", term.Term, len(term.FieldTF), len(lx.Fields))
		}
	}
}
