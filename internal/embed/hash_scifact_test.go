package embed

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/testutil"
	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// beirSet is a BEIR folder loaded for an exhaustive dense-retrieval check.
type beirSet struct {
	docIDs   []string
	docTexts []string
	queries  map[string]string          // test queries only
	qrels    map[string]map[string]bool // query id → relevant doc ids
	queryIDs []string                   // sorted
}

func loadBEIR(t testing.TB, dir string) *beirSet {
	t.Helper()
	s := &beirSet{queries: map[string]string{}, qrels: map[string]map[string]bool{}}
	readJSONL(t, filepath.Join(dir, "corpus.jsonl"), func(m map[string]any) {
		id, _ := m["_id"].(string)
		title, _ := m["title"].(string)
		text, _ := m["text"].(string)
		s.docIDs = append(s.docIDs, id)
		s.docTexts = append(s.docTexts, strings.TrimSpace(title+" "+text))
	})
	data, err := os.ReadFile(filepath.Join(dir, "qrels", "test.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 3 || f[2] == "0" {
			continue
		}
		if s.qrels[f[0]] == nil {
			s.qrels[f[0]] = map[string]bool{}
		}
		s.qrels[f[0]][f[1]] = true
	}
	readJSONL(t, filepath.Join(dir, "queries.jsonl"), func(m map[string]any) {
		id, _ := m["_id"].(string)
		if s.qrels[id] != nil {
			s.queries[id], _ = m["text"].(string)
		}
	})
	for id := range s.queries {
		s.queryIDs = append(s.queryIDs, id)
	}
	slices.Sort(s.queryIDs)
	return s
}

func readJSONL(t testing.TB, path string, fn func(map[string]any)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		fn(m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// denseNDCG10 embeds every document and test query with e and returns the mean nDCG@10 of
// exhaustive dot-product retrieval (binary relevance).
func denseNDCG10(t testing.TB, e Embedder, s *beirSet) float64 {
	t.Helper()
	ctx := context.Background()
	docs, err := e.Embed(ctx, s.docTexts)
	if err != nil {
		t.Fatal(err)
	}
	qtexts := make([]string, len(s.queryIDs))
	for i, id := range s.queryIDs {
		qtexts[i] = s.queries[id]
	}
	qvecs, err := e.Embed(ctx, qtexts)
	if err != nil {
		t.Fatal(err)
	}
	type hit struct {
		doc   int
		score float32
	}
	var total float64
	hits := make([]hit, len(docs))
	for qi, q := range qvecs {
		for d, v := range docs {
			hits[d] = hit{d, kernel.Dot(q, v)}
		}
		slices.SortFunc(hits, func(a, b hit) int {
			if a.score != b.score {
				if a.score > b.score {
					return -1
				}
				return 1
			}
			return a.doc - b.doc
		})
		rel := s.qrels[s.queryIDs[qi]]
		var dcg, idcg float64
		for r := 0; r < 10 && r < len(hits); r++ {
			if rel[s.docIDs[hits[r].doc]] {
				dcg += 1 / math.Log2(float64(r+2))
			}
		}
		for r := 0; r < 10 && r < len(rel); r++ {
			idcg += 1 / math.Log2(float64(r+2))
		}
		total += dcg / idcg
	}
	return total / float64(len(qvecs))
}

func TestHashSciFactNDCG(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("embeds the whole SciFact corpus on one goroutine; skipped in -short and -race runs")
	}
	s := loadBEIR(t, testutil.SharedData(t, "scifact"))
	h, err := NewHash(HashOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := denseNDCG10(t, h, s)
	t.Logf("SciFact test nDCG@10 with %s: %.4f (%d docs, %d queries)", h.Spec(), got, len(s.docIDs), len(s.queryIDs))
	if got <= 0.3 {
		t.Fatalf("nDCG@10 = %.4f, want > 0.3", got)
	}
}
