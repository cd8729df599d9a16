package vajra

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/storage"
)

// mappedDocs are documents big enough for the store's and the segment's bulk sections to span
// several checksum chunks.
func mappedDocs(n int) []Document {
	// Each document has its own term, so that every posting block is some search's.
	docs := make([]Document, n)
	for i := range docs {
		docs[i] = Document{
			ID:      fmt.Sprintf("doc-%04d", i),
			Title:   fmt.Sprintf("title %d word%d", i, i%17),
			Content: strings.Repeat(fmt.Sprintf("term%d common%d filler ", i, i%5), 20) + mappedWords(i),
		}
		if i%4 == 0 {
			docs[i].Metadata = map[string]any{"group": fmt.Sprint(i % 3), "n": i}
		}
	}
	return docs
}

// mappedWords are words only document i has.
func mappedWords(i int) string {
	var b strings.Builder
	for j := range 30 {
		fmt.Fprintf(&b, " u%dx%d", i, j)
	}
	return b.String()
}

// buildOnDisk writes a collection of docs to a new directory and closes it.
func buildOnDisk(t *testing.T, docs []Document) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "c")
	c, err := Create(dir, Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sectionOffset returns where the payload of section tag starts in the file at path.
func sectionOffset(t *testing.T, path, magic, tag string) (int, int, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := binfile.Parse(data, magic, 9)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Section(tag)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Index(data, p), len(p), data
}

func dirFile(t *testing.T, dir, prefix string) string {
	t.Helper()
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.HasPrefix(n.Name(), prefix) {
			return filepath.Join(dir, n.Name())
		}
	}
	t.Fatalf("no %s* file in %s", prefix, dir)
	return ""
}

