package corpus

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// readAll drains a Reader, collecting documents and the line numbers of bad lines.
func readAll(t *testing.T, r *Reader) (docs []Document, bad []int, fatal error) {
	t.Helper()
	for i := 0; ; i++ {
		if i > 1<<20 {
			t.Fatal("Reader does not end")
		}
		d, err := r.Next()
		if err == io.EOF {
			return docs, bad, nil
		}
		var le *LineError
		if errors.As(err, &le) && !errors.Is(err, ErrRead) {
			if le.Line != r.Line() {
				t.Fatalf("error on line %d, Line() = %d", le.Line, r.Line())
			}
			bad = append(bad, le.Line)
			continue
		}
		if err != nil {
			return docs, bad, err
		}
		docs = append(docs, d)
	}
}

func TestReader(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		ids     []string
		bad     []int
		field   string // field named by the first error
		maxLine int
	}{
		{"empty", "", nil, nil, "", 0},
		{"two documents", "{\"id\":\"a\"}\n{\"id\":\"b\",\"vector\":[1,2]}\n", []string{"a", "b"}, nil, "", 0},
		{"no final newline, CRLF, blank lines", "{\"id\":\"a\"}\r\n\n  \n{\"id\":\"b\"}", []string{"a", "b"}, nil, "", 0},
		{"byte order mark", "\xEF\xBB\xBF{\"id\":\"a\"}\n", []string{"a"}, nil, "", 0},
		{"bad line in the middle", "{\"id\":\"a\"}\n{oops\n{\"id\":\"c\"}\n", []string{"a", "c"}, []int{2}, "", 0},
		{"wrong field type", "{\"id\":\"a\",\"title\":3}\n{\"id\":\"b\"}\n", []string{"b"}, []int{1}, "title", 0},
		{"missing id", "{\"title\":\"x\"}\n", nil, []int{1}, "_id", 0},
		{"line too long", "{\"id\":\"a\"}\n{\"id\":\"" + strings.Repeat("x", 100) + "\"}\n{\"id\":\"c\"}\n", []string{"a", "c"}, []int{2}, "", 64},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tc.in), "up.ndjson", ReadOptions{MaxLineBytes: tc.maxLine})
			if err != nil {
				t.Fatal(err)
			}
			docs, bad, fatal := readAll(t, r)
			if fatal != nil {
				t.Fatal(fatal)
			}
			var ids []string
			for _, d := range docs {
				ids = append(ids, d.ID)
			}
			if !reflect.DeepEqual(ids, tc.ids) || !reflect.DeepEqual(bad, tc.bad) {
				t.Errorf("ids %v bad lines %v, want %v and %v", ids, bad, tc.ids, tc.bad)
			}
			if tc.field != "" {
				r, _ := NewReader(strings.NewReader(tc.in), "up.ndjson", ReadOptions{})
				_, err := r.Next()
				var le *LineError
				if !errors.As(err, &le) || le.Field != tc.field {
					t.Errorf("first error %v does not name field %q", err, tc.field)
				}
			}
		})
	}
}

func TestParseDocument(t *testing.T) {
	d, err := ParseDocument([]byte("{\n  \"id\": \"a\",\n  \"title\": \"T\",\n  \"year\": 2020\n}"))
	if err != nil || d.ID != "a" || d.Title != "T" || d.Metadata["year"] != float64(2020) {
		t.Fatalf("ParseDocument = %+v, %v", d, err)
	}
	_, err = ParseDocument([]byte(`{"id":"a","vector":[1,"x"]}`))
	var le *LineError
	if !errors.As(err, &le) || le.Field != "vector" || strings.HasPrefix(err.Error(), ":") {
		t.Fatalf("bad vector: %v", err)
	}
}

// FuzzReader checks Reader against ScanJSONL with SkipBad: the same documents, and as many
// bad lines as the scan counts.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"{\"id\":\"a\"}\n{bad}\n{\"id\":\"b\",\"vector\":[1]}\n",
		"\xEF\xBB\xBF{\"_id\":\"x\"}\r\n\n", `{"id":"` + strings.Repeat("y", 80) + `"}`, "{\"id\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, gzipMagic) {
			return // ScanJSONL would decompress it
		}
		opts := ReadOptions{MaxLineBytes: 64}
		r, err := NewReader(bytes.NewReader(data), "fuzz", opts)
		if err != nil {
			t.Fatal(err)
		}
		docs, bad, fatal := readAll(t, r)
		if fatal != nil {
			t.Fatalf("read from memory failed: %v", fatal)
		}
		var want []Document
		rep, err := ScanJSONL(context.Background(), bytes.NewReader(data), "fuzz", ReadOptions{SkipBad: true, MaxLineBytes: 64}, func(d Document) error {
			want = append(want, d)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(docs, want) || len(bad) != rep.Bad {
			t.Fatalf("Reader: %d docs, %d bad; ScanJSONL: %d docs, %d bad", len(docs), len(bad), len(want), rep.Bad)
		}
	})
}
