package vajra

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

var sampleDocs = []Document{
	{ID: "1", Title: "Café culture in Paris", Content: "Parisian cafés serve espresso and croissants to naïve tourists.", Metadata: map[string]any{"year": 2019, "lang": "en"}},
	{ID: "2", Title: "X-ray crystallography", Content: "X-ray diffraction reveals the structure of crystals and proteins.", Metadata: map[string]any{"year": 2021, "lang": "en"}},
	{ID: "3", Title: "COVID-19 vaccines", Content: "Vaccines against COVID-19 were developed in record time in 2020.", Metadata: map[string]any{"year": 2021, "lang": "en", "tags": []any{"health", "science"}}},
	{ID: "4", Title: "Le café", Content: "Le café est une boisson préparée à partir des grains torréfiés.", Metadata: map[string]any{"year": 2018, "lang": "fr"}},
	{ID: "5", Title: "Running shoes", Content: "Runners choose running shoes for cushioning; a runner runs daily.", Metadata: map[string]any{"year": 2022, "lang": "en"}},
}

func ids(res *Results) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

func mustSearch(t *testing.T, c *Collection, q Query) *Results {
	t.Helper()
	res, err := c.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

func TestLexicalSearchAndWrites(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Upsert(ctx, sampleDocs)
	if err != nil || rep.Added != 5 {
		t.Fatalf("upsert: %+v %v", rep, err)
	}
	cases := []struct {
		q    string
		want string
	}{
		{"boisson café", "4"},
		{"xray crystal structure", "2"},
		{"covid vaccine", "3"},
		{"run", "5"},
	}
	for _, tc := range cases {
		res := mustSearch(t, c, Query{Text: tc.q})
		if len(res.Hits) == 0 || res.Hits[0].ID != tc.want {
			t.Errorf("%q: got %v, want %s first", tc.q, ids(res), tc.want)
		}
	}
	res := mustSearch(t, c, Query{Text: "café", Filter: "lang=en"})
	if got := ids(res); !reflect.DeepEqual(got, []string{"1"}) {
		t.Errorf("filtered: got %v", got)
	}
	if _, err := c.Search(ctx, Query{Text: "café", Filter: "nosuch=1"}); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("unknown field: %v", err)
	}
	// Replace and delete.
	if _, err := c.Upsert(ctx, []Document{{ID: "1", Title: "Tea rooms", Content: "Tea is served in London."}}); err != nil {
		t.Fatal(err)
	}
	if got := ids(mustSearch(t, c, Query{Text: "parisian"})); len(got) != 0 {
		t.Errorf("old version still found: %v", got)
	}
	if got := ids(mustSearch(t, c, Query{Text: "tea"})); !reflect.DeepEqual(got, []string{"1"}) {
		t.Errorf("new version: %v", got)
	}
	if rep, err := c.Delete(ctx, []string{"2", "nope"}); err != nil || rep.Deleted != 1 || rep.Missing != 1 {
		t.Fatalf("delete: %+v %v", rep, err)
	}
	if got := ids(mustSearch(t, c, Query{Text: "xray"})); len(got) != 0 {
		t.Errorf("deleted doc found: %v", got)
	}
	if _, err := c.Get("2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get deleted: %v", err)
	}
	if c.Len() != 4 {
		t.Errorf("len %d", c.Len())
	}
}

func TestInvalidDocumentsLeaveCollectionUnchanged(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 64}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	bad := [][]Document{
		{{ID: "", Content: "no id"}},
		{{ID: "ok", Content: "fine"}, {ID: "v", Content: "x", Vector: []float32{1, 2}}},
		{{ID: "n", Content: "x", Vector: make([]float32, 64)}},
		{{ID: "bad\xff", Content: "x"}},
		{{ID: "m", Content: "x", Metadata: map[string]any{"f": func() {}}}},
	}
	for i, b := range bad {
		if _, err := c.Upsert(ctx, b); !errors.Is(err, ErrInvalidDocument) {
			t.Errorf("case %d: got %v", i, err)
		}
	}
	if c.Len() != len(sampleDocs) {
		t.Fatalf("collection changed: %d docs", c.Len())
	}
}

