package vajra

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestOffsetPages checks that pages of K hits at growing offsets are slices of one long
// ranking, in every mode.
func TestOffsetPages(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 64}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{Lexical, Vector, Hybrid} {
		full := mustSearch(t, c, Query{Text: "café coffee running x-ray vaccines", Mode: mode, K: 5})
		if len(full.Hits) < 3 {
			t.Fatalf("%s: only %d hits", mode, len(full.Hits))
		}
		for off := 0; off <= len(full.Hits); off++ {
			page := mustSearch(t, c, Query{Text: "café coffee running x-ray vaccines", Mode: mode, K: 2, Offset: off})
			want := ids(full)[off:min(off+2, len(full.Hits))]
			if got := ids(page); !slices.Equal(got, want) {
				t.Errorf("%s offset %d: got %v, want %v", mode, off, got, want)
			}
			if page.TotalCandidates < len(page.Hits)+off && len(page.Hits) > 0 {
				t.Errorf("%s offset %d: total_candidates %d < %d", mode, off, page.TotalCandidates, len(page.Hits)+off)
			}
		}
	}
	if _, err := c.Search(ctx, Query{Text: "café", Offset: -1}); err == nil {
		t.Error("negative offset accepted")
	}
}

// TestResultsCarrySnippetsAndExplain checks that a query asking for highlights and
// explanations gets them on each hit, consistent with Snippet and Explain.
func TestResultsCarrySnippetsAndExplain(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 64}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{Lexical, Vector, Hybrid} {
		q := Query{Text: "running shoes", Mode: mode, K: 3}
		plain := mustSearch(t, c, q)
		q.Highlight, q.Explain = true, true
		res := mustSearch(t, c, q)
		if !slices.Equal(ids(plain), ids(res)) {
			t.Fatalf("%s: highlight/explain changed the ranking: %v vs %v", mode, ids(plain), ids(res))
		}
		for i, h := range res.Hits {
			if h.Snippet == nil || h.Explain == nil {
				t.Fatalf("%s hit %d: snippet %v explain %v", mode, i, h.Snippet, h.Explain)
			}
			if plain.Hits[i].Snippet != nil || plain.Hits[i].Explain != nil {
				t.Fatalf("%s: snippet or explain filled without being asked", mode)
			}
			checkHighlights(t, c, h.Snippet.Text, h.Snippet.Highlights, res.Terms)
			checkHighlights(t, c, h.Title, h.Snippet.TitleHighlights, res.Terms)
			if h.Explain.Rank != i+1 || h.Explain.Score != h.Score {
				t.Errorf("%s hit %s: explain rank %d score %v, hit at %d with %v", mode, h.ID, h.Explain.Rank, h.Explain.Score, i+1, h.Score)
			}
			if (mode != Vector) != (h.Explain.Lexical != nil) || (mode != Lexical) != (h.Explain.Vector != nil) {
				t.Errorf("%s hit %s: explain parts lexical=%v vector=%v", mode, h.ID, h.Explain.Lexical, h.Explain.Vector)
			}
			full, err := c.Explain(ctx, Query{Text: q.Text, Mode: mode}, h.ID)
			if err != nil {
				t.Fatal(err)
			}
			if mode == Lexical && full.Lexical.Score != h.Explain.Lexical.Score {
				t.Errorf("%s hit %s: per-hit explain %v, Explain %v", mode, h.ID, h.Explain.Lexical.Score, full.Lexical.Score)
			}
		}
		if res.Hits[0].ID == "5" && len(res.Hits[0].Snippet.Highlights) == 0 {
			t.Errorf("%s: no highlights in %q", mode, res.Hits[0].Snippet.Text)
		}
	}
}

