package datagen

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/testutil"
)

// defaultPassages returns the embedded 5,000 Wikipedia passages.
func defaultPassages(t *testing.T) []Passage {
	t.Helper()
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	ps := make([]Passage, len(docs))
	for i, d := range docs {
		ps[i] = Passage{ID: d.ID, Title: d.Title, Text: d.Content}
	}
	return ps
}

func generateCorpus(t *testing.T, ps []Passage, o CorpusOptions) (storage.FS, *CorpusReport) {
	t.Helper()
	fsys := storage.NewMemFS()
	rep, err := GenerateCorpus(context.Background(), fsys, ps, o)
	if err != nil {
		t.Fatal(err)
	}
	return fsys, rep
}

func TestCorpusDeterministic(t *testing.T) {
	ps := defaultPassages(t)
	o := CorpusOptions{N: 2*corpusBlock + 10, Out: "docs.jsonl", QueriesOut: "q.jsonl", Queries: 50, Seed: 3, Threads: 1}
	one, _ := generateCorpus(t, ps, o)
	o.Threads = 3
	three, _ := generateCorpus(t, ps, o)
	for _, name := range []string{"docs.jsonl", "q.jsonl"} {
		a, _ := storage.ReadFile(one, name)
		b, _ := storage.ReadFile(three, name)
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: %d bytes with 1 thread, differs with 3", name, len(a))
		}
	}
	o.Seed = 4
	other, _ := generateCorpus(t, ps, o)
	a, _ := storage.ReadFile(one, "docs.jsonl")
	if b, _ := storage.ReadFile(other, "docs.jsonl"); bytes.Equal(a, b) {
		t.Error("another seed gave the same corpus")
	}
}

