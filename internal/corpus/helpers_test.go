package corpus

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile creates dir/rel (and its parent directories) with content.
func writeFile(t testing.TB, dir, rel, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipBytes(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// scanString runs ScanJSONL over s and collects the documents.
func scanAll(t testing.TB, s string, opts ReadOptions) ([]Document, Report, error) {
	t.Helper()
	var docs []Document
	rep, err := ScanJSONL(context.Background(), strings.NewReader(s), "corpus.jsonl", opts, func(d Document) error {
		docs = append(docs, d)
		return nil
	})
	return docs, rep, err
}
