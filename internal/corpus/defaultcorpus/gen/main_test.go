package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/corpus/defaultcorpus"
	"github.com/vajrasearch/vajra/internal/testutil"
)

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
		err      string
	}{
		{"prefix", "a\nb\nc\n", 2, "a\nb\n", ""},
		{"no final newline", "a\nb", 2, "a\nb\n", ""},
		{"too short", "a\n", 2, "", "only 1 lines, want 2"},
	}
	for _, tt := range tests {
		for _, compressed := range []bool{false, true} {
			in := []byte(tt.in)
			if compressed {
				var b bytes.Buffer
				zw := gzip.NewWriter(&b)
				zw.Write(in)
				zw.Close()
				in = b.Bytes()
			}
			var out bytes.Buffer
			err := generate(bytes.NewReader(in), tt.n, &out)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got := gunzip(t, out.Bytes()); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
			// Fixed header: no name, no modification time, so runs are identical.
			zr, _ := gzip.NewReader(bytes.NewReader(out.Bytes()))
			if zr.Name != "" || !zr.ModTime.IsZero() {
				t.Errorf("%s: header name %q, mtime %v", tt.name, zr.Name, zr.ModTime)
			}
			var again bytes.Buffer
			generate(bytes.NewReader(in), tt.n, &again)
			if !bytes.Equal(out.Bytes(), again.Bytes()) {
				t.Errorf("%s: two runs differ", tt.name)
			}
		}
	}
}

// TestGeneratorReproducesEmbeddedFile regenerates the embedded corpus from the shared data
// and compares it byte for byte.
func TestGeneratorReproducesEmbeddedFile(t *testing.T) {
	src := filepath.Join(testutil.SharedData(t, "wikipedia"), "passages.jsonl.gz")
	out := filepath.Join(t.TempDir(), "w.jsonl.gz")
	if err := run(src, defaultcorpus.Passages, out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	embedded := []byte(defaultcorpus.GzipJSONL())
	if gunzip(t, got) != gunzip(t, embedded) {
		t.Fatal("the embedded corpus is not the first passages of the shared file")
	}
	if !bytes.Equal(got, embedded) {
		t.Error("same text but different compressed bytes: regenerate with `go generate` (compress/flate changed?)")
	}
}
