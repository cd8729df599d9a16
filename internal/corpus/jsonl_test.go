package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestScanJSONLDocuments(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Document
	}{
		{"beir", `{"_id": "4983", "title": "T", "text": "body", "metadata": {}}`,
			Document{ID: "4983", Title: "T", Content: "body"}},
		{"id and content", `{"id":"a","content":"c"}`, Document{ID: "a", Content: "c"}},
		{"integer id", `{"_id": 12, "text": "x"}`, Document{ID: "12", Content: "x"}},
		{"negative id", `{"_id": -7}`, Document{ID: "-7"}},
		{"big integer id", `{"_id": 123456789012345678901234567890}`, Document{ID: "123456789012345678901234567890"}},
		{"escapes", `{"_id":"e","text":"tab\there \"q\" \\ \/ \u00e9 \ud83d\ude00 \ud800x \udc00"}`,
			Document{ID: "e", Content: "tab\there \"q\" \\ / é 😀 \uFFFDx \uFFFD"}},
		{"escaped key", `{"\u005fid":"k","te\u0078t":"v"}`, Document{ID: "k", Content: "v"}},
		{"duplicate key last wins", `{"_id":"1","title":"a","title":"b","title":"c"}`, Document{ID: "1", Title: "c"}},
		{"_id beats id", `{"id":"second","_id":"first"}`, Document{ID: "first", Metadata: map[string]any{"id": "second"}}},
		{"content beats text", `{"_id":"1","text":"t","content":"c"}`,
			Document{ID: "1", Content: "c", Metadata: map[string]any{"text": "t"}}},
		{"null is absent", `{"_id":null,"id":"5","title":null,"content":null,"text":"t","metadata":null,"vector":null}`,
			Document{ID: "5", Content: "t"}},
		{"unknown fields kept", `{"_id":"1","year":2020,"tags":["a","b"],"ok":true,"none":null,"nested":{"x":{"y":1.5}}}`,
			Document{ID: "1", Metadata: map[string]any{"year": 2020.0, "tags": []any{"a", "b"}, "ok": true, "none": nil,
				"nested": map[string]any{"x": map[string]any{"y": 1.5}}}}},
		{"metadata wins over top level", `{"_id":"1","lang":"en","metadata":{"lang":"fr","n":1}}`,
			Document{ID: "1", Metadata: map[string]any{"lang": "fr", "n": 1.0}}},
		{"repeated unknown key keeps last", `{"_id":"1","x":1e400,"x":2}`, Document{ID: "1", Metadata: map[string]any{"x": 2.0}}},
		{"vector", `{"_id":"v","vector":[1, -2.5, 3e-2 ,0]}`, Document{ID: "v", Vector: []float32{1, -2.5, 0.03, 0}}},
		{"empty vector", `{"_id":"v","vector":[ ]}`, Document{ID: "v"}},
		{"whitespace", " \t{ \"_id\" : \"w\" , \"text\" : \"x\" } \r", Document{ID: "w", Content: "x"}},
		{"utf8 text", `{"_id":"u","title":"Básquetbol 日本 😀"}`, Document{ID: "u", Title: "Básquetbol 日本 😀"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, rep, err := scanAll(t, tt.line+"\n", ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) != 1 || rep.Read != 1 || rep.Kept != 1 || rep.Lines != 1 {
				t.Fatalf("got %d docs, report %+v", len(docs), rep)
			}
			if !reflect.DeepEqual(docs[0], tt.want) {
				t.Errorf("got  %#v\nwant %#v", docs[0], tt.want)
			}
		})
	}
}

func TestVectorFieldOption(t *testing.T) {
	docs, _, err := scanAll(t, `{"_id":"1","emb":[1,2],"vector":"kept"}`, ReadOptions{VectorField: "emb"})
	if err != nil {
		t.Fatal(err)
	}
	want := Document{ID: "1", Vector: []float32{1, 2}, Metadata: map[string]any{"vector": "kept"}}
	if !reflect.DeepEqual(docs[0], want) {
		t.Errorf("got %#v", docs[0])
	}
	for _, bad := range []ReadOptions{{VectorField: "title"}, {VectorField: "_id"}, {MaxLineBytes: -1}} {
		if _, _, err := scanAll(t, `{"_id":"1"}`, bad); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%+v: err = %v, want ErrInvalidOptions", bad, err)
		}
	}
}

func TestScanJSONLErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		line  int
		field string
		want  error
		msg   string
	}{
		{"bad json", "{\"_id\":\"1\"}\n{\"_id\": \"2\",}\n", 2, "", ErrSyntax, `corpus.jsonl:2: malformed JSON: expected a string key, found character '}' at column 13`},
		{"not an object", `["_id"]`, 1, "", ErrSyntax, "JSON array is not a JSON Lines document"},
		{"scalar line", `42`, 1, "", ErrSyntax, "expected '{'"},
		{"trailing garbage", `{"_id":"1"} x`, 1, "", ErrSyntax, "after the object"},
		{"unterminated string", `{"_id":"1`, 1, "", ErrSyntax, "unterminated string"},
		{"bad escape", `{"_id":"\x"}`, 1, "", ErrSyntax, "invalid escape"},
		{"bad unicode escape", `{"_id":"\u12G4"}`, 1, "", ErrSyntax, `invalid \u escape`},
		{"control character", "{\"_id\":\"a\x01b\"}", 1, "", ErrSyntax, "control character"},
		{"bad number", `{"_id":"1","n":01}`, 1, "", ErrSyntax, "expected ',' or '}'"},
		{"bad literal", `{"_id":"1","n":nul}`, 1, "", ErrSyntax, "unexpected"},
		{"missing id", `{"text":"no id"}`, 1, "_id", ErrMissingField, `corpus.jsonl:1: field "_id": missing`},
		{"null id", `{"_id":null}`, 1, "_id", ErrMissingField, `field "_id": missing`},
		{"empty id", `{"_id":""}`, 1, "_id", ErrEmptyField, `field "_id": empty`},
		{"float id", `{"id":1.5}`, 1, "id", ErrFieldType, `field "id": wrong type: want a string or an integer, got 1.5`},
		{"object id", `{"_id":{}}`, 1, "_id", ErrFieldType, "got object"},
		{"title number", `{"_id":"1","title":5}`, 1, "title", ErrFieldType, `field "title": wrong type: want a string, got number`},
		{"content array", `{"_id":"1","content":["a"]}`, 1, "content", ErrFieldType, "got array"},
		{"text bool", `{"_id":"1","text":true}`, 1, "text", ErrFieldType, "got boolean"},
		{"metadata array", `{"_id":"1","metadata":[1]}`, 1, "metadata", ErrFieldType, "want an object"},
		{"vector of strings", `{"_id":"1","vector":[1,"2"]}`, 1, "vector", ErrFieldType, "element 1 is string"},
		{"vector not array", `{"_id":"1","vector":"1,2"}`, 1, "vector", ErrFieldType, "want an array of numbers"},
		{"vector overflow", `{"_id":"1","vector":[1e39]}`, 1, "vector", ErrBadVector, "does not fit a float32"},
		{"unknown field out of range", `{"_id":"1","n":1e400}`, 1, "n", nil, `field "n"`},
		{"invalid utf8", "{\"_id\":\"1\",\"text\":\"caf\xe9\"}", 1, "", ErrInvalidUTF8, "invalid UTF-8 at column 23"},
		{"too deep", `{"_id":"1","x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "}", 1, "", ErrSyntax, "nesting too deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := scanAll(t, tt.input, ReadOptions{})
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v (%T), want a *LineError", err, err)
			}
			if le.File != "corpus.jsonl" || le.Line != tt.line || le.Field != tt.field {
				t.Errorf("LineError{%q, %d, %q}, want {corpus.jsonl, %d, %q}", le.File, le.Line, le.Field, tt.line, tt.field)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.msg)
			}
		})
	}
}

func TestSkipBad(t *testing.T) {
	var in strings.Builder
	in.WriteString("\xEF\xBB\xBF{\"_id\":\"1\"}\r\n\n   \n")
	for i := 0; i < 12; i++ {
		in.WriteString("{bad}\n")
	}
	in.WriteString(`{"_id":"2","text":"` + strings.Repeat("x", 100) + "\"}\n")
	in.WriteString(`{"_id":"3"}`) // no final newline
	docs, rep, err := scanAll(t, in.String(), ReadOptions{SkipBad: true, MaxLineBytes: 64})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].ID != "1" || docs[1].ID != "3" {
		t.Fatalf("docs = %v", docs)
	}
	want := Report{Source: "corpus.jsonl", Lines: 17, Read: 2, Bad: 13, Kept: 2}
	got := rep
	got.BadErrors = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("report = %+v, want %+v", got, want)
	}
	if len(rep.BadErrors) != MaxBadErrors {
		t.Fatalf("%d errors kept, want %d", len(rep.BadErrors), MaxBadErrors)
	}
	if !strings.HasPrefix(rep.BadErrors[0].Error(), "corpus.jsonl:4: malformed JSON") {
		t.Errorf("first error = %v", rep.BadErrors[0])
	}
	// Without SkipBad the same input stops at the first bad line.
	if _, _, err := scanAll(t, in.String(), ReadOptions{MaxLineBytes: 64}); err == nil || !strings.HasPrefix(err.Error(), "corpus.jsonl:4:") {
		t.Errorf("err = %v, want the line 4 error", err)
	}
}

