package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/vector"
)

func TestGenVectors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "set")
	code, out, errs := runCLI(t, "", "gen", "vectors", "--n", "500", "--nq", "7", "--dim", "16", "--clusters", "5", "--k", "10", "--out", dir)
	if code != 0 || !strings.Contains(out, "wrote 500 vectors of 16 dimensions") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	gt, err := vector.ReadIvecs(filepath.Join(dir, "groundtruth.ivecs"))
	if err != nil || len(gt) != 7 || len(gt[0]) != 10 {
		t.Fatalf("ground truth: %d rows, err %v", len(gt), err)
	}
	if _, err := os.Stat(filepath.Join(dir, "meta.json")); err != nil {
		t.Fatal(err)
	}
}

func TestGenCorpus(t *testing.T) {
	dir := t.TempDir()
	out, qout := filepath.Join(dir, "docs.jsonl.gz"), filepath.Join(dir, "queries.jsonl")
	code, stdout, errs := runCLI(t, "", "gen", "corpus", "--n", "300", "--out", out, "--queries", qout, "--nq", "12", "--stats", "100")
	if code != 0 || !strings.Contains(stdout, "wrote 300 documents") || !strings.Contains(stdout, "generated: 100 docs") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
	qs, err := corpus.LoadQueries(qout)
	if err != nil || len(qs) != 12 {
		t.Fatalf("%d queries, err %v", len(qs), err)
	}
}

func TestGenUsageErrors(t *testing.T) {
	tests := [][]string{
		{"gen"},
		{"gen", "pictures"},
		{"gen", "vectors", "--out", "x"},
		{"gen", "vectors", "--n", "10"},
		{"gen", "vectors", "--n", "10", "--out", "x", "--spread", "1"},
		{"gen", "corpus", "--n", "10"},
	}
	for _, args := range tests {
		if code, _, _ := runCLI(t, "", args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "", "gen", "vectors", "--n", "10", "--k", "11", "--out", dir); code != exitError || !strings.Contains(errs, "K 11") {
		t.Errorf("K above N: exit %d, stderr %q", code, errs)
	}
}