// TestCorpusReadsBack checks that the output is a corpus the reader accepts, gzip'd or
// not, with the requested number of documents, and queries drawn only from held-out
// articles.
func TestCorpusReadsBack(t *testing.T) {
	ps := defaultPassages(t)
	dir := t.TempDir()
	for _, name := range []string{"docs.jsonl", "docs.jsonl.gz"} {
		out := filepath.Join(dir, name)
		qout := filepath.Join(dir, "q-"+name)
		rep, err := GenerateCorpus(context.Background(), storage.OS(), ps, CorpusOptions{N: 700, Out: out, QueriesOut: qout, Queries: 40, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		docs, _, err := corpus.Load(context.Background(), out, corpus.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 700 || docs[0].ID != "g000000000" || docs[699].ID != "g000000699" || rep.Documents != 700 {
			t.Fatalf("%s: %d documents, first %q, last %q", name, len(docs), docs[0].ID, docs[len(docs)-1].ID)
		}
		for _, d := range docs {
			if strings.TrimSpace(d.Content) == "" || strings.TrimSpace(d.Title) == "" {
				t.Fatalf("%s: document %s has an empty field: %+v", name, d.ID, d)
			}
		}
		qs, err := corpus.LoadQueries(qout)
		if err != nil {
			t.Fatal(err)
		}
		_, held := SplitHeldOut(ps, 10, 1)
		heldIDs := map[string]bool{}
		for _, p := range held {
			heldIDs[p.ID] = true
		}
		kinds := map[any]int{}
		for _, q := range qs {
			kinds[q.Metadata["kind"]]++
			if !heldIDs[q.Metadata["source"].(string)] || strings.TrimSpace(q.Text) == "" {
				t.Fatalf("query %+v does not come from a held-out passage", q)
			}
		}
		if len(qs) != 40 || kinds["title"] != 20 || kinds["phrase"] != 20 || rep.Queries != 40 {
			t.Fatalf("%d queries, kinds %v", len(qs), kinds)
		}
	}
}

// TestCorpusStatistics compares generated text with the real passages it was fitted on:
// document lengths, repetition within documents and vocabulary size at equal numbers of
// words. The embedded corpus is small, so the bounds are loose; the data test below
// checks the full passages.
func TestCorpusStatistics(t *testing.T) {
	ps := defaultPassages(t)
	checkStatistics(t, ps, len(ps), 0.25)
}

// TestCorpusStatisticsWikipedia checks the statistics on the first 10,000 of the shared
// Wikipedia passages.
func TestCorpusStatisticsWikipedia(t *testing.T) {
	path := filepath.Join(testutil.SharedData(t, "wikipedia"), "passages.jsonl.gz")
	const n = 10000
	var ps []Passage
	errEnough := errors.New("enough")
	_, err := corpus.Scan(context.Background(), path, corpus.ReadOptions{}, func(d corpus.Document) error {
		if len(ps) == n {
			return errEnough
		}
		ps = append(ps, Passage{ID: d.ID, Title: d.Title, Text: d.Content})
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		t.Fatal(err)
	}
	checkStatistics(t, ps, n, 0.15)
}

// checkStatistics fits on the training split of ps, generates n documents and compares
// them with the first n real passages. tol bounds the relative difference in vocabulary.
func checkStatistics(t *testing.T, ps []Passage, n int, tol float64) {
	t.Helper()
	train, _ := SplitHeldOut(ps, 10, 1)
	m, err := FitCorpusModel(context.Background(), train, 1)
	if err != nil {
		t.Fatal(err)
	}
	real, gen := NewTextStats(), NewTextStats()
	for _, p := range ps[:n] {
		real.Add(p.Text)
	}
	rng := newRNG(1, streamCorpus, 0)
	var scratch []tok
	for range n {
		var body []byte
		_, body, scratch = m.document(rng, scratch)
		gen.Add(string(body))
	}
	real.Finish()
	gen.Finish()
	t.Logf("real:      %v", real)
	t.Logf("generated: %v", gen)
	words := min(real.Words, gen.Words) * 4 / 5
	rv, gv := real.TypesAt(words), gen.TypesAt(words)
	t.Logf("types at %d words: real %d, generated %d", words, rv, gv)
	if d := math.Abs(float64(gv)/float64(rv) - 1); d > tol {
		t.Errorf("vocabulary at %d words: generated %d, real %d (%.0f%% apart)", words, gv, rv, 100*d)
	}
	if d := math.Abs(gen.LenMean/real.LenMean - 1); d > 0.03 {
		t.Errorf("mean length %.1f, real %.1f", gen.LenMean, real.LenMean)
	}
	if d := math.Abs(gen.Repeat - real.Repeat); d > 0.04 {
		t.Errorf("in-document repeats %.3f, real %.3f", gen.Repeat, real.Repeat)
	}
	if d := math.Abs(gen.HeapsBeta - real.HeapsBeta); d > 0.08 {
		t.Errorf("Heaps exponent %.3f, real %.3f", gen.HeapsBeta, real.HeapsBeta)
	}
}

func TestCorpusOptionsValidate(t *testing.T) {
	ps := defaultPassages(t)[:50]
	tests := []struct {
		name string
		o    CorpusOptions
	}{
		{"no documents", CorpusOptions{Out: "x"}},
		{"no output", CorpusOptions{N: 5}},
		{"hold out every 1", CorpusOptions{N: 5, Out: "x", HoldOutEvery: 1}},
		{"negative queries", CorpusOptions{N: 5, Out: "x", Queries: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := GenerateCorpus(context.Background(), storage.NewMemFS(), ps, tt.o); !errors.Is(err, ErrBadOptions) {
				t.Errorf("err = %v, want ErrBadOptions", err)
			}
		})
	}
	if _, err := GenerateCorpus(context.Background(), storage.NewMemFS(), nil, CorpusOptions{N: 5, Out: "x"}); !errors.Is(err, ErrBadOptions) {
		t.Errorf("no passages: err = %v, want ErrBadOptions", err)
	}
}

func TestAppendJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`say "hi"\`, `"say \"hi\"\\"`},
		{"tab\tnl\n\x01", `"tab\u0009nl\u000a\u0001"`},
		{"Bäumer – ü", `"Bäumer – ü"`},
	}
	for _, tt := range tests {
		if got := string(appendJSONString(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("appendJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCorpusGzipIsGzip(t *testing.T) {
	fsys, _ := generateCorpus(t, defaultPassages(t), CorpusOptions{N: 10, Out: "d.jsonl.gz", Seed: 1})
	b, err := storage.ReadFile(fsys, "d.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || bytes.Count(plain, []byte("\n")) != 10 {
		t.Fatalf("%d lines, err %v", bytes.Count(plain, []byte("\n")), err)
	}
}