func TestLineTooLong(t *testing.T) {
	long := `{"_id":"2","text":"` + strings.Repeat("é", 300000) + `"}`
	in := `{"_id":"1"}` + "\n" + long + "\n" + `{"_id":"3"}` + "\n"
	// Lines longer than the read buffer are assembled and parsed.
	docs, _, err := scanAll(t, in, ReadOptions{})
	if err != nil || len(docs) != 3 || len(docs[1].Content) != 600000 {
		t.Fatalf("err = %v, %d docs", err, len(docs))
	}
	// Over the limit: an error naming the line, or skipped and counted.
	for _, limit := range []int{1000, 500000} {
		_, _, err = scanAll(t, in, ReadOptions{MaxLineBytes: limit})
		var le *LineError
		if !errors.As(err, &le) || le.Line != 2 || !errors.Is(err, ErrTooLong) {
			t.Errorf("limit %d: err = %v, want ErrTooLong on line 2", limit, err)
		}
		docs, rep, err := scanAll(t, in, ReadOptions{MaxLineBytes: limit, SkipBad: true})
		if err != nil || len(docs) != 2 || docs[1].ID != "3" || rep.Bad != 1 || rep.Lines != 3 {
			t.Errorf("limit %d with SkipBad: err = %v, docs %v, report %+v", limit, err, docs, rep)
		}
	}
	// The limit is inclusive and does not count the newline.
	exact := `{"_id":"x"}`
	for _, in := range []string{exact, exact + "\n"} {
		if _, _, err := scanAll(t, in, ReadOptions{MaxLineBytes: len(exact)}); err != nil {
			t.Errorf("%q at the limit: %v", in, err)
		}
		if _, _, err := scanAll(t, in, ReadOptions{MaxLineBytes: len(exact) - 1}); !errors.Is(err, ErrTooLong) {
			t.Errorf("%q over the limit: err = %v", in, err)
		}
	}
}

