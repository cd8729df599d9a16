package vajra

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// fillWith returns a FillFunc that upserts docs.
func fillWith(docs []Document) FillFunc {
	return func(ctx context.Context, c *Collection) error {
		_, err := c.Upsert(ctx, docs)
		return err
	}
}

// TestNeverTouchesForeignPaths points every operation that creates, replaces or removes a
// collection at paths that hold something else: each fails with ErrNotCollection and leaves
// every byte where it was.
func TestNeverTouchesForeignPaths(t *testing.T) {
	ctx := context.Background()
	setups := map[string]func(t *testing.T, p string){
		"a file": func(t *testing.T, p string) {
			if err := os.WriteFile(p, []byte("precious"), 0o644); err != nil {
				t.Fatal(err)
			}
		},
		"a directory with a file": func(t *testing.T, p string) {
			os.Mkdir(p, 0o755)
			os.WriteFile(filepath.Join(p, "notes.txt"), []byte("precious"), 0o644)
		},
		"a directory with a file named like a log": func(t *testing.T, p string) {
			os.Mkdir(p, 0o755)
			os.WriteFile(filepath.Join(p, "wal-notes.log"), []byte("precious"), 0o644)
		},
		"a directory with a subdirectory": func(t *testing.T, p string) {
			os.MkdirAll(filepath.Join(p, "photos"), 0o755)
			os.WriteFile(filepath.Join(p, "photos", "a.jpg"), []byte("precious"), 0o644)
		},
	}
	ops := map[string]func(p string) error{
		"Create": func(p string) error {
			c, err := Create(p, Options{})
			if err == nil {
				c.Close()
			}
			return err
		},
		"Build": func(p string) error {
			c, err := Build(ctx, p, Options{}, fillWith(sampleDocs))
			if err == nil {
				c.Close()
			}
			return err
		},
		"Rebuild": func(p string) error {
			c, err := Rebuild(ctx, p, Options{}, fillWith(sampleDocs))
			if err == nil {
				c.Close()
			}
			return err
		},
		"Remove": Remove,
	}
	for setupName, setup := range setups {
		for opName, op := range ops {
			t.Run(opName+" on "+setupName, func(t *testing.T) {
				p := filepath.Join(t.TempDir(), "target")
				setup(t, p)
				before := treeBytes(t, p)
				if err := op(p); !errors.Is(err, ErrNotCollection) {
					t.Fatalf("%s: %v, want ErrNotCollection", opName, err)
				}
				if after := treeBytes(t, p); !reflect.DeepEqual(after, before) {
					t.Fatalf("%s changed %s:\nbefore %v\nafter  %v", opName, p, before, after)
				}
			})
		}
	}
}

