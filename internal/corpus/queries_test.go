package corpus

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadQueries(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "queries.jsonl", `{"_id": "0", "text": "first claim"}
{"id": 7, "query": "by query field", "kind": "title"}

{"_id": "q3", "text": "t", "query": "q", "metadata": {"lang": "en"}}
`)
	qs, err := LoadQueries(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Query{
		{ID: "0", Text: "first claim"},
		{ID: "7", Text: "by query field", Metadata: map[string]any{"kind": "title"}},
		{ID: "q3", Text: "t", Metadata: map[string]any{"query": "q", "lang": "en"}},
	}
	if !reflect.DeepEqual(qs, want) {
		t.Errorf("got  %#v\nwant %#v", qs, want)
	}
	gz := writeFile(t, dir, "queries.jsonl.gz", string(gzipBytes(t, `{"_id":"1","text":"x"}`)))
	if qs, err := LoadQueries(gz); err != nil || len(qs) != 1 {
		t.Errorf("gzip'd queries: %v, %v", qs, err)
	}

	bad := []struct {
		name, content string
		line          int
		want          error
	}{
		{"missing text", "{\"_id\":\"1\",\"text\":\"a\"}\n{\"_id\":\"2\"}", 2, ErrMissingField},
		{"text not a string", `{"_id":"1","text":5}`, 1, ErrFieldType},
		{"duplicate id", "{\"_id\":\"1\",\"text\":\"a\"}\n{\"_id\":\"1\",\"text\":\"b\"}", 2, ErrDuplicateID},
		{"bad json", `{"_id":"1","text":"a"`, 1, ErrSyntax},
	}
	for _, tt := range bad {
		p := writeFile(t, dir, "bad.jsonl", tt.content)
		_, err := LoadQueries(p)
		var le *LineError
		if !errors.As(err, &le) || le.Line != tt.line || le.File != p || !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v on line %d", tt.name, err, tt.want, tt.line)
		}
	}
	if _, err := LoadQueries(filepath.Join(dir, "absent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

func TestLoadQrels(t *testing.T) {
	dir := t.TempDir()
	good := []struct {
		name, content string
		want          map[string]map[string]int
	}{
		{"beir with header", "query-id\tcorpus-id\tscore\n1\t31715818\t1\n1\t99\t0\n3\t14717500\t2\n",
			map[string]map[string]int{"1": {"31715818": 1, "99": 0}, "3": {"14717500": 2}}},
		{"no header, crlf", "q1\td1\t1\r\nq1\td2\t1\r\n", map[string]map[string]int{"q1": {"d1": 1, "d2": 1}}},
		{"trec", "401 0 FBIS3-10082 1\n401 0 FBIS3-10169 0\n", map[string]map[string]int{"401": {"FBIS3-10082": 1, "FBIS3-10169": 0}}},
		{"header only", "query-id\tcorpus-id\tscore\n", map[string]map[string]int{}},
		{"ids with spaces in tsv", "q 1\td 1\t1\n", map[string]map[string]int{"q 1": {"d 1": 1}}},
	}
	for _, tt := range good {
		p := writeFile(t, dir, "good.tsv", tt.content)
		got, err := LoadQrels(p)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	bad := []struct {
		name, content string
		line          int
		field         string
		want          error
	}{
		{"bad score", "query-id\tcorpus-id\tscore\n1\t2\tx\n", 2, "score", ErrFieldType},
		{"bad first line", "1\t2\tx\n", 1, "score", ErrFieldType},
		{"two columns", "1\t2\n", 1, "", ErrSyntax},
		{"five columns", "1 2 3 4 5\n", 1, "", ErrSyntax},
		{"empty query id", "\t2\t1\n", 1, "query-id", ErrEmptyField},
		{"empty corpus id", "1\t\t1\n", 1, "corpus-id", ErrEmptyField},
		{"repeated pair", "1\t2\t1\n1\t3\t1\n1\t2\t0\n", 3, "", ErrDuplicateID},
		{"invalid utf8", "1\t\xff\t1\n", 1, "", ErrInvalidUTF8},
	}
	for _, tt := range bad {
		p := writeFile(t, dir, "bad.tsv", tt.content)
		_, err := LoadQrels(p)
		var le *LineError
		if !errors.As(err, &le) || le.Line != tt.line || le.Field != tt.field || !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v at line %d field %q", tt.name, err, tt.want, tt.line, tt.field)
		}
		if err != nil && !strings.HasPrefix(err.Error(), p+":") {
			t.Errorf("%s: error %q does not start with the file name", tt.name, err)
		}
	}
}

// FuzzLoadQrels: arbitrary files never panic, and what loads is well-formed.
func FuzzLoadQrels(f *testing.F) {
	f.Add([]byte("query-id\tcorpus-id\tscore\n1\t2\t1\n"))
	f.Add([]byte("401 0 doc 1\n\n402 0 doc -1\n"))
	f.Add([]byte("a\tb\t99999999999999999999\n"))
	f.Add(gzipBytes(f, "1\t2\t1\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "q.tsv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		qrels, err := LoadQrels(p)
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || le.File != p {
				t.Fatalf("error without file: %v", err)
			}
			return
		}
		for q, docs := range qrels {
			if q == "" || len(docs) == 0 {
				t.Fatalf("query %q with %d judgements", q, len(docs))
			}
			for d := range docs {
				if d == "" || bytes.Contains([]byte(d), []byte("\t")) {
					t.Fatalf("bad document id %q", d)
				}
			}
		}
	})
}