func TestGzipInput(t *testing.T) {
	plain := "{\"_id\":\"1\"}\n{\"_id\":\"2\"}\n{\"_id\":\"3\"}\n"
	gz := gzipBytes(t, plain)
	// Detected by magic bytes, whatever the name.
	var ids []string
	rep, err := ScanJSONL(context.Background(), bytes.NewReader(gz), "corpus.jsonl", ReadOptions{}, func(d Document) error {
		ids = append(ids, d.ID)
		return nil
	})
	if err != nil || strings.Join(ids, ",") != "1,2,3" || rep.Kept != 3 {
		t.Fatalf("err = %v, ids %v", err, ids)
	}
	// Truncated: an error naming the file, wrapping ErrRead and io.ErrUnexpectedEOF.
	cut := gz[:len(gz)-12]
	_, err = ScanJSONL(context.Background(), bytes.NewReader(cut), "c.jsonl.gz", ReadOptions{}, func(Document) error { return nil })
	if !errors.Is(err, ErrRead) || !errors.Is(err, io.ErrUnexpectedEOF) || !strings.HasPrefix(err.Error(), "c.jsonl.gz:") {
		t.Errorf("truncated: err = %v", err)
	}
	// With SkipBad, what was read is kept and the truncation is counted.
	rep, err = ScanJSONL(context.Background(), bytes.NewReader(cut), "c.jsonl.gz", ReadOptions{SkipBad: true}, func(Document) error { return nil })
	if err != nil || rep.Bad != 1 || !errors.Is(rep.BadErrors[0], io.ErrUnexpectedEOF) {
		t.Errorf("truncated with SkipBad: err = %v, report %+v", err, rep)
	}
	// A corrupt header is an error too.
	_, err = ScanJSONL(context.Background(), bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}), "c.gz", ReadOptions{}, func(Document) error { return nil })
	if !errors.Is(err, ErrRead) {
		t.Errorf("bad header: err = %v", err)
	}
}

func TestCallbackErrorAndCancel(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	_, err := ScanJSONL(context.Background(), strings.NewReader("{\"_id\":\"1\"}\n{\"_id\":\"2\"}\n"), "c", ReadOptions{SkipBad: true}, func(Document) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("err = %v after %d calls, want the callback's error after 1", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = ScanJSONL(ctx, strings.NewReader("{\"_id\":\"1\"}\n"), "c", ReadOptions{}, func(Document) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestLineErrorFormat(t *testing.T) {
	tests := []struct {
		err  LineError
		want string
	}{
		{LineError{File: "corpus.jsonl", Line: 12, Field: "_id", Err: ErrMissingField}, `corpus.jsonl:12: field "_id": missing`},
		{LineError{File: "a.txt", Err: ErrInvalidUTF8}, `a.txt: invalid UTF-8`},
		{LineError{File: "q.tsv", Line: 3, Err: ErrSyntax}, `q.tsv:3: malformed`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(&tt.err, tt.err.Err) {
			t.Errorf("%q does not unwrap to its cause", tt.want)
		}
	}
}

// TestCheckOption checks that a document refused by ReadOptions.Check is a bad line named by
// file and line, skipped with SkipBad, in JSONL files and text directories alike.
func TestCheckOption(t *testing.T) {
	errBig := errors.New("too big")
	check := func(d *Document) error {
		if len(d.Content) > 10 {
			return fmt.Errorf("document %q: %w", d.ID, errBig)
		}
		return nil
	}
	in := `{"_id":"1","text":"short"}` + "\n" + `{"_id":"2","text":"much too long"}` + "\n" + `{"_id":"3"}` + "\n"
	_, _, err := scanAll(t, in, ReadOptions{Check: check})
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 || !errors.Is(err, errBig) || !strings.Contains(err.Error(), `corpus.jsonl:2: document "2"`) {
		t.Fatalf("err = %v, want line 2 refused", err)
	}
	docs, rep, err := scanAll(t, in, ReadOptions{Check: check, SkipBad: true})
	if err != nil || len(docs) != 2 || rep.Bad != 1 {
		t.Fatalf("skip: %d docs, %d bad, %v", len(docs), rep.Bad, err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", "short")
	writeFile(t, dir, "b.txt", "much too long")
	_, err = Scan(context.Background(), dir, ReadOptions{Check: check}, func(Document) error { return nil })
	if !errors.Is(err, errBig) || !strings.Contains(err.Error(), "b.txt") {
		t.Fatalf("text dir: err = %v, want b.txt refused", err)
	}
}