// treeBytes maps every path below root (root included) to its contents ("dir" for
// directories).
func treeBytes(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			out[p] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRebuildUnderLock replaces a collection that a writer holds open with an acknowledged
// write: Rebuild is refused (ErrLocked) and the collection keeps the write. Once the writer
// closes, Rebuild replaces it: the new collection opens with the new documents, numbered
// above every old file, and the old files are gone.
func TestRebuildUnderLock(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "coll")
	old, err := Build(ctx, dir, Options{}, fillWith(sampleDocs[:3]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(ctx, dir, Options{}, fillWith(sampleDocs)); !errors.Is(err, ErrExists) {
		t.Fatalf("Build over a collection: %v, want ErrExists", err)
	}
	ack := Document{ID: "acked", Title: "acknowledged while open"}
	if _, err := old.Upsert(ctx, []Document{ack}); err != nil {
		t.Fatal(err)
	}
	filled := false
	_, err = Rebuild(ctx, dir, Options{}, func(ctx context.Context, c *Collection) error {
		filled = true
		return fillWith(sampleDocs[3:])(ctx, c)
	})
	if !errors.Is(err, ErrLocked) || filled {
		t.Fatalf("Rebuild of an open collection: %v (filled %v), want ErrLocked before filling", err, filled)
	}
	oldFiles, _ := os.ReadDir(dir)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatalf("reopen after a refused Rebuild: %v", err)
	}
	if _, err := c.Get("acked"); err != nil || c.Len() != 4 {
		t.Fatalf("after a refused Rebuild: %d documents, acknowledged write: %v", c.Len(), err)
	}
	reader, err := Open(dir, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	nc, err := Rebuild(ctx, dir, Options{TitleWeight: 3}, fillWith(sampleDocs[3:]))
	if err != nil {
		t.Fatal(err)
	}
	if got := nc.IDs(); !slices.Equal(got, []string{"4", "5"}) || nc.Options().TitleWeight != 3 {
		t.Fatalf("rebuilt collection holds %v (title weight %d)", got, nc.Options().TitleWeight)
	}
	if _, err := nc.Upsert(ctx, sampleDocs[:1]); err != nil {
		t.Fatalf("write to the rebuilt collection: %v", err)
	}
	if err := nc.Close(); err != nil {
		t.Fatal(err)
	}
	maxGen, maxSeg := uint64(0), uint64(0)
	for _, e := range oldFiles {
		if p, n, ok := parseFileName(e.Name()); ok && p == "lex-" {
			maxSeg = max(maxSeg, n)
		} else if ok {
			maxGen = max(maxGen, n)
		}
	}
	newFiles, _ := os.ReadDir(dir)
	for _, e := range newFiles {
		for _, o := range oldFiles {
			if e.Name() == o.Name() && isCollectionFile(e.Name()) {
				t.Fatalf("old file %s survived the rebuild (or its name was reused)", e.Name())
			}
		}
	}
	c, err = Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.IDs(); !slices.Equal(got, []string{"4", "5", "1"}) {
		t.Fatalf("reopened rebuilt collection holds %v", got)
	}
	if rep, err := Check(dir); err != nil || !rep.OK() || rep.Generation <= maxGen {
		t.Fatalf("check after rebuild: %v %+v (old files reached generation %d, segment %d)", err, rep, maxGen, maxSeg)
	}
	// The reader opened before the rebuild keeps the old documents.
	if reader.Len() != 4 {
		t.Fatalf("reader of the old collection now holds %d documents", reader.Len())
	}
}

// TestBuildFailureChangesNothing abandons builds (fill fails, the context is cancelled, a
// fill closes its collection): a missing dir stays missing and a replaced collection stays
// whole.
func TestBuildFailureChangesNothing(t *testing.T) {
	boom := errors.New("boom")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		fill FillFunc
		want error
	}{
		{"fill fails", context.Background(), func(ctx context.Context, c *Collection) error {
			c.Upsert(ctx, sampleDocs[3:])
			return boom
		}, boom},
		{"cancelled", cancelled, func(ctx context.Context, c *Collection) error { return nil }, context.Canceled},
		{"fill closes", context.Background(), func(ctx context.Context, c *Collection) error { return c.Close() }, ErrClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			missing := filepath.Join(root, "new")
			if _, err := Build(tc.ctx, missing, Options{}, tc.fill); !errors.Is(err, tc.want) {
				t.Fatalf("Build: %v, want %v", err, tc.want)
			}
			if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a failed Build left %s: %v", missing, err)
			}
			dir := filepath.Join(root, "coll")
			c, err := Build(context.Background(), dir, Options{}, fillWith(sampleDocs[:3]))
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
			// The lock file names its latest holder; everything else must stay as it was.
			lockPath := filepath.Join(dir, lockName)
			before := treeBytes(t, dir)
			delete(before, lockPath)
			if _, err := Rebuild(tc.ctx, dir, Options{}, tc.fill); !errors.Is(err, tc.want) {
				t.Fatalf("Rebuild: %v, want %v", err, tc.want)
			}
			after := treeBytes(t, dir)
			delete(after, lockPath)
			if !reflect.DeepEqual(after, before) {
				t.Fatal("a failed Rebuild changed the collection's files")
			}
		})
	}
}

// TestRemoveKeepsForeignFiles removes collections: not while a writer holds one, never a file
// that is not the collection's, and what an interrupted Remove leaves goes on the next one.
func TestRemoveKeepsForeignFiles(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dir := filepath.Join(root, "coll")
	c, err := Build(ctx, dir, Options{}, fillWith(sampleDocs))
	if err != nil {
		t.Fatal(err)
	}
	if err := Remove(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("Remove of an open collection: %v, want ErrLocked", err)
	}
	c.Close()
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("removed collection's directory remains: %v", err)
	}
	if err := Remove(dir); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Remove of nothing: %v, want ErrNotFound", err)
	}
	// A collection with a file of the user's beside it: the file and the directory stay.
	c, err = Build(ctx, dir, Options{}, fillWith(sampleDocs))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "notes.txt" {
		t.Fatalf("after Remove the directory holds %v, want only notes.txt", entries)
	}
	if _, err := Open(dir, OpenOptions{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open after Remove: %v", err)
	}
	// Leftovers of an interrupted Remove: a lock file and numbered files, no manifest.
	left := filepath.Join(root, "left")
	os.Mkdir(left, 0o755)
	for _, n := range []string{lockName, "docs-000004.vjd", "lex-000002.vls.tmp", "wal-000004.log"} {
		os.WriteFile(filepath.Join(left, n), []byte("x"), 0o644)
	}
	if err := Remove(left); err != nil {
		t.Fatalf("Remove of leftovers: %v", err)
	}
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("leftovers remain: %v", err)
	}
	empty := filepath.Join(root, "empty")
	os.Mkdir(empty, 0o755)
	if err := Remove(empty); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Remove of an empty directory: %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(empty); err != nil {
		t.Fatalf("an empty directory that was no collection's was removed: %v", err)
	}
}
