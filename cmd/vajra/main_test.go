package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra"
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
	var res vajra.Results
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != "a" || res.Hits[0].Metadata["year"] != float64(2020) {
		t.Fatalf("hits %+v", res.Hits)
	}
	if sn := res.Hits[0].Snippet; sn == nil || !strings.Contains(sn.Text, "Vienna") || len(sn.Highlights) != 2 {
		t.Fatalf("snippet %+v", res.Hits[0].Snippet)
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
	var res vajra.Results
	if code != exitOK || json.Unmarshal([]byte(out), &res) != nil || len(res.Hits) == 0 || res.Hits[0].ID != "c" {
		t.Fatalf("search after add/delete: %d %q", code, out)
	}
	if code, out, e := runCLI(t, "", "check", dir); code != exitOK || !strings.Contains(out, "ok") {
		t.Fatalf("check: %d %q %s", code, out, e)
	}
}

// TestSearchJSONNames checks that --json prints the library's Results JSON (snake_case, one
// style) with the query in front.
func TestSearchJSONNames(t *testing.T) {
	corpus := writeCorpus(t,
		`{"id":"a","title":"Coffee in Vienna","text":"Coffee houses in Vienna.","year":2020}`,
		`{"id":"b","title":"Coffee in Rome","text":"Espresso bars in Rome serve coffee."}`,
	)
	code, out, errOut := runCLI(t, "", "search", "-c", corpus, "-q", "coffee", "--json", "-k", "1", "--offset", "1")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	for _, k := range []string{"query", "hits", "mode", "terms", "took_ms", "total_candidates"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, out)
		}
	}
	if m["query"] != "coffee" || m["total_candidates"] != float64(2) {
		t.Errorf("query %v, total_candidates %v", m["query"], m["total_candidates"])
	}
	hits := m["hits"].([]any)
	if len(hits) != 1 {
		t.Fatalf("offset 1, k 1: %d hits", len(hits))
	}
	sn, _ := hits[0].(map[string]any)["snippet"].(map[string]any)
	for _, k := range []string{"text", "highlights", "title_highlights"} {
		if _, ok := sn[k]; !ok {
			t.Errorf("snippet lacks %q: %s", k, out)
		}
	}
	code, out, _ = runCLI(t, "", "search", "-c", corpus, "-q", "coffee", "-k", "1", "--offset", "1")
	if code != exitOK || !strings.HasPrefix(strings.TrimSpace(out), "2 ") {
		t.Errorf("table at offset 1 should start at rank 2: %q", out)
	}
}

