package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vajrasearch/vajra/vajrahttp"
)

func smallBenchSet(t *testing.T) (corpusPath, queriesPath string) {
	t.Helper()
	var docs, queries []string
	for i := range 60 {
		docs = append(docs, fmt.Sprintf(`{"id": "d%d", "title": "topic %d", "content": "words about subject %d and theme %d"}`, i, i, i%7, i%5))
		if i%6 == 0 {
			queries = append(queries, fmt.Sprintf(`{"_id": "q%d", "text": "subject %d theme"}`, i, i%7))
		}
	}
	corpusPath = writeCorpus(t, docs...)
	queriesPath = filepath.Join(t.TempDir(), "queries.jsonl")
	if err := os.WriteFile(queriesPath, []byte(strings.Join(queries, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return corpusPath, queriesPath
}

// jsonLines decodes the JSON lines a bench command printed.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		recs = append(recs, m)
	}
	return recs
}

func TestBenchHTTPRuns(t *testing.T) {
	corpusPath, queriesPath := smallBenchSet(t)
	code, out, errOut := runCLI(t, "", "bench", "http", "-c", corpusPath, "--queries", queriesPath,
		"--duration", "0.2", "--warmup-s", "0", "--concurrency", "1,3", "--requests", "40", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := jsonLines(t, out)
	if len(recs) != 6 {
		t.Fatalf("%d lines, want 3 modes × 2 concurrencies", len(recs))
	}
	for _, r := range recs {
		if r["errors"] != 0.0 || r["requests"].(float64) < 1 || r["requests"].(float64) > 40 || r["inproc_p50_ms"] == nil {
			t.Errorf("record %v", r)
		}
		if r["concurrency"] == 1.0 && r["overhead_p50_ms"] == nil {
			t.Errorf("no overhead at one client: %v", r)
		}
		if o, ok := r["outside_engine_p50_ms"].(float64); !ok || o <= 0 || o >= r["p50_ms"].(float64) {
			t.Errorf("time outside the engine %v not within (0, p50): %v", r["outside_engine_p50_ms"], r)
		}
	}
}

func TestTookOf(t *testing.T) {
	for _, tc := range []struct {
		body string
		want time.Duration
		ok   bool
	}{
		{`{"hits":[],"took_ms":0.25}`, 250 * time.Microsecond, true},
		{`{"took_ms":12,"hits":[]}`, 12 * time.Millisecond, true},
		{`{"hits":[{"title":"took_ms"}],"took_ms": 1.5}`, 1500 * time.Microsecond, true},
		{`{"hits":[]}`, 0, false},
		{`{"took_ms":-1}`, 0, false},
		{`{"took_ms":x}`, 0, false},
		{`{"took_ms":3`, 0, false},
	} {
		got, ok := tookOf([]byte(tc.body))
		if got != tc.want || ok != tc.ok {
			t.Errorf("tookOf(%s) = %v, %v; want %v, %v", tc.body, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBenchSoakAndVerify(t *testing.T) {
	corpusPath, queriesPath := smallBenchSet(t)
	s, err := vajrahttp.New(vajrahttp.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()
	defer func() { cancel(); <-done }()
	url := "http://" + l.Addr().String()
	acked := filepath.Join(t.TempDir(), "acked.txt")
	code, out, errOut := runCLI(t, "", "bench", "soak", "--url", url, "--seed", corpusPath, "--queries", queriesPath,
		"--minutes", "0.01", "--clients", "3", "--pool", "30", "--write-ratio", "0.5", "--sample-s", "1", "--acked", acked, "--json")
	if code != exitOK {
		t.Fatalf("soak: exit %d: %s", code, errOut)
	}
	rec := jsonLines(t, out)[0]
	if rec["errors"] != 0.0 || rec["upserts"].(float64) == 0 || rec["searches"].(float64) == 0 || rec["rss_end_mb"].(float64) <= 0 {
		t.Errorf("soak record %v", rec)
	}
	code, out, errOut = runCLI(t, "", "bench", "soak", "--url", url, "--verify", acked, "--json")
	if code != exitOK {
		t.Fatalf("verify: exit %d: %s %s", code, out, errOut)
	}
	if v := jsonLines(t, out)[0]; v["missing"] != 0.0 || v["stale"] != 0.0 || v["acked_documents"].(float64) == 0 {
		t.Errorf("verify record %v", v)
	}
	// A version newer than any stored one is reported as stale.
	os.WriteFile(acked, []byte("soak-000000 999999999\n"), 0o644)
	if code, _, _ := runCLI(t, "", "bench", "soak", "--url", url, "--verify", acked, "--json"); code != exitError {
		t.Errorf("verify of a never-written version: exit %d", code)
	}
}
