package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var tinyModel = filepath.Join("..", "..", "internal", "embed", "bert", "testdata", "tiny")

func TestEmbedCommand(t *testing.T) {
	input := "hello world\n\nCafé 中文\r\nlast line without newline"
	code, out, errOut := runCLI(t, input, "embed", "--model", tinyModel, "--batch", "2")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d output lines for 4 input lines", len(lines))
	}
	plain := make([][]float64, len(lines))
	for i, l := range lines {
		for _, f := range strings.Fields(l) {
			v, err := strconv.ParseFloat(f, 32)
			if err != nil {
				t.Fatalf("line %d: %v", i, err)
			}
			plain[i] = append(plain[i], v)
		}
		if len(plain[i]) != 64 {
			t.Fatalf("line %d has %d values, want 64", i, len(plain[i]))
		}
	}
	code, out, errOut = runCLI(t, input, "embed", "--model", tinyModel, "--json")
	if code != exitOK {
		t.Fatalf("--json: exit %d: %s", code, errOut)
	}
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var v []float64
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("--json line %d: %v", i, err)
		}
		for j := range v {
			if float32(v[j]) != float32(plain[i][j]) {
				t.Fatalf("line %d value %d: %v as JSON, %v as text (batch sizes must not matter)", i, j, v[j], plain[i][j])
			}
		}
	}
}

func TestEmbedCommandErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"embed"}, exitUsage, "--model"},
		{[]string{"embed", "--model", tinyModel, "extra"}, exitUsage, "standard input"},
		{[]string{"embed", "--model", t.TempDir()}, exitError, "config.json"},
		{[]string{"index", "-c", "x.jsonl", "-o", t.TempDir() + "/c", "--embedder", "hash", "--model", tinyModel}, exitUsage, "--model"},
	} {
		code, _, errOut := runCLI(t, "a\n", c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d (want %d), stderr %q (want %q)", c.args, code, c.code, errOut, c.want)
		}
	}
}

// TestIndexLocalModel indexes with the local embedder (--model alone implies it), searches
// by vector, and refuses another model folder on reopen.
func TestIndexLocalModel(t *testing.T) {
	corpus := writeCorpus(t,
		`{"_id":"a","title":"Insulin","text":"The study measures insulin resistance in mice."}`,
		`{"_id":"b","title":"Rivers","text":"The river builds a hidden pattern across the old bridge."}`)
	dir := filepath.Join(t.TempDir(), "coll")
	code, out, errOut := runCLI(t, "", "index", "-c", corpus, "-o", dir, "--model", tinyModel)
	if code != exitOK {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "local/vajra-test/random-bert-tiny") {
		t.Fatalf("index output does not name the model: %s", out)
	}
	code, out, errOut = runCLI(t, "", "search", "-i", dir, "-m", "vector", "-q", "insulin in mice", "--json")
	if code != exitOK || !strings.Contains(out, `"a"`) {
		t.Fatalf("vector search: exit %d, out %s, err %s", code, out, errOut)
	}
	more := writeCorpus(t, `{"_id":"c","title":"Mice","text":"Insulin resistance again, in mice."}`)
	code, out, errOut = runCLI(t, "", "add", "-i", dir, "-c", more, "--model", tinyModel)
	if code != exitOK || !strings.Contains(out, "added 1") {
		t.Fatalf("add: exit %d, out %s, err %s", code, out, errOut)
	}
	other := filepath.Join(t.TempDir(), "model")
	os.MkdirAll(filepath.Join(other, "1_Pooling"), 0o755)
	for _, f := range []string{"config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json"} {
		data, err := os.ReadFile(filepath.Join(tinyModel, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "model.safetensors" {
			data[len(data)-1] ^= 1
		}
		os.WriteFile(filepath.Join(other, f), data, 0o644)
	}
	code, _, errOut = runCLI(t, "", "search", "-i", dir, "-m", "vector", "-q", "insulin", "--model", other)
	if code == exitOK || !strings.Contains(errOut, "weights_sha256") {
		t.Fatalf("search with another model: exit %d, err %s", code, errOut)
	}
}

func TestBenchEmbed(t *testing.T) {
	corpus := writeCorpus(t,
		`{"_id":"a","title":"Insulin","text":"The study measures insulin resistance in mice."}`,
		`{"_id":"b","text":"The river builds a hidden pattern across the old bridge."}`,
		`{"_id":"c","text":"Short."}`)
	code, out, errOut := runCLI(t, "", "bench", "embed", "--model", tinyModel, "-c", corpus, "--passages-b1", "2", "--queries", "3", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var benches []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		benches = append(benches, rec["bench"].(string))
		if rec["bench"] == "embed" && rec["sentences_per_s"].(float64) <= 0 {
			t.Fatalf("no throughput in %q", l)
		}
	}
	if strings.Join(benches, ",") != "load,embed,embed,query" {
		t.Fatalf("bench lines %v", benches)
	}
}