// TestTableHighlights checks the table's highlights come from the results: the title's and
// the snippet's matching words are marked on a colour terminal.
func TestTableHighlights(t *testing.T) {
	corpus := writeCorpus(t, `{"id":"a","title":"Coffee in Vienna","text":"Old coffee houses in Vienna."}`)
	c, err := vajra.New(vajra.Options{})
	if err != nil {
		t.Fatal(err)
	}
	docs, _, err := vajra.LoadDocuments(context.Background(), corpus, vajra.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	u, out, _ := testUI("")
	u.colour = true
	if err := searchOnce(context.Background(), u, c, &queryFlags{k: 5, alpha: 0.5}, "coffee"); err != nil {
		t.Fatal(err)
	}
	mark := ansiBold + ansiYellow
	if got := strings.Count(out.String(), mark+"Coffee"+ansiReset) + strings.Count(out.String(), mark+"coffee"+ansiReset); got != 2 {
		t.Errorf("want the title's and the snippet's word highlighted, got %d marks in %q", got, out.String())
	}
}

// TestTerminalEscapes is the regression test for escape sequences in documents reaching the
// terminal: a title, content and metadata holding them print as visible escapes in the table,
// with or without colour, and an id holding one is refused with its file and line.
func TestTerminalEscapes(t *testing.T) {
	corpus := writeCorpus(t,
		`{"id":"ok","title":"Coffee \u001b]0;owned\u0007 house","text":"Coffee \u001b[2J\u009b31m here","year":1}`,
		`{"id":"x","title":"Tea","text":"tea","f\u001b[1m":2}`,
	)
	for _, colour := range []bool{false, true} {
		u, out, _ := testUI("")
		u.colour = colour
		if code := runWith(u, []string{"search", "-c", corpus, "-q", "coffee"}); code != exitOK {
			t.Fatalf("colour %v: exit %d", colour, code)
		}
		s := out.String()
		for _, bad := range []string{"\x1b]", "\x07", "\x1b[2J", "\u009b"} {
			if strings.Contains(s, bad) {
				t.Errorf("colour %v: output holds %q: %q", colour, bad, s)
			}
		}
		if !strings.Contains(s, `\x1b]0;owned\x07`) || !strings.Contains(s, `\x1b[2J\x9b31m`) {
			t.Errorf("colour %v: escapes not shown: %q", colour, s)
		}
	}
	code, out, _ := runCLI(t, "", "stats", "-c", corpus)
	if code != exitOK || strings.Contains(out, "\x1b") || !strings.Contains(out, `f\x1b[1m`) {
		t.Errorf("stats: exit %d, %q", code, out)
	}
	bad := writeCorpus(t, `{"id":"fine","text":"a"}`, `{"id":"evil\u001b]0;x\u0007","text":"b"}`)
	code, _, errOut := runCLI(t, "", "index", "-c", bad, "-o", filepath.Join(t.TempDir(), "idx"))
	if code != exitError || !strings.Contains(errOut, "corpus.jsonl:2") || strings.Contains(errOut, "\x1b") {
		t.Errorf("index with a control character in an id: exit %d, stderr %q", code, errOut)
	}
}

func TestTermSafe(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain café ☕", "plain café ☕"},
		{"\x1b[31mred", `\x1b[31mred`},
		{"a\x00b\x7fc", `a\x00b\x7fc`},
		{"tab\tnl\ncr\r", `tab\tnl\ncr\r`},
		{"c1\u0085\u009b", `c1\x85\x9b`},
	}
	for _, c := range cases {
		if got := termSafe(c.in); got != c.want {
			t.Errorf("termSafe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestNumericFlagRanges is the regression test for numeric flags out of range silently
// falling back to defaults (--ef -5, --depth -1, -k -3): every one is a usage error.
func TestNumericFlagRanges(t *testing.T) {
	cases := []struct {
		args []string
		flag string
	}{
		{[]string{"search", "-q", "x", "-k", "-3"}, "-k"},
		{[]string{"search", "-q", "x", "-k", "0"}, "-k"},
		{[]string{"search", "-q", "x", "--offset", "-1"}, "-offset"},
		{[]string{"search", "-q", "x", "--ef", "-5"}, "-ef"},
		{[]string{"search", "-q", "x", "--depth", "-1"}, "-depth"},
		{[]string{"search", "-q", "x", "--alpha", "1.5"}, "-alpha"},
		{[]string{"search", "-q", "x", "--alpha", "NaN"}, "-alpha"},
		{[]string{"search", "-q", "x", "--threads", "-1"}, "-threads"},
		{[]string{"search", "-q", "x", "--embed-dim", "-3"}, "-embed-dim"},
		{[]string{"search", "-q", "x", "--k1", "-1"}, "-k1"},
		{[]string{"search", "-q", "x", "--b", "2"}, "-b"},
		{[]string{"search", "-q", "x", "--title-weight", "-1"}, "-title-weight"},
		{[]string{"search", "-q", "x", "-k", "ten"}, "-k"},
		{[]string{"index", "-c", "c.jsonl", "-o", "d", "--threads", "-2"}, "-threads"},
		{[]string{"index", "-c", "c.jsonl", "-o", "d", "--b", "-0.5"}, "-b"},
		{[]string{"stats", "--k1", "-1"}, "-k1"},
		{[]string{"eval", "--beir", "d", "-k", "-1"}, "-k"},
		{[]string{"eval", "--beir", "d", "--ef", "-5"}, "-ef"},
		{[]string{"eval", "--beir", "d", "--depth", "-1"}, "-depth"},
		{[]string{"bench", "lexical", "-k", "0"}, "-k"},
		{[]string{"bench", "lexical", "--depth", "0"}, "-depth"},
		{[]string{"bench", "lexical", "--warmup", "-1"}, "-warmup"},
		{[]string{"bench", "lexical", "--warmup-s", "-1"}, "-warmup-s"},
		{[]string{"bench", "lexical", "-n", "-1"}, "-n"},
		{[]string{"bench", "hybrid", "--ef", "0"}, "-ef"},
		{[]string{"bench", "hybrid", "--candidates", "-1"}, "-candidates"},
		{[]string{"bench", "vector", "-M", "-1"}, "-M"},
		{[]string{"bench", "vector", "--efc", "-1"}, "-efc"},
		{[]string{"bench", "vector", "-k", "0"}, "-k"},
		{[]string{"bench", "vector", "--nq", "-1"}, "-nq"},
		{[]string{"bench", "vector", "--warmup", "-1"}, "-warmup"},
		{[]string{"bench", "vector", "--threads", "-1"}, "-threads"},
		{[]string{"gen", "vectors", "--dim", "0"}, "-dim"},
		{[]string{"gen", "vectors", "--nq", "0"}, "-nq"},
		{[]string{"gen", "vectors", "-k", "0"}, "-k"},
		{[]string{"gen", "vectors", "--tau", "0"}, "-tau"},
		{[]string{"gen", "vectors", "--floor", "-1"}, "-floor"},
		{[]string{"gen", "vectors", "--threads", "-1"}, "-threads"},
		{[]string{"gen", "corpus", "--hold-out", "1"}, "-hold-out"},
		{[]string{"gen", "corpus", "--nq", "-1"}, "-nq"},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(t, "", c.args...)
		if code != exitUsage || !strings.Contains(errOut, "flag "+c.flag+":") {
			t.Errorf("%v: exit %d (want %d), stderr %q", c.args, code, exitUsage, errOut)
		}
	}
	// In-range values still parse, defaults included.
	corpus := writeCorpus(t, `{"id":"a","text":"coffee"}`)
	for _, args := range [][]string{
		{"search", "-c", corpus, "-q", "coffee", "-k", "1", "--offset", "0", "--ef", "0", "--depth", "0", "--alpha", "1", "--b", "0", "--k1", "0"},
		{"search", "-c", corpus, "-q", "coffee", "-m", "hybrid", "--ef", "20", "--depth", "5", "--alpha", "0"},
	} {
		if code, _, errOut := runCLI(t, "", args...); code != exitOK {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
}
