package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testUI(stdin string) (*ui, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &ui{out: &out, err: &errb, in: strings.NewReader(stdin), width: 100}, &out, &errb
}

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	u, out, errb := testUI(stdin)
	code := runWith(u, args)
	return code, out.String(), errb.String()
}

func writeCorpus(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "corpus.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExitCodesAndHelp(t *testing.T) {
	cases := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"help"}, exitOK, "Commands:"},
		{[]string{"nosuch"}, exitUsage, ""},
		{[]string{"search", "--nosuchflag"}, exitUsage, ""},
		{[]string{"search", "-k", "0", "-q", "x"}, exitUsage, ""},
		{[]string{"search", "-m", "sideways", "-q", "x"}, exitUsage, ""},
		{[]string{"index"}, exitUsage, ""},
		{[]string{"bench"}, exitUsage, ""},
		{[]string{"bench", "vector"}, exitUsage, ""},
		{[]string{"eval"}, exitUsage, ""},
		{[]string{"check"}, exitUsage, ""},
		{[]string{"search", "-i", "/nonexistent/dir", "-q", "x"}, exitError, ""},
		{[]string{"version"}, exitOK, "vajra"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, "", c.args...)
		if code != c.code || !strings.Contains(out, c.out) {
			t.Errorf("%v: exit %d (want %d), out %q, err %q", c.args, code, c.code, out, errOut)
		}
	}
	for _, cmd := range commands() {
		if code, _, _ := runCLI(t, "", cmd.name, "-h"); code != exitOK {
			t.Errorf("%s -h: exit %d", cmd.name, code)
		}
	}
	for _, kind := range []string{"lexical", "vector", "hybrid"} {
		if code, _, _ := runCLI(t, "", "bench", kind, "-h"); code != exitOK {
			t.Errorf("bench %s -h: exit %d", kind, code)
		}
	}
}

func TestSearchCorpusJSON(t *testing.T) {
	corpus := writeCorpus(t,
		`{"id":"a","title":"Café society","text":"Coffee houses in Vienna.","year":2020}`,
		`{"id":"b","title":"Tea","text":"Tea ceremonies in Japan.","year":2019}`,
	)
	code, out, errOut := runCLI(t, "", "search", "-c", corpus, "-q", "coffee vienna", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res jsonResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != "a" || res.Hits[0].Metadata["year"] != float64(2020) {
		t.Fatalf("hits %+v", res.Hits)
	}
	code, out, _ = runCLI(t, "coffee\ntea\n", "search", "-c", corpus, "--filter", "year < 2020")
	if code != exitOK || !strings.Contains(out, "0 results") || !strings.Contains(out, "1 result in") || !strings.Contains(out, "Tea") {
		t.Fatalf("lines mode: exit %d out %q", code, out)
	}
}

func TestBadCorpusLine(t *testing.T) {
	corpus := writeCorpus(t, `{"id":"a","text":"fine"}`, `{"id":`, `{"id":"c","text":"also fine"}`)
	code, _, errOut := runCLI(t, "", "search", "-c", corpus, "-q", "fine")
	if code != exitError || !strings.Contains(errOut, "corpus.jsonl:2") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	code, out, errOut := runCLI(t, "", "search", "-c", corpus, "-q", "fine", "--skip-bad")
	if code != exitOK || !strings.Contains(errOut, "1 bad lines skipped") || !strings.Contains(out, "2 results") {
		t.Fatalf("skip-bad: exit %d, out %q, stderr %q", code, out, errOut)
	}
}

func TestIndexAddDeleteCheck(t *testing.T) {
	corpus := writeCorpus(t,
		`{"id":"a","title":"Alpha","text":"first document about rivers"}`,
		`{"id":"b","title":"Beta","text":"second document about mountains"}`,
	)
	dir := filepath.Join(t.TempDir(), "idx")
	if code, _, e := runCLI(t, "", "index", "-c", corpus, "-o", dir, "--embedder", "hash", "--embed-dim", "32"); code != exitOK {
		t.Fatalf("index: %d %s", code, e)
	}
	if code, _, _ := runCLI(t, "", "index", "-c", corpus, "-o", dir); code != exitError {
		t.Fatalf("index over existing collection: exit %d", code)
	}
	more := writeCorpus(t, `{"id":"c","title":"Gamma","text":"third document about rivers and lakes"}`)
	if code, out, e := runCLI(t, "", "add", "-i", dir, "-c", more); code != exitOK || !strings.Contains(out, "3 in all") {
		t.Fatalf("add: %d %q %s", code, out, e)
	}
	if code, out, e := runCLI(t, "", "delete", "-i", dir, "a", "zzz"); code != exitOK || !strings.Contains(out, "deleted 1") {
		t.Fatalf("delete: %d %q %s", code, out, e)
	}
	code, out, _ := runCLI(t, "", "search", "-i", dir, "-q", "rivers", "-m", "hybrid", "--json")
	var res jsonResult
	if code != exitOK || json.Unmarshal([]byte(out), &res) != nil || len(res.Hits) == 0 || res.Hits[0].ID != "c" {
		t.Fatalf("search after add/delete: %d %q", code, out)
	}
	if code, out, e := runCLI(t, "", "check", dir); code != exitOK || !strings.Contains(out, "ok") {
		t.Fatalf("check: %d %q %s", code, out, e)
	}
}
