package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestMain lets the test binary stand in for the vajra binary: commands that run vajra again
// (bench lexical --index measures in a fresh process) find os.Executable to be this binary.
func TestMain(m *testing.M) {
	if os.Getenv("VAJRA_TEST_AS_CLI") == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestBenchLexicalIndex builds a corpus into a directory and measures opening it, then
// measures the existing collection again: the JSON lines carry the build's figures the first
// time only, and the open's every time.
func TestBenchLexicalIndex(t *testing.T) {
	t.Setenv("VAJRA_TEST_AS_CLI", "1")
	var lines []string
	for i := range 60 {
		lines = append(lines, fmt.Sprintf(`{"id":"d%d","title":"doc %d","text":"river stone number%d and more words"}`, i, i, i))
	}
	corpus := writeCorpus(t, lines...)
	queries := filepath.Join(t.TempDir(), "queries.jsonl")
	if err := os.WriteFile(queries, []byte(`{"_id":"q1","text":"river"}`+"\n"+`{"_id":"q2","text":"number7 stone"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "coll")
	for run, want := range []map[string]bool{
		{"build_s": true, "build_peak_rss_mb": true},
		{"build_s": false, "build_peak_rss_mb": false},
	} {
		code, out, errOut := runCLI(t, "", "bench", "lexical", "--corpus", corpus, "--queries", queries,
			"--index", dir, "--json", "--warmup", "0", "--warmup-s", "0")
		if code != exitOK {
			t.Fatalf("run %d: exit %d: %s", run, code, errOut)
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(out), &rec); err != nil {
			t.Fatalf("run %d: %v: %q", run, err, out)
		}
		for _, k := range []string{"open_ms", "rss_after_open_mb", "index_bytes", "index_bytes_per_doc", "disk_bytes_per_doc", "p50_ms", "p99_ms", "index_mb"} {
			want[k] = true
		}
		for k, present := range want {
			if _, ok := rec[k]; ok != present {
				t.Errorf("run %d: field %s present %v, want %v: %v", run, k, ok, present, rec)
			}
		}
		if rec["n_docs"] != float64(60) || rec["nq"] != float64(2) {
			t.Errorf("run %d: %v documents, %v queries", run, rec["n_docs"], rec["nq"])
		}
	}
	if code, _, _ := runCLI(t, "", "bench", "lexical", "--index", dir, "--corpus", corpus); code == exitOK {
		t.Error("an existing collection without --queries was accepted")
	}
}
