package vajra

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vajrasearch/vajra/internal/storage"
)

// osDirBytes reads every file of dir, to show that reading a collection changed nothing.
func osDirBytes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// TestReadOnlyBesideWriter opens and checks a collection while a writer holds it open with
// writes in its log: a second writer is refused with an error that says who holds the lock,
// while read-only opens and Check work, see every acknowledged write and change no file. A
// read-only collection refuses writes with ErrReadOnly.
func TestReadOnlyBesideWriter(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "coll")
	w, err := Create(dir, Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 32}, Vector: VectorOptions{Seed: 3}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Upsert(ctx, sampleDocs[:3]); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// Acknowledged, and only in the log.
	if _, err := w.Upsert(ctx, sampleDocs[3:]); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Delete(ctx, []string{"2"}); err != nil {
		t.Fatal(err)
	}

	_, err = Open(dir, OpenOptions{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second writer: %v, want ErrLocked", err)
	}
	if want := fmt.Sprintf("locked by pid %d (", os.Getpid()); !strings.Contains(err.Error(), want) {
		t.Fatalf("the lock error %q does not say who holds the lock (%q)", err, want)
	}

	before := osDirBytes(t, dir)
	rep, err := Check(dir)
	if err != nil || !rep.OK() {
		t.Fatalf("check beside a writer: %v %+v", err, rep)
	}
	if rep.Docs != 4 || rep.LogRecords != 2 || rep.Files < 4 {
		t.Fatalf("check report %+v, want 4 documents and 2 log records", rep)
	}
	r, err := Open(dir, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open beside a writer: %v", err)
	}
	defer r.Close()
	if !r.ReadOnly() || w.ReadOnly() {
		t.Fatalf("ReadOnly: reader %v, writer %v", r.ReadOnly(), w.ReadOnly())
	}
	if got, want := r.IDs(), w.IDs(); !reflect.DeepEqual(got, want) {
		t.Fatalf("read-only collection holds %v, the writer %v", got, want)
	}
	for _, q := range []Query{{Text: "café", Mode: Lexical}, {Text: "running", Mode: Vector}, {Text: "covid café", Mode: Hybrid}} {
		if got, want := ids(mustSearch(t, r, q)), ids(mustSearch(t, w, q)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s search: read-only %v, writer %v", q.Mode, got, want)
		}
	}
	for name, write := range map[string]func() error{
		"upsert":  func() error { _, err := r.Upsert(ctx, sampleDocs[:1]); return err },
		"delete":  func() error { _, err := r.Delete(ctx, []string{"1"}); return err },
		"flush":   r.Flush,
		"promote": func() error { return r.Promote(ctx, "fast") },
	} {
		if err := write(); !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s on a read-only collection: %v, want ErrReadOnly", name, err)
		}
	}
	if after := osDirBytes(t, dir); !reflect.DeepEqual(after, before) {
		t.Fatal("check or the read-only open changed files")
	}
	// The reader keeps its view after the writer moves on and closes.
	if _, err := w.Upsert(ctx, []Document{{ID: "6", Title: "later"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if r.Len() != 4 {
		t.Fatalf("read-only view changed: %d documents", r.Len())
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSetReadOnly freezes an in-memory collection: searches go on, writes are refused.
func TestSetReadOnly(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	c.SetReadOnly()
	if _, err := c.Upsert(ctx, sampleDocs[:1]); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("upsert after SetReadOnly: %v", err)
	}
	if got := ids(mustSearch(t, c, Query{Text: "café", Mode: Lexical})); len(got) == 0 {
		t.Fatal("search after SetReadOnly found nothing")
	}
}

// TestReadOnlyWhileSnapshotting opens a collection read-only, and checks it, over and over
// while a writer upserts and deletes with a snapshot every few writes (each one removing the
// files of the last): every open must succeed and show exactly the state after some write
// acknowledged between its start and its end.
func TestReadOnlyWhileSnapshotting(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "coll")
	w, err := Create(dir, Options{SnapshotBytes: 600, Sync: SyncNever})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	const writes = 120
	// Write k (1-based) deletes d(k-2) when k%4 == 0, else upserts d(k).
	stateAt := func(k int64) []string {
		live := map[int64]bool{}
		for j := int64(1); j <= k; j++ {
			if j%4 == 0 {
				delete(live, j-2)
			} else {
				live[j] = true
			}
		}
		var out []string
		for j := range live {
			out = append(out, fmt.Sprintf("d%03d", j))
		}
		slices.Sort(out)
		return out
	}
	var started, done atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := int64(1); k <= writes; k++ {
			started.Store(k)
			var err error
			if k%4 == 0 {
				_, err = w.Delete(ctx, []string{fmt.Sprintf("d%03d", k-2)})
			} else {
				_, err = w.Upsert(ctx, []Document{{ID: fmt.Sprintf("d%03d", k), Title: "doc", Content: strings.Repeat("word ", 20)}})
			}
			if err != nil {
				t.Error(err)
				return
			}
			done.Store(k)
		}
	}()
	opens, checks, generations := 0, 0, map[uint64]bool{}
	for done.Load() < writes {
		lo := done.Load()
		r, err := Open(dir, OpenOptions{ReadOnly: true})
		hi := started.Load()
		if err != nil {
			t.Fatalf("read-only open during writes %d..%d: %v", lo, hi, err)
		}
		got := r.IDs()
		slices.Sort(got)
		generations[r.Stats().Generation] = true
		r.Close()
		matched := false
		for k := lo; k <= hi && !matched; k++ {
			matched = slices.Equal(got, stateAt(k))
		}
		if !matched {
			t.Fatalf("read-only open during writes %d..%d holds %v, the state after none of them", lo, hi, got)
		}
		opens++
		if opens%5 == 0 {
			rep, err := Check(dir)
			if err != nil || !rep.OK() {
				t.Fatalf("check during writes: %v %+v", err, rep)
			}
			checks++
		}
	}
	wg.Wait()
	t.Logf("%d read-only opens and %d checks during %d writes, over %d snapshot generations", opens, checks, writes, len(generations))
	if len(generations) < 2 {
		t.Fatalf("the reads saw %d generations: the writer never snapshotted under them", len(generations))
	}
}

// TestReadOnlyStartsOverWhenFilesGo snapshots the collection, removing the files of the
// generation a reader is in the middle of loading (the writer runs from inside the reader's
// file operations, so the interleaving is exact): the read-only open and Check start over from
// the new manifest and see the new state.
func TestReadOnlyStartsOverWhenFilesGo(t *testing.T) {
	ctx := context.Background()
	for _, victim := range []string{"docs-", "lex-", "wal-"} {
		t.Run(victim, func(t *testing.T) {
			mem := storage.NewMemFS()
			w, err := create(mem, durableDir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := w.Upsert(ctx, sampleDocs[:2]); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			moves := 0
			fsys := storage.NewErrorFS(mem, storage.InjectorFunc(func(e storage.Event) storage.Fault {
				if e.Op == storage.OpOpen && strings.Contains(e.Path, "/"+victim) && moves < 2 {
					moves++
					if _, err := w.Upsert(ctx, sampleDocs[moves+1:moves+2]); err != nil {
						t.Error(err)
					}
					if err := w.Flush(); err != nil {
						t.Error(err)
					}
				}
				return storage.Fault{}
			}))
			r, err := open(fsys, durableDir, OpenOptions{ReadOnly: true})
			if err != nil {
				t.Fatalf("read-only open while snapshots remove %s files: %v", victim, err)
			}
			if moves != 2 || r.Len() != 4 || r.Stats().Generation != w.Stats().Generation {
				t.Fatalf("after %d snapshots the reader holds %d documents at generation %d, the writer generation %d",
					moves, r.Len(), r.Stats().Generation, w.Stats().Generation)
			}
			r.Close()
			moves = 0
			rep, err := check(fsys, durableDir)
			if err != nil || !rep.OK() || rep.Docs != 4 || moves != 2 || rep.Generation != w.Stats().Generation {
				t.Fatalf("check while snapshots remove %s files (%d): %v %+v", victim, moves, err, rep)
			}
		})
	}
}
