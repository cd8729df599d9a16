package lexical

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/vajrasearch/vajra/internal/testutil"
)

// tokenize is the trivial analyser the data-driven tests use: lower-case, split on anything
// that is not a letter or a digit.
func tokenize(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

type jsonDoc struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// readJSONL decodes up to limit (0 = all) JSON lines from path, gunzipping .gz files.
func readJSONL(tb testing.TB, path string, limit int, fn func(jsonDoc)) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatal(err)
		}
		defer gz.Close()
		r = gz
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	n := 0
	for sc.Scan() && (limit == 0 || n < limit) {
		var d jsonDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			tb.Fatalf("%s line %d: %v", path, n+1, err)
		}
		fn(d)
		n++
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
}

// loadCorpus tokenises a BEIR-style corpus into documents with IDs 0..n−1 and fields
// {title, text}.
func loadCorpus(tb testing.TB, path string, limit int) []Doc {
	var docs []Doc
	readJSONL(tb, path, limit, func(d jsonDoc) {
		docs = append(docs, Doc{ID: uint32(len(docs)), Fields: [][]string{tokenize(d.Title), tokenize(d.Text)}})
	})
	return docs
}

// sciFact returns SciFact's documents, all its queries, and the IDs of its test queries.
func sciFact(tb testing.TB) (docs []Doc, queries map[string][]string, order []string, test []string) {
	dir := testutil.SharedData(tb, "scifact")
	docs = loadCorpus(tb, filepath.Join(dir, "corpus.jsonl"), 0)
	queries = map[string][]string{}
	readJSONL(tb, filepath.Join(dir, "queries.jsonl"), 0, func(d jsonDoc) {
		queries[d.ID] = tokenize(d.Text)
		order = append(order, d.ID)
	})
	raw, err := os.ReadFile(filepath.Join(dir, "qrels", "test.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	seen := map[string]bool{}
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		qid, _, _ := strings.Cut(line, "\t")
		if i == 0 || seen[qid] {
			continue
		}
		seen[qid] = true
		test = append(test, qid)
	}
	return docs, queries, order, test
}

// TestSciFactSearchMatchesExhaustive indexes SciFact (one segment, then several segments with
// deletes) and checks every test query at k=10 and k=100.
func TestSciFactSearchMatchesExhaustive(t *testing.T) {
	docs, queries, _, test := sciFact(t)
	if len(test) != 300 {
		t.Fatalf("%d test queries, want 300", len(test))
	}
	single := mustNew(t, Options{})
	mustAdd(t, single, docs)
	multi := mustNew(t, Options{MergeFactor: 4})
	for start := 0; start < len(docs); start += 700 {
		mustAdd(t, multi, docs[start:min(start+700, len(docs))])
	}
	var del []uint32
	for id := uint32(0); id < uint32(len(docs)); id += 7 {
		del = append(del, id)
	}
	multi.Delete(del)
	for _, c := range []struct {
		name string
		snap *Snapshot
	}{{"single", single.Snapshot()}, {"multi", multi.Snapshot()}} {
		name, snap := c.name, c.snap
		if name == "multi" && len(snap.segs) < 2 {
			t.Fatalf("multi-segment index has %d segments", len(snap.segs))
		}
		for _, qid := range test {
			q := NewQuery(queries[qid])
			for _, k := range []int{10, 100} {
				want := snap.SearchExhaustive(q, k, SearchOptions{})
				if len(want) == 0 {
					t.Fatalf("%s: query %s found nothing", name, qid)
				}
				if msg := sameHits(snap.Search(q, k, SearchOptions{}), want); msg != "" {
					t.Fatalf("%s: query %s k=%d: %s", name, qid, k, msg)
				}
			}
		}
	}
}
