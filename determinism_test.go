package vajra

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// determinismDocs are n documents with varied words, titles and metadata; ver changes
// their text, so that a later batch replaces earlier versions with other content.
func determinismDocs(from, n, ver int) []Document {
	words := []string{"solar", "wind", "power", "grid", "battery", "storage", "river", "delta",
		"protein", "crystal", "vaccine", "trial", "market", "price", "league", "player"}
	docs := make([]Document, n)
	for i := range docs {
		id := from + i
		var text []byte
		for j := 0; j < 12+id%9; j++ {
			text = fmt.Appendf(text, "%s ", words[(id*7+j*j*3+ver)%len(words)])
		}
		docs[i] = Document{
			ID:       fmt.Sprintf("doc-%05d", id),
			Title:    fmt.Sprintf("%s %d", words[(id+ver)%len(words)], id),
			Content:  string(text),
			Metadata: map[string]any{"year": 2000 + id%25, "group": words[id%4]},
		}
	}
	return docs
}

// collectionFiles returns every file of a closed collection directory by name.
func collectionFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
	}
	return files
}

// The same documents, writes and seed give byte-identical collection files whatever
// Threads is: lexical segments, document store, vector index, manifest and log.
func TestCollectionFilesIndependentOfThreads(t *testing.T) {
	ctx := context.Background()
	build := func(threads int) map[string][]byte {
		dir := t.TempDir()
		c, err := Create(dir, Options{
			Embedder:      EmbedderOptions{Kind: EmbedderHash, Dim: 32},
			Vector:        VectorOptions{Profile: "fast", Seed: 7},
			Threads:       threads,
			SnapshotBytes: 64 << 10, // several snapshots along the way
		})
		if err != nil {
			t.Fatal(err)
		}
		steps := []func() error{
			func() error { _, err := c.Upsert(ctx, determinismDocs(0, 1500, 0)); return err },
			func() error { _, err := c.Upsert(ctx, determinismDocs(1000, 900, 1)); return err },
			func() error {
				var ids []string
				for i := 0; i < 1900; i += 4 {
					ids = append(ids, fmt.Sprintf("doc-%05d", i))
				}
				_, err := c.Delete(ctx, ids)
				return err
			},
			c.Flush,
			func() error { _, err := c.Upsert(ctx, determinismDocs(0, 400, 2)); return err },
			func() error { _, err := c.Delete(ctx, []string{"doc-00001", "doc-01899", "doc-00402"}); return err },
			func() error { _, err := c.Upsert(ctx, determinismDocs(1850, 200, 3)); return err },
			c.Close,
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("Threads=%d step %d: %v", threads, i, err)
			}
		}
		return collectionFiles(t, dir)
	}
	one := build(1)
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range one {
			if !yield(name) {
				return
			}
		}
	})
	t.Logf("Threads=1 wrote %d files: %v", len(names), names)
	for _, threads := range []int{2, 4} {
		other := build(threads)
		if len(other) != len(one) {
			t.Fatalf("Threads=%d wrote %d files, Threads=1 wrote %d", threads, len(other), len(one))
		}
		for _, name := range names {
			if !bytes.Equal(one[name], other[name]) {
				t.Errorf("Threads=%d: %s differs from Threads=1 (%d and %d bytes)", threads, name, len(other[name]), len(one[name]))
			}
		}
	}
}