// TestOpenReadsInPlace opens a collection from disk and checks that its documents are read
// from the mapped store, not held in memory, before and after writes and snapshots.
func TestOpenReadsInPlace(t *testing.T) {
	docs := mappedDocs(400)
	dir := buildOnDisk(t, docs)
	ctx := context.Background()
	for _, ro := range []bool{true, false} {
		c, err := Open(dir, OpenOptions{ReadOnly: ro, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		c.mu.RLock()
		inPlace, held, maps := c.docs.base != nil, len(c.docs.recs), len(c.maps)
		mapped := true
		for _, m := range c.maps {
			mapped = mapped && storage.IsMapped(m)
		}
		metaBuilt := c.meta.Load() != nil
		c.mu.RUnlock()
		if !inPlace || held != 0 || maps < 2 || metaBuilt {
			t.Fatalf("read-only %v: store read in place %v, %d documents in memory, %d mappings, metadata index built %v", ro, inPlace, held, maps, metaBuilt)
		}
		if !mapped && osMaps() {
			t.Fatalf("files read into the heap on an OS that maps them")
		}
		for _, i := range []int{0, 1, 199, 399} {
			d, err := c.Get(docs[i].ID)
			if err != nil || d.Title != docs[i].Title || d.Content != docs[i].Content || len(d.Metadata) != len(docs[i].Metadata) {
				t.Fatalf("get %s: %+v %v", docs[i].ID, d, err)
			}
		}
		// doc-0020 has term20 and metadata group 2 (20 % 3).
		res, err := c.Search(ctx, Query{Text: "term20 term21", K: 3, Filter: "group = 2"})
		if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != "doc-0020" {
			t.Fatalf("filtered search: %+v %v", res, err)
		}
		if ids := c.IDs(); len(ids) != len(docs) {
			t.Fatalf("%d ids", len(ids))
		}
		if !ro {
			if _, err := c.Upsert(ctx, []Document{{ID: "doc-0001", Title: "replaced", Content: "new text"}, {ID: "extra", Content: "more"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Delete(ctx, []string{"doc-0002"}); err != nil {
				t.Fatal(err)
			}
			if d, err := c.Get("doc-0001"); err != nil || d.Title != "replaced" {
				t.Fatalf("replaced document: %+v %v", d, err)
			}
			if _, err := c.Get("doc-0002"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("deleted document: %v", err)
			}
			if err := c.Flush(); err != nil {
				t.Fatal(err)
			}
			c.mu.RLock()
			held := len(c.docs.recs)
			var names []string
			for n := range c.maps {
				names = append(names, n)
			}
			c.mu.RUnlock()
			if held != 0 {
				t.Fatalf("%d documents still in memory after a snapshot", held)
			}
			if osMaps() {
				for _, r := range c.lex.Snapshot().Segments() {
					if !r.Seg.InPlace() {
						t.Fatalf("segment %d, written by the snapshot, is still read from memory", r.Seg.ID())
					}
				}
			}
			slices.Sort(names)
			if len(names) < 2 || names[0] != filepath.Base(dirFile(t, dir, "docs-")) {
				t.Fatalf("mappings after a snapshot: %v", names)
			}
			for _, n := range names {
				if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
					t.Fatalf("a mapping of %s, which the snapshot no longer names: %v", n, err)
				}
			}
			if d, err := c.Get("doc-0001"); err != nil || d.Title != "replaced" {
				t.Fatalf("after the snapshot: %+v %v", d, err)
			}
			if c.Len() != len(docs) {
				t.Fatalf("%d documents, want %d", c.Len(), len(docs))
			}
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Get(docs[0].ID); !errors.Is(err, ErrClosed) {
			t.Fatalf("get after close: %v", err)
		}
	}
	rep, err := Check(dir)
	if err != nil || !rep.OK() {
		t.Fatalf("check: %v %+v", err, rep)
	}
}

// osMaps reports whether the OS file system maps files on this platform.
func osMaps() bool {
	dir, err := os.MkdirTemp("", "vajra-map")
	if err != nil {
		return false
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "f")
	if os.WriteFile(p, []byte("x"), 0o644) != nil {
		return false
	}
	m, err := storage.MapFile(storage.OS(), p)
	if err != nil {
		return false
	}
	defer m.Close()
	return storage.IsMapped(m)
}

// TestDamageFoundOnRead damages bytes that Open does not read, in a real directory: Open
// succeeds, and the read that meets the damage fails with ErrCorrupt naming the file, while
// other reads go on; Check reports it.
func TestDamageFoundOnRead(t *testing.T) {
	docs := mappedDocs(400)
	cases := []struct {
		file, magic, tag string
		read             func(c *Collection) error
	}{
		{"docs-", "VJRADOCS", "DATA", func(c *Collection) error {
			for _, d := range docs {
				if _, err := c.Get(d.ID); err != nil {
					return err
				}
			}
			return nil
		}},
		{"lex-", "VJLEXSEG", "POST", func(c *Collection) error {
			for i := range docs {
				if _, err := c.Search(context.Background(), Query{Text: fmt.Sprintf("term%d %s", i, mappedWords(i))}); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			dir := buildOnDisk(t, docs)
			path := dirFile(t, dir, tc.file)
			off, n, data := sectionOffset(t, path, tc.magic, tc.tag)
			if n < 2*binfile.DefaultChunk {
				t.Fatalf("section %s has %d bytes, too few for two chunks", tc.tag, n)
			}
			data[off+n/2] ^= 0x10 // in a middle chunk, which Open does not read
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Open(dir, OpenOptions{ReadOnly: true, Threads: 1})
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer c.Close()
			if _, err := c.Get(docs[0].ID); err != nil {
				t.Fatalf("an intact document: %v", err)
			}
			err = tc.read(c)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
				t.Fatalf("reading everything: %v, want ErrCorrupt naming %s", err, path)
			}
			rep, err := Check(dir)
			if err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), path) {
				t.Fatalf("check: %v %+v", err, rep)
			}
		})
	}
}

// TestFileChangedUnderMapping changes and truncates files of an open collection: the
// collection notices (on its next check of the files, or by the fault of reading a page the
// file no longer has) and fails every later call with ErrCorrupt, without crashing.
func TestFileChangedUnderMapping(t *testing.T) {
	if !osMaps() {
		t.Skip("the OS file system does not map files here")
	}
	docs := mappedDocs(400)
	for _, how := range []string{"truncated", "touched"} {
		t.Run(how, func(t *testing.T) {
			dir := buildOnDisk(t, docs)
			c, err := Open(dir, OpenOptions{ReadOnly: true, Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			path := dirFile(t, dir, "docs-")
			switch how {
			case "truncated":
				// Keep the checked first pages, lose the rest: reading a later document faults.
				if err := os.Truncate(path, 4096); err != nil {
					t.Fatal(err)
				}
			case "touched":
				later := time.Now().Add(time.Hour)
				if err := os.Chtimes(path, later, later); err != nil {
					t.Fatal(err)
				}
			}
			c.lastCheck.Store(time.Now().UnixNano()) // the next read must find it by itself
			var got error
			for _, d := range docs {
				if _, err := c.Get(d.ID); err != nil {
					got = err
					break
				}
			}
			if how == "touched" {
				if got != nil {
					t.Fatalf("a read before the next check failed: %v", got)
				}
				c.lastCheck.Store(0)
				_, got = c.Get(docs[0].ID)
			}
			if !errors.Is(got, ErrCorrupt) || how == "truncated" && !errors.Is(got, storage.ErrFault) {
				t.Fatalf("read after the file was %s: %v, want ErrCorrupt", how, got)
			}
			if _, err := c.Search(context.Background(), Query{Text: "term1"}); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("search after the failure: %v", err)
			}
		})
	}
}

// TestOpenFormat1 opens a collection written by the first file formats (document store and
// lexical segments version 1, see testdata/format1, made from testdata/format1.jsonl), reads
// and searches it, then writes to it: the next snapshot is in the current formats.
func TestOpenFormat1(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "format1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", "format1", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	version := func(prefix string) uint32 {
		data, err := os.ReadFile(dirFile(t, dir, prefix))
		if err != nil {
			t.Fatal(err)
		}
		return binary.LittleEndian.Uint32(data[8:12])
	}
	if version("docs-") != 1 || version("lex-") != 1 {
		t.Fatalf("fixture versions %d/%d", version("docs-"), version("lex-"))
	}
	ctx := context.Background()
	c, err := Open(dir, OpenOptions{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	check := func(c *Collection) {
		t.Helper()
		d, err := c.Get("river-1")
		if err != nil || d.Title != "River stones" || d.Metadata["year"] != float64(2020) {
			t.Fatalf("get: %+v %v", d, err)
		}
		res, err := c.Search(ctx, Query{Text: "river", Filter: "lang = en"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, []string{"river-1", "river-2"}) {
			t.Fatalf("search: %v", ids)
		}
	}
	check(c)
	if _, err := c.Upsert(ctx, []Document{{ID: "new", Title: "New", Content: "a new river"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if version("docs-") != 2 {
		t.Fatalf("the snapshot after a write wrote store version %d", version("docs-"))
	}
	c, err = Open(dir, OpenOptions{Threads: 1, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	check(c)
	if c.Len() != 6 {
		t.Fatalf("%d documents", c.Len())
	}
}
