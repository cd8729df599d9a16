package vajra

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLargeBatchSplitsAcrossLogRecords is the regression test for writes over 64 MiB, which
// failed with "WAL record too large": a 70 MiB batch is logged as several records and comes
// back whole after reopening.
func TestLargeBatchSplitsAcrossLogRecords(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "c")
	c, err := Create(dir, Options{Sync: SyncNever, SnapshotBytes: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// One long word per document: large to log, cheap to analyse (it is too long to index).
	word := strings.Repeat("a", 1<<20)
	docs := make([]Document, 70)
	for i := range docs {
		docs[i] = Document{ID: fmt.Sprintf("big%02d", i), Title: fmt.Sprintf("part %d", i), Content: word}
	}
	if _, err := c.Upsert(ctx, docs); err != nil {
		t.Fatalf("upsert of %d MiB: %v", len(docs), err)
	}
	// Reopen a copy, so that the write comes back from the log records, not a snapshot.
	r, err := Open(crashImage(t, dir, "", -1), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Len() != len(docs) {
		t.Fatalf("reopened with %d documents, want %d", r.Len(), len(docs))
	}
	res := mustSearch(t, r, Query{Text: "part 69", K: 1, Highlight: true})
	if len(res.Hits) != 1 || res.Hits[0].ID != "big69" {
		t.Fatalf("search after reopen: %v", ids(res))
	}
}

// TestSplitWriteAllOrNothing crashes (by copying the directory of an open collection) with
// the log cut anywhere inside a write split across records: reopening finds the write wholly
// absent, never in part, and a later split write is not mixed with its parts.
func TestSplitWriteAllOrNothing(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "c")
	c, err := Create(dir, Options{SnapshotBytes: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.recordLimit = 2 << 10
	batch := func(prefix string, n int) []Document {
		docs := make([]Document, n)
		for i := range docs {
			docs[i] = Document{ID: fmt.Sprintf("%s%02d", prefix, i), Content: prefix + " " + strings.Repeat("filler words ", 25)}
		}
		return docs
	}
	if _, err := c.Upsert(ctx, batch("alpha", 3)); err != nil {
		t.Fatal(err)
	}
	wal := filepath.Join(dir, walFileName(c.gen))
	before := fileSize(t, wal)
	if _, err := c.Upsert(ctx, batch("beta", 20)); err != nil {
		t.Fatal(err)
	}
	after := fileSize(t, wal)
	if after-before < 3*int64(c.recordLimit) {
		t.Fatalf("the write took %d bytes of log: not split as the test needs", after-before)
	}
	count := func(c *Collection, prefix string) int {
		n := 0
		for _, h := range mustSearch(t, c, Query{Text: prefix, K: 100}).Hits {
			if strings.HasPrefix(h.ID, prefix) {
				n++
			}
		}
		return n
	}
	for cut := before; cut <= after; cut += max((after-before)/23, 1) {
		if cut > before && cut < before+16 {
			continue
		}
		img := crashImage(t, dir, wal, cut)
		wantB := 0
		if cut == after {
			wantB = 20
		}
		// A reader beside the writer sees such a log while the write is going on.
		ro, err := Open(img, OpenOptions{ReadOnly: true})
		if err != nil {
			t.Fatalf("log cut at %d of %d..%d: read-only: %v", cut, before, after, err)
		}
		if a, b := count(ro, "alpha"), count(ro, "beta"); a != 3 || b != wantB {
			t.Errorf("log cut at %d of %d..%d: read-only: %d of 3 alpha and %d of 20 beta documents, want 3 and %d", cut, before, after, a, b, wantB)
		}
		ro.Close()
		r, err := Open(img, OpenOptions{})
		if err != nil {
			t.Fatalf("log cut at %d of %d..%d: %v", cut, before, after, err)
		}
		a, b := count(r, "alpha"), count(r, "beta")
		if a != 3 || b != wantB {
			t.Errorf("log cut at %d of %d..%d: %d of 3 alpha and %d of 20 beta documents, want 3 and %d", cut, before, after, a, b, wantB)
		}
		if cut == before+(after-before)/2 || cut > before+(after-before)/2 && cut-(after-before)/23 < before+(after-before)/2 {
			// Write again after a torn split write: the new write must not take in the old parts.
			r.recordLimit = 2 << 10
			if _, err := r.Upsert(ctx, batch("gamma", 15)); err != nil {
				t.Fatal(err)
			}
			img2 := crashImage(t, img, filepath.Join(img, walFileName(r.gen)), -1)
			r2, err := Open(img2, OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if a, b, cc := count(r2, "alpha"), count(r2, "beta"), count(r2, "gamma"); a != 3 || b != 0 || cc != 15 {
				t.Errorf("after a torn write and a new one: alpha %d, beta %d, gamma %d, want 3, 0, 15", a, b, cc)
			}
			r2.Close()
		}
		r.Close()
	}
}

// TestDocumentTooLargeForDisk checks that one document too large for a log record is refused
// by name before anything is written, and that in-memory collections take it.
func TestDocumentTooLargeForDisk(t *testing.T) {
	ctx := context.Background()
	c, err := Create(filepath.Join(t.TempDir(), "c"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.recordLimit = 4 << 10
	docs := []Document{{ID: "small", Content: "fine"}, {ID: "huge", Content: strings.Repeat("x ", 3000)}}
	_, err = c.Upsert(ctx, docs)
	if !errors.Is(err, ErrInvalidDocument) || !strings.Contains(err.Error(), `"huge"`) {
		t.Fatalf("err = %v, want ErrInvalidDocument naming \"huge\"", err)
	}
	if c.Len() != 0 {
		t.Fatalf("%d documents written by a refused batch", c.Len())
	}
	m, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Upsert(ctx, docs); err != nil {
		t.Fatalf("in memory: %v", err)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// crashImage copies the collection at dir as a crash would leave it: every file as it is,
// the log cut to cut bytes (-1: whole).
func crashImage(t *testing.T, dir, wal string, cut int64) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "img")
	if err := os.MkdirAll(img, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Join(dir, e.Name()) == wal && cut >= 0 {
			b = b[:cut]
		}
		if err := os.WriteFile(filepath.Join(img, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return img
}
