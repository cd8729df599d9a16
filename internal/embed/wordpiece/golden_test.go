package wordpiece

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/testutil"
)

// goldenCase is one line of a golden file written by
// internal/embed/bert/testdata/make_reference.py (tokens).
type goldenCase struct {
	Text string  `json:"text"`
	IDs  []int32 `json:"ids"`
}

func readGolden(t *testing.T, path string) []goldenCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []goldenCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var c goldenCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s line %d: %v", path, len(cases)+1, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("%s holds no cases", path)
	}
	return cases
}

// minilmTokenizers loads the real all-MiniLM-L6-v2 tokenizer twice: from tokenizer.json,
// and from vocab.txt with tokenizer_config.json alone.
func minilmTokenizers(t *testing.T) map[string]*Tokenizer {
	dir := testutil.SharedData(t, "tokenizer/minilm")
	fromJSON, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	bare := t.TempDir()
	for _, name := range []string{"vocab.txt", "tokenizer_config.json"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bare, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fromVocab, err := LoadDir(bare)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Tokenizer{"tokenizer.json": fromJSON, "vocab.txt": fromVocab}
}

func checkGolden(t *testing.T, tok *Tokenizer, cases []goldenCase, maxLen int) {
	t.Helper()
	bad := 0
	for i, c := range cases {
		got := tok.Encode(c.Text, maxLen)
		if !slices.Equal(got, c.IDs) {
			bad++
			if bad <= 5 {
				t.Errorf("case %d %q:\n got  %v\n want %v", i, shorten(c.Text), got, c.IDs)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d encodings differ", bad, len(cases))
	}
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// TestGoldenMiniLM checks the committed golden ids of hard and ordinary sentences against
// the real all-MiniLM-L6-v2 tokenizer files.
func TestGoldenMiniLM(t *testing.T) {
	cases := readGolden(t, filepath.Join("testdata", "minilm_golden.jsonl"))
	for name, tok := range minilmTokenizers(t) {
		t.Run(name, func(t *testing.T) { checkGolden(t, tok, cases, 512) })
	}
}

// TestGoldenCorpus checks a golden file made by hand from a whole corpus
// (make_reference.py tokens --corpus ...), named by VAJRA_WORDPIECE_GOLDEN.
func TestGoldenCorpus(t *testing.T) {
	path := os.Getenv("VAJRA_WORDPIECE_GOLDEN")
	if path == "" {
		t.Skip("VAJRA_WORDPIECE_GOLDEN not set; skipping the whole-corpus golden check")
	}
	cases := readGolden(t, path)
	for name, tok := range minilmTokenizers(t) {
		t.Run(name, func(t *testing.T) { checkGolden(t, tok, cases, 512) })
	}
	t.Logf("%d encodings checked", len(cases))
}

// TestKnownIDs pins a few encodings published with bert-base-uncased.
func TestKnownIDs(t *testing.T) {
	tok := minilmTokenizers(t)["tokenizer.json"]
	for _, c := range []goldenCase{
		{"Hello, world!", []int32{101, 7592, 1010, 2088, 999, 102}},
		{"", []int32{101, 102}},
		{"[MASK]", []int32{101, 103, 102}},
	} {
		if got := tok.Encode(c.Text, 512); !slices.Equal(got, c.IDs) {
			t.Errorf("%q: got %v, want %v", c.Text, got, c.IDs)
		}
	}
}
