package analysis

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected outputs in testdata/*.txt")

// goldenOptions parses an "options:" line of testdata/analyze.txt.
func goldenOptions(spec string) (Options, error) {
	var o Options
	for _, kv := range strings.Fields(spec) {
		if kv == "default" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return o, fmt.Errorf("option %q is not key=value", kv)
		}
		var err error
		switch k {
		case "stopwords":
			o.Stopwords = v
		case "stemmer":
			o.Stemmer = v
		case "foldaccents":
			o.FoldAccents, err = strconv.ParseBool(v)
		case "compounds":
			o.Compounds, err = strconv.ParseBool(v)
		case "maxtokenbytes":
			o.MaxTokenBytes, err = strconv.Atoi(v)
		default:
			return o, fmt.Errorf("unknown option %q", k)
		}
		if err != nil {
			return o, fmt.Errorf("option %q: %w", kv, err)
		}
	}
	return o, nil
}

// TestGolden runs every "input => terms" case of testdata/analyze.txt. An input written as a
// Go quoted string is unquoted first, so invisible characters can be spelled out.
func TestGolden(t *testing.T) {
	path := filepath.Join("testdata", "analyze.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		rewritten strings.Builder
		a         *Analyzer
		cases     int
	)
	a, err = New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			rewritten.WriteString(text + "\n")
			continue
		case strings.HasPrefix(trimmed, "options:"):
			o, err := goldenOptions(strings.TrimPrefix(trimmed, "options:"))
			if err != nil {
				t.Fatalf("%s:%d: %v", path, line, err)
			}
			if a, err = New(o); err != nil {
				t.Fatalf("%s:%d: %v", path, line, err)
			}
			rewritten.WriteString(text + "\n")
			continue
		}
		i := strings.LastIndex(text, "=>")
		if i < 0 {
			t.Fatalf("%s:%d: want \"input => terms\", got %q", path, line, text)
		}
		rawIn := strings.TrimSpace(text[:i])
		in := rawIn
		if strings.HasPrefix(in, `"`) {
			if in, err = strconv.Unquote(in); err != nil {
				t.Fatalf("%s:%d: bad quoted input: %v", path, line, err)
			}
		}
		want := strings.Join(strings.Fields(text[i+2:]), " ")
		got := strings.Join(a.AppendTerms(nil, in), " ")
		cases++
		if got != want && !*update {
			t.Errorf("%s:%d: %s\n got: %s\nwant: %s", path, line, rawIn, got, want)
		}
		fmt.Fprintf(&rewritten, "%s => %s\n", rawIn, got)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases == 0 {
		t.Fatalf("%s has no cases", path)
	}
	if *update {
		out := strings.ReplaceAll(rewritten.String(), " => \n", " =>\n")
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
