package corpus

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxTitleRunes bounds a title taken from a text file's first line.
const maxTitleRunes = 200

func isTextFile(path string) bool { return hasExt(path, ".txt", ".md", ".markdown") }

// scanTextDir reads every text file under dir. Hidden files and directories (names
// starting with ".") are skipped; symbolic links to directories are not followed.
func scanTextDir(ctx context.Context, dir string, opts ReadOptions, fn func(Document) error) (Report, error) {
	var rels []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isTextFile(p) {
			return nil
		}
		if !d.Type().IsRegular() {
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
				return nil // a dangling link or a link to something that is not a file
			}
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rels = append(rels, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return Report{Source: dir}, fmt.Errorf("corpus: %w", err)
	}
	if len(rels) == 0 {
		return Report{Source: dir}, fmt.Errorf("corpus: %s: %w (no corpus.jsonl or corpus.jsonl.gz, no .txt, .md or .markdown files)", dir, ErrNoDocuments)
	}
	sort.Strings(rels)
	return scanTextFiles(ctx, dir, rels, dir, opts, fn)
}

func scanTextFiles(ctx context.Context, dir string, rels []string, source string, opts ReadOptions, fn func(Document) error) (Report, error) {
	rep := Report{Source: source}
	for _, rel := range rels {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		rep.Lines++
		path := filepath.Join(dir, filepath.FromSlash(rel))
		d, err := readTextFile(path, rel, opts.MaxLineBytes)
		if err == nil && opts.Check != nil {
			if cerr := opts.Check(&d); cerr != nil {
				err = &LineError{File: path, Err: cerr}
			}
		}
		if err != nil {
			if !opts.SkipBad {
				return rep, err
			}
			rep.addBad(err)
			continue
		}
		rep.Read++
		if err := fn(d); err != nil {
			return rep, err
		}
		rep.Kept++
	}
	return rep, nil
}

// readTextFile makes one Document of a text file: ID = the path relative to the folder with
// forward slashes; Title = the first Markdown "# " heading (outside YAML front matter and
// code fences), else the first non-empty line, trimmed to 200 characters, else the file
// name; Content = the whole text (a UTF-8 byte-order mark removed); Metadata = {"path": rel,
// "ext": lower-case extension}. A file that is not valid UTF-8 or is larger than maxBytes
// is a LineError with Line 0.
func readTextFile(path, rel string, maxBytes int) (Document, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Document{}, &LineError{File: path, Err: fmt.Errorf("%w: %w", ErrRead, err)}
	}
	if st.Size() > int64(maxBytes) {
		return Document{}, &LineError{File: path, Err: fmt.Errorf("%w: file of %d bytes exceeds %d", ErrTooLong, st.Size(), maxBytes)}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Document{}, &LineError{File: path, Err: fmt.Errorf("%w: %w", ErrRead, err)}
	}
	b = bytes.TrimPrefix(b, utf8BOM)
	if !utf8.Valid(b) {
		return Document{}, &LineError{File: path, Err: ErrInvalidUTF8}
	}
	text := string(b)
	return Document{
		ID:       rel,
		Title:    textTitle(text, filepath.Base(rel)),
		Content:  text,
		Metadata: map[string]any{"path": rel, "ext": strings.ToLower(filepath.Ext(rel))},
	}, nil
}

// textTitle picks a title for a text file; see readTextFile.
func textTitle(text, fileName string) string {
	lines := strings.Split(text, "\n")
	body := lines
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "---" {
		for i := 1; i < len(lines); i++ {
			if t := strings.TrimSpace(lines[i]); t == "---" || t == "..." {
				body = lines[i+1:]
				break
			}
		}
	}
	inFence := false
	firstLine := ""
	for _, l := range body {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
		}
		if inFence {
			continue
		}
		if h, ok := strings.CutPrefix(t, "# "); ok {
			if h = headingText(h); h != "" {
				return clip(h)
			}
		}
		if firstLine == "" && t != "" {
			firstLine = t
		}
	}
	if firstLine == "" {
		// No usable line outside fences (or a file of fences): fall back to any line.
		for _, l := range lines {
			if t := strings.TrimSpace(l); t != "" {
				firstLine = t
				break
			}
		}
	}
	if firstLine != "" {
		return clip(firstLine)
	}
	return fileName
}

// headingText removes an ATX heading's optional closing sequence ("# Title ##"), which
// needs a space before it ("# C#" is about C#).
func headingText(h string) string {
	h = strings.TrimSpace(h)
	if t := strings.TrimRight(h, "#"); t == "" || strings.HasSuffix(t, " ") || strings.HasSuffix(t, "\t") {
		h = strings.TrimSpace(t)
	}
	return h
}

func clip(s string) string {
	n := 0
	for i := range s {
		if n == maxTitleRunes {
			return strings.TrimSpace(s[:i])
		}
		n++
	}
	return s
}
