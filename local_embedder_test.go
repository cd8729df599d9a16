package vajra

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/testutil"
)

// copyTinyModel copies the committed random BERT folder, so a test may move or alter it.
func copyTinyModel(t *testing.T) string {
	return testutil.CopyDir(t, filepath.Join("internal", "embed", "bert", "testdata", "tiny"))
}

// TestLocalEmbedder builds a collection with the local transformer embedder, searches it,
// reopens it from a moved model folder, and refuses a folder holding other weights.
func TestLocalEmbedder(t *testing.T) {
	model := copyTinyModel(t)
	dir := filepath.Join(t.TempDir(), "c")
	c, err := Create(dir, Options{Embedder: EmbedderOptions{Kind: EmbedderLocal, ModelDir: model}})
	if err != nil {
		t.Fatal(err)
	}
	docs := []Document{
		{ID: "a", Title: "Insulin", Content: "The study measures insulin resistance in mice."},
		{ID: "b", Title: "Rivers", Content: "The river builds a hidden pattern across the old bridge."},
		{ID: "c", Content: "Researchers describe gene expression in mice."},
	}
	var progressed int
	ctx := WithEmbedProgress(context.Background(), func(n int) { progressed += n })
	if _, err := c.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if progressed != len(docs) {
		t.Fatalf("progress reported %d documents, want %d", progressed, len(docs))
	}
	q := Query{Text: "insulin resistance in mice", Mode: Vector, K: 3}
	res, err := c.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 3 {
		t.Fatalf("%d hits", len(res.Hits))
	}
	spec := c.EmbedderSpec()
	if !strings.HasPrefix(spec, "local/vajra-test/random-bert-tiny dim=64") || !strings.Contains(spec, "weights_sha256=") {
		t.Fatalf("embedder spec %q", spec)
	}
	first := res.Hits[0].ID
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	moved := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Rename(model, moved); err != nil {
		t.Fatal(err)
	}
	if c, err = Open(dir, OpenOptions{EmbedModelDir: moved}); err != nil {
		t.Fatal(err)
	}
	res, err = c.Search(context.Background(), q)
	if err != nil || res.Hits[0].ID != first {
		t.Fatalf("search after moving the model: %v", err)
	}
	c.Close()

	// The recorded folder is gone: lexical search still works, embedding a query fails.
	c, err = Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Search(context.Background(), Query{Text: "mice", Mode: Lexical}); err != nil {
		t.Fatalf("lexical search without the model folder: %v", err)
	}
	if _, err := c.Search(context.Background(), q); err == nil {
		t.Fatal("vector search without the model folder succeeded")
	}
	c.Close()

	p := filepath.Join(moved, "model.safetensors")
	data, _ := os.ReadFile(p)
	data[len(data)-1] ^= 0x40
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, OpenOptions{EmbedModelDir: moved})
	if err == nil || !strings.Contains(err.Error(), "weights_sha256") {
		t.Fatalf("Open with other weights: %v, want a refusal naming weights_sha256", err)
	}
}

func TestLocalEmbedderOptions(t *testing.T) {
	err := Options{Embedder: EmbedderOptions{Kind: EmbedderLocal}}.Validate()
	if !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), "model folder") {
		t.Fatalf("local without a folder: %v", err)
	}
	err = Options{Embedder: EmbedderOptions{Kind: "bert"}}.Validate()
	if !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), "hash, local, openai, precomputed") {
		t.Fatalf("unknown kind: %v", err)
	}
	if _, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderLocal, ModelDir: t.TempDir()}}); !errors.Is(err, ErrOptions) {
		t.Fatalf("local with an empty folder: %v", err)
	}
	kinds := EmbedderKinds()
	if kinds[0][0] != EmbedderNone || len(kinds) != 5 {
		t.Fatalf("kinds %v", kinds)
	}
}
