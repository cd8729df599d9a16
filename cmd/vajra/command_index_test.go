package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra"
)

// pathContents maps every path below root to its contents ("dir" for directories).
func pathContents(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			out[p] = "dir"
			return nil
		}
		b, _ := os.ReadFile(p)
		out[p] = string(b)
		return nil
	})
	return out
}

// TestIndexLeavesOtherPathsAlone points index, with and without --force, at paths that hold
// something other than a collection: it fails and every byte stays.
func TestIndexLeavesOtherPathsAlone(t *testing.T) {
	corpus := writeCorpus(t, `{"id":"a","title":"Alpha","text":"first document about rivers"}`)
	for _, force := range []bool{false, true} {
		for name, setup := range map[string]func(p string){
			"a directory with a file": func(p string) {
				os.Mkdir(p, 0o755)
				os.WriteFile(filepath.Join(p, "thesis.tex"), []byte("four years of work"), 0o644)
			},
			"a file": func(p string) { os.WriteFile(p, []byte("four years of work"), 0o644) },
		} {
			t.Run(fmt.Sprintf("%s, force %v", name, force), func(t *testing.T) {
				p := filepath.Join(t.TempDir(), "out")
				setup(p)
				before := pathContents(t, p)
				args := []string{"index", "-c", corpus, "-o", p}
				if force {
					args = append(args, "--force")
				}
				code, _, errOut := runCLI(t, "", args...)
				if code != exitError || !strings.Contains(errOut, "not a collection") {
					t.Fatalf("exit %d, stderr %q; want an error saying it is not a collection", code, errOut)
				}
				if after := pathContents(t, p); !reflect.DeepEqual(after, before) {
					t.Fatalf("index changed %s:\nbefore %v\nafter  %v", p, before, after)
				}
				entries, _ := os.ReadDir(filepath.Dir(p))
				if len(entries) != 1 {
					t.Fatalf("index left %d entries beside %s", len(entries), p)
				}
			})
		}
	}
}

// TestIndexForceWaitsForTheLock replaces a collection with index --force while this process
// holds it open with an acknowledged write: index is refused, saying who holds the lock, and
// the collection keeps the write and opens. Once it is closed, --force replaces it.
func TestIndexForceWaitsForTheLock(t *testing.T) {
	ctx := context.Background()
	corpus := writeCorpus(t,
		`{"id":"a","title":"Alpha","text":"first document about rivers"}`,
		`{"id":"b","title":"Beta","text":"second document about mountains"}`,
	)
	dir := filepath.Join(t.TempDir(), "idx")
	if code, _, e := runCLI(t, "", "index", "-c", corpus, "-o", dir); code != exitOK {
		t.Fatalf("index: %d %s", code, e)
	}
	c, err := vajra.Open(dir, vajra.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, []vajra.Document{{ID: "acked", Title: "written while open"}}); err != nil {
		t.Fatal(err)
	}
	other := writeCorpus(t, `{"id":"x","title":"Other","text":"another corpus"}`)
	code, _, errOut := runCLI(t, "", "index", "-c", other, "-o", dir, "--force")
	if code != exitError || !strings.Contains(errOut, fmt.Sprintf("locked by pid %d", os.Getpid())) {
		t.Fatalf("index --force over an open collection: exit %d, stderr %q", code, errOut)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c, err = vajra.Open(dir, vajra.OpenOptions{})
	if err != nil {
		t.Fatalf("the collection does not open after a refused --force: %v", err)
	}
	if _, err := c.Get("acked"); err != nil || c.Len() != 3 {
		t.Fatalf("after a refused --force: %d documents, acknowledged write: %v", c.Len(), err)
	}
	c.Close()
	if code, _, e := runCLI(t, "", "index", "-c", other, "-o", dir, "--force"); code != exitOK {
		t.Fatalf("index --force over a closed collection: %d %s", code, e)
	}
	c, err = vajra.Open(dir, vajra.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ids := c.IDs(); !reflect.DeepEqual(ids, []string{"x"}) {
		t.Fatalf("after --force the collection holds %v", ids)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
		t.Fatalf("index --force left %d entries beside the collection", len(entries)-1)
	}
}

// TestReadersBesideAWriter searches, checks and reads the stats of a collection that another
// writer holds open with writes in its log: they work and see the writes; a second writer
// (add) is refused with an error that says who holds the collection.
func TestReadersBesideAWriter(t *testing.T) {
	ctx := context.Background()
	corpus := writeCorpus(t,
		`{"id":"a","title":"Alpha","text":"first document about rivers"}`,
		`{"id":"b","title":"Beta","text":"second document about mountains"}`,
	)
	dir := filepath.Join(t.TempDir(), "idx")
	if code, _, e := runCLI(t, "", "index", "-c", corpus, "-o", dir, "--embedder", "hash", "--embed-dim", "32"); code != exitOK {
		t.Fatalf("index: %d %s", code, e)
	}
	c, err := vajra.Open(dir, vajra.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Upsert(ctx, []vajra.Document{{ID: "live", Title: "Lagoon", Content: "written while the writer holds the collection"}}); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"lexical", "vector", "hybrid"} {
		code, out, errOut := runCLI(t, "", "search", "-i", dir, "-q", "lagoon writer", "-m", mode)
		if code != exitOK || !strings.Contains(out, "live") {
			t.Fatalf("search -m %s beside a writer: exit %d, out %q, stderr %q", mode, code, out, errOut)
		}
	}
	if code, out, errOut := runCLI(t, "", "check", dir); code != exitOK || !strings.Contains(out, "ok") || !strings.Contains(out, "3 documents") {
		t.Fatalf("check beside a writer: exit %d, out %q, stderr %q", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "", "stats", "-i", dir); code != exitOK || !strings.Contains(out, "3") {
		t.Fatalf("stats beside a writer: exit %d, out %q, stderr %q", code, out, errOut)
	}
	more := writeCorpus(t, `{"id":"c","title":"Gamma","text":"third"}`)
	code, _, errOut := runCLI(t, "", "add", "-i", dir, "-c", more)
	if code != exitError || !strings.Contains(errOut, fmt.Sprintf("locked by pid %d", os.Getpid())) || strings.Contains(errOut, "another user") {
		t.Fatalf("add beside a writer: exit %d, stderr %q", code, errOut)
	}
}
