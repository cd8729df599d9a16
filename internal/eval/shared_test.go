package eval

import (
	"maps"
	"path/filepath"
	"testing"

	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/testutil"
)

// TestSharedQrels reads the shared BEIR qrels and checks the counts their READMEs state, and
// that the ideal ranking of every query scores 1.
func TestSharedQrels(t *testing.T) {
	cases := []struct {
		data, file    string
		queries, rows int
		grades        map[int]int // grade → rows, when checked
	}{
		{"scifact", "test.tsv", 300, 339, map[int]int{1: 339}},
		{"cranfield", "test.tsv", 225, 1612, map[int]int{4: 128, 3: 387, 2: 734, 1: 363}},
	}
	for _, c := range cases {
		t.Run(c.data, func(t *testing.T) {
			dir := testutil.SharedData(t, c.data)
			m, err := corpus.LoadQrels(filepath.Join(dir, "qrels", c.file))
			if err != nil {
				t.Fatal(err)
			}
			q := Qrels(m)
			rows, grades := 0, map[int]int{}
			runs := map[string][]string{}
			for id, rel := range q {
				rows += len(rel)
				for doc, g := range rel {
					grades[g]++
					runs[id] = append(runs[id], doc)
				}
				// ideal ranking: by grade, descending
				r := runs[id]
				for i := range r {
					for j := i + 1; j < len(r); j++ {
						if rel[r[j]] > rel[r[i]] {
							r[i], r[j] = r[j], r[i]
						}
					}
				}
			}
			if len(q) != c.queries || rows != c.rows || !maps.Equal(grades, c.grades) {
				t.Fatalf("%d queries, %d rows, grades %v; want %d, %d, %v", len(q), rows, grades, c.queries, c.rows, c.grades)
			}
			s := Evaluate(runs, q)
			if s.Queries != c.queries || s.NDCG10 < 1-1e-12 || s.MRR10 != 1 || s.Recall100 != 1 {
				t.Fatalf("ideal runs: %+v", s)
			}
		})
	}
}