// checkHighlights checks that every range of hl is a word of text whose analysed form is one
// of terms, and that no matching word of text is left out.
func checkHighlights(t *testing.T, c *Collection, text string, hl [][2]int, terms []string) {
	t.Helper()
	want := termSet(terms)
	matched := 0
	for _, tok := range c.analyzer.AppendTokens(nil, text) {
		if want[tok.Term] {
			matched++
		}
	}
	if matched > 0 && len(hl) == 0 {
		t.Errorf("%q: %d matching words, no highlights", text, matched)
	}
	for _, r := range hl {
		if r[0] < 0 || r[1] > len(text) || r[0] >= r[1] {
			t.Errorf("%q: highlight %v out of range", text, r)
			continue
		}
		got := c.analyzer.AppendTerms(nil, text[r[0]:r[1]])
		if !slices.ContainsFunc(got, func(term string) bool { return want[term] }) {
			t.Errorf("%q: highlight %v = %q matches none of %v", text, r, text[r[0]:r[1]], terms)
		}
	}
}

// TestResultsJSON pins the JSON names every door prints.
func TestResultsJSON(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 64}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	res := mustSearch(t, c, Query{Text: "running shoes", K: 2, Highlight: true, Explain: true})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hits", "mode", "took_ms", "total_candidates", "terms"} {
		if _, ok := m[k]; !ok {
			t.Errorf("results JSON lacks %q: %s", k, b)
		}
	}
	hit := m["hits"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "score", "title", "metadata", "snippet", "lexical", "vector", "explain"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit JSON lacks %q: %s", k, b)
		}
	}
	for _, k := range []string{"rank", "score", "contribution"} {
		if _, ok := hit["lexical"].(map[string]any)[k]; !ok {
			t.Errorf("side JSON lacks %q", k)
		}
	}
	var back Results
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Took <= 0 || len(back.Hits) != len(res.Hits) || back.Hits[0].ID != res.Hits[0].ID {
		t.Errorf("round trip: %+v", back)
	}
}

// TestResultsEchoFusion checks that a hybrid search reports the fusion it used, defaults
// filled in, and that other modes report none.
func TestResultsEchoFusion(t *testing.T) {
	c := pagingCorpus(t, 20)
	for _, tc := range []struct {
		q    Query
		want *FusionInfo
	}{
		{Query{Text: "solar", Mode: Hybrid}, &FusionInfo{Method: "rrf", LexicalWeight: 0.5, RRFK: 60, Depth: 100}},
		{Query{Text: "solar", Mode: Hybrid, K: 150}, &FusionInfo{Method: "rrf", LexicalWeight: 0.5, RRFK: 60, Depth: 150}},
		{Query{Text: "solar", Mode: Hybrid, Depth: 30, Fusion: FusionOptions{Method: "linear", Alpha: new(0.0), RRFK: 5}},
			&FusionInfo{Method: "linear", LexicalWeight: 0, RRFK: 5, Depth: 30}},
		{Query{Text: "solar", Mode: Lexical}, nil},
		{Query{Text: "solar", Mode: Vector}, nil},
	} {
		res := mustSearch(t, c, tc.q)
		if (res.Fusion == nil) != (tc.want == nil) || res.Fusion != nil && *res.Fusion != *tc.want {
			t.Errorf("%s %+v: fusion %+v, want %+v", tc.q.Mode, tc.q.Fusion, res.Fusion, tc.want)
		}
	}
}

// TestQueryWithNothingToEmbed checks the error of a vector or hybrid query without a word:
// an invalid query that says so, not in the embedder's terms.
func TestQueryWithNothingToEmbed(t *testing.T) {
	c := pagingCorpus(t, 5)
	for _, mode := range []Mode{Vector, Hybrid, ""} {
		_, err := c.Search(context.Background(), Query{Text: "!!! ???", Mode: mode})
		if !errors.Is(err, ErrInvalidQuery) || ErrorCode(err) != CodeInvalidField {
			t.Fatalf("%q: %v", mode, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, `the query "!!! ???" has nothing to embed`) || strings.Contains(msg, "hash embed") {
			t.Errorf("%q: %s", mode, msg)
		}
	}
	if _, err := c.Search(context.Background(), Query{Text: "!!! ???", Mode: Lexical}); err != nil {
		t.Errorf("lexical: %v", err)
	}
}
