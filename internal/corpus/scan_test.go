package corpus

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func ids(docs []Document) string {
	var s []string
	for _, d := range docs {
		s = append(s, d.ID)
	}
	return strings.Join(s, ",")
}

func TestScanPaths(t *testing.T) {
	dir := t.TempDir()
	lines := "{\"_id\":\"a\",\"text\":\"1\"}\n{\"_id\":\"b\",\"text\":\"2\"}\n"
	plain := writeFile(t, dir, "plain.ndjson", lines)
	gz := writeFile(t, dir, "packed.jsonl", string(gzipBytes(t, lines))) // gzip'd despite its name
	beirPlain := filepath.Join(dir, "beir1")
	writeFile(t, beirPlain, "corpus.jsonl", lines)
	writeFile(t, beirPlain, "notes.txt", "ignored: a BEIR folder is read through its corpus file")
	beirGz := filepath.Join(dir, "beir2")
	writeFile(t, beirGz, "corpus.jsonl.gz", string(gzipBytes(t, lines)))
	single := writeFile(t, dir, "one/Read Me.md", "# Hello\nbody")

	tests := []struct {
		path, source, ids string
	}{
		{plain, plain, "a,b"},
		{gz, gz, "a,b"},
		{beirPlain, filepath.Join(beirPlain, "corpus.jsonl"), "a,b"},
		{beirGz, filepath.Join(beirGz, "corpus.jsonl.gz"), "a,b"},
		{single, single, "Read Me.md"},
	}
	for _, tt := range tests {
		docs, rep, err := Load(context.Background(), tt.path, ReadOptions{})
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
			continue
		}
		if got := ids(docs); got != tt.ids || rep.Source != tt.source || rep.Kept != len(docs) {
			t.Errorf("%s: ids %q, report %+v; want ids %q from %s", tt.path, got, rep, tt.ids, tt.source)
		}
	}
	if _, _, err := Load(context.Background(), filepath.Join(dir, "absent.jsonl"), ReadOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: err = %v", err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, empty, "data.csv", "not text")
	if _, _, err := Load(context.Background(), empty, ReadOptions{}); !errors.Is(err, ErrNoDocuments) {
		t.Errorf("directory without documents: err = %v", err)
	}
}

func TestLoadDuplicates(t *testing.T) {
	in := `{"_id":"a","text":"a1"}
{"_id":"b","text":"b1"}
{"_id":"a","text":"a2"}
{"_id":"c","text":"c1"}
{"_id":"a","text":"a3"}
{"_id":"b","text":"b2"}
`
	p := writeFile(t, t.TempDir(), "c.jsonl", in)
	docs, rep, err := Load(context.Background(), p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.ID+"="+d.Content)
	}
	// Last content wins, at the position of the first occurrence.
	if want := "a=a3,b=b2,c=c1"; strings.Join(got, ",") != want {
		t.Errorf("docs = %v, want %s", got, want)
	}
	if rep.Read != 6 || rep.Duplicates != 3 || rep.Kept != 3 || rep.Lines != 6 {
		t.Errorf("report = %+v", rep)
	}
}

func TestTextDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "b.md", "---\ntitle: front matter\n---\n\nIntro line\n\n```sh\n# not a heading\n```\n# Real Title ##\ntext")
	writeFile(t, dir, "a/z.txt", "\n\n   First line of text   \nsecond")
	writeFile(t, dir, "a.txt", "\xEF\xBB\xBFplain")
	writeFile(t, dir, "C.MARKDOWN", "# C# tips\n")
	writeFile(t, dir, "empty.txt", "  \n\n")
	writeFile(t, dir, "long.md", strings.Repeat("é", 300))
	writeFile(t, dir, ".hidden.md", "# hidden")
	writeFile(t, dir, ".git/x.md", "# hidden dir")
	writeFile(t, dir, "skip.csv", "a,b")

	docs, rep, err := Load(context.Background(), dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Sorted by path as strings: "C.MARKDOWN" < "a.txt" < "a/z.txt" < "b.md" < ...
	if got, want := ids(docs), "C.MARKDOWN,a.txt,a/z.txt,b.md,empty.txt,long.md"; got != want {
		t.Fatalf("ids = %s, want %s", got, want)
	}
	titles := map[string]string{
		"C.MARKDOWN": "C# tips", "a.txt": "plain", "a/z.txt": "First line of text", "b.md": "Real Title",
		"empty.txt": "empty.txt", "long.md": strings.Repeat("é", 200),
	}
	for _, d := range docs {
		if d.Title != titles[d.ID] {
			t.Errorf("%s: title %q, want %q", d.ID, d.Title, titles[d.ID])
		}
	}
	if docs[1].Content != "plain" {
		t.Errorf("a.txt content %q: the byte-order mark should be gone", docs[1].Content)
	}
	if want := (map[string]any{"path": "a/z.txt", "ext": ".txt"}); !reflect.DeepEqual(docs[2].Metadata, want) {
		t.Errorf("metadata = %v, want %v", docs[2].Metadata, want)
	}
	if want := (map[string]any{"path": "C.MARKDOWN", "ext": ".markdown"}); !reflect.DeepEqual(docs[0].Metadata, want) {
		t.Errorf("metadata = %v, want %v", docs[0].Metadata, want)
	}
	if rep.Lines != 6 || rep.Kept != 6 || rep.Source != dir {
		t.Errorf("report = %+v", rep)
	}

	// A file with invalid UTF-8: an error naming it, or skipped and counted.
	bad := writeFile(t, dir, "bad.txt", "caf\xe9")
	_, _, err = Load(context.Background(), dir, ReadOptions{})
	var le *LineError
	if !errors.As(err, &le) || le.File != bad || le.Line != 0 || !errors.Is(err, ErrInvalidUTF8) {
		t.Errorf("invalid UTF-8: err = %v", err)
	}
	docs, rep, err = Load(context.Background(), dir, ReadOptions{SkipBad: true})
	if err != nil || len(docs) != 6 || rep.Bad != 1 || rep.Lines != 7 {
		t.Errorf("with SkipBad: err = %v, %d docs, report %+v", err, len(docs), rep)
	}
	// A file over the size limit.
	_, rep, err = Load(context.Background(), dir, ReadOptions{MaxLineBytes: 100, SkipBad: true})
	if err != nil || rep.Bad != 2 || !errors.Is(rep.BadErrors[1], ErrTooLong) {
		t.Errorf("large file: err = %v, report %+v", err, rep)
	}
}

func TestTextTitle(t *testing.T) {
	tests := []struct{ text, want string }{
		{"# Title", "Title"},
		{"#NoSpace\nnext", "#NoSpace"},
		{"## Sub\n# Main", "Main"},
		{"intro\n# Later heading", "Later heading"},
		{"# C#", "C#"},
		{"# Closed #", "Closed"},
		{"# ###\nline", "# ###"},
		{"```\n# code\n```", "```"},
		{"---\nno end of front matter", "---"},
		{"", "f.md"},
	}
	for _, tt := range tests {
		if got := textTitle(tt.text, "f.md"); got != tt.want {
			t.Errorf("textTitle(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
