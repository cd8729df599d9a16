package corpus

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/testutil"
)

func TestLoadBEIRSynthetic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tiny")
	writeFile(t, dir, "corpus.jsonl", "{\"_id\":\"d1\",\"text\":\"x\"}\n{\"_id\":\"d2\",\"text\":\"y\"}\n")
	writeFile(t, dir, "queries.jsonl", "{\"_id\":\"q1\",\"text\":\"a\"}\n{\"_id\":\"q2\",\"text\":\"b\"}\n{\"_id\":\"q3\",\"text\":\"c\"}\n")
	writeFile(t, dir, "qrels/test.tsv", "query-id\tcorpus-id\tscore\nq3\td1\t1\nq1\td2\t0\n")
	writeFile(t, dir, "qrels/dev.tsv", "q2\td1\t1\n")
	b, err := LoadBEIR(context.Background(), dir, "", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "tiny" || b.Split != "test" || len(b.Corpus) != 2 || len(b.Queries) != 3 || len(b.Qrels) != 2 {
		t.Errorf("loaded %+v", b)
	}
	var judged []string
	for _, q := range b.JudgedQueries() {
		judged = append(judged, q.ID)
	}
	if got := strings.Join(judged, ","); got != "q1,q3" {
		t.Errorf("judged = %s, want q1,q3 (file order, any score)", got)
	}
	_, err = LoadBEIR(context.Background(), dir, "train", ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "available: dev, test") {
		t.Errorf("missing split: err = %v", err)
	}
	if _, err := LoadBEIR(context.Background(), filepath.Join(dir, "qrels"), "", ReadOptions{}); err == nil {
		t.Error("a folder without corpus.jsonl loaded")
	}
}

func TestLoadBEIRShared(t *testing.T) {
	tests := []struct {
		name                  string
		docs, queries, judged int
	}{
		{"scifact", 5183, 1109, 300},
		{"cranfield", 1400, 225, 225},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testutil.SharedData(t, tt.name)
			b, err := LoadBEIR(context.Background(), dir, "test", ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if b.Report.Bad != 0 || b.Report.Duplicates != 0 || b.Report.Kept != len(b.Corpus) {
				t.Errorf("report %v", b.Report)
			}
			if len(b.Corpus) != tt.docs || len(b.Queries) != tt.queries || len(b.JudgedQueries()) != tt.judged {
				t.Errorf("%d docs, %d queries, %d judged; want %d, %d, %d",
					len(b.Corpus), len(b.Queries), len(b.JudgedQueries()), tt.docs, tt.queries, tt.judged)
			}
		})
	}
}