func TestHybridAndVector(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 128}, Vector: VectorOptions{Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{Vector, Hybrid} {
		res := mustSearch(t, c, Query{Text: "covid vaccines", Mode: mode, K: 3})
		if len(res.Hits) == 0 || res.Hits[0].ID != "3" {
			t.Errorf("%s: got %v", mode, ids(res))
		}
		h := res.Hits[0]
		if mode == Hybrid && (h.Lexical == nil || h.Vector == nil || h.Lexical.Rank != 1) {
			t.Errorf("hybrid sides: %+v %+v", h.Lexical, h.Vector)
		}
	}
	res := mustSearch(t, c, Query{Text: "coffee café", Mode: Hybrid, Filter: "year <= 2018"})
	if got := ids(res); !reflect.DeepEqual(got, []string{"4"}) {
		t.Errorf("filtered hybrid: %v", got)
	}
	ex, err := c.Explain(ctx, Query{Text: "covid vaccines", Mode: Hybrid}, "3")
	if err != nil || ex.Rank != 1 || ex.Lexical == nil || ex.Vector == nil {
		t.Fatalf("explain: %+v %v", ex, err)
	}
	// Explain computes the similarity on its own; it must be the figure the search reported.
	vres := mustSearch(t, c, Query{Text: "covid vaccines", Mode: Vector, K: 5})
	for _, h := range vres.Hits {
		ex, err := c.Explain(ctx, Query{Text: "covid vaccines", Mode: Vector}, h.ID)
		if err != nil || ex.Vector.Similarity != h.Score {
			t.Fatalf("explain %s: similarity %v, search said %v (%v)", h.ID, ex.Vector.Similarity, h.Score, err)
		}
	}
}

func TestPersistenceRoundTrip(t *testing.T) {
	for _, q := range []string{"", "sq8", "bq"} {
		t.Run("quantization="+q, func(t *testing.T) { testPersistenceRoundTrip(t, q) })
	}
}

func testPersistenceRoundTrip(t *testing.T, quantization string) {
	ctx := context.Background()
	dir := t.TempDir()
	c, err := Create(dir, Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 64},
		Vector: VectorOptions{Seed: 3, Quantization: quantization}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs[:3]); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	// These live only in the log when the process "stops" without Close.
	if _, err := c.Upsert(ctx, sampleDocs[3:]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Delete(ctx, []string{"2"}); err != nil {
		t.Fatal(err)
	}
	queries := []Query{{Text: "café", Mode: Lexical}, {Text: "running", Mode: Vector}, {Text: "covid café", Mode: Hybrid}}
	var before [][]string
	for _, q := range queries {
		before = append(before, ids(mustSearch(t, c, q)))
	}
	c.wal.Close()
	c.lock.Close()

	c2, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range queries {
		if got := ids(mustSearch(t, c2, q)); !reflect.DeepEqual(got, before[i]) {
			t.Errorf("%+v: before %v after %v", q, before[i], got)
		}
	}
	d, err := c2.Get("3")
	if err != nil || d.Title != sampleDocs[2].Title || d.Metadata["year"] != float64(2021) || len(d.Vector) != 64 {
		t.Fatalf("get after reopen: %+v %v", d, err)
	}
	if err := c2.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(dir)
	if err != nil || !rep.OK() || rep.Docs != 4 {
		t.Fatalf("check: %+v %v", rep, err)
	}
	c3, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if c3.Len() != 4 {
		t.Fatalf("len after snapshot reopen %d", c3.Len())
	}
	if got := c3.Options().Vector.Quantization; got != quantization {
		t.Fatalf("reopened with quantization %q, created with %q", got, quantization)
	}
	for i, q := range queries {
		if got := ids(mustSearch(t, c3, q)); !reflect.DeepEqual(got, before[i]) {
			t.Errorf("%+v after the snapshot: before %v after %v", q, before[i], got)
		}
	}
	if _, err := Create(dir, Options{}); err == nil {
		t.Fatal("create over an open collection succeeded")
	}
}

func TestPromoteKeepsServing(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 64}, Vector: VectorOptions{Profile: "instant"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	before := ids(mustSearch(t, c, Query{Text: "covid vaccines", Mode: Vector}))
	done := make(chan error, 1)
	go func() { done <- c.Promote(ctx, "quality") }()
	for i := 0; i < 20; i++ {
		mustSearch(t, c, Query{Text: "running shoes", Mode: Hybrid})
	}
	if _, err := c.Upsert(ctx, []Document{{ID: "6", Title: "Sourdough", Content: "Bread from wild yeast."}}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := c.Options().Vector.Profile; got != "quality" {
		t.Fatalf("profile %q", got)
	}
	after := ids(mustSearch(t, c, Query{Text: "covid vaccines", Mode: Vector}))
	if before[0] != after[0] {
		t.Fatalf("top hit changed: %v -> %v", before, after)
	}
	if got := ids(mustSearch(t, c, Query{Text: "sourdough bread", Mode: Vector, K: 1})); got[0] != "6" {
		t.Fatalf("write during promotion lost: %v", got)
	}
}
