package corpus

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// beirCorpusNames are the corpus files that make a directory a BEIR folder, in order of
// preference.
var beirCorpusNames = [...]string{"corpus.jsonl", "corpus.jsonl.gz"}

// findBEIRCorpus returns the corpus file of a BEIR folder, or "".
func findBEIRCorpus(dir string) string {
	for _, n := range beirCorpusNames {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// Scan streams the documents at path to fn, in a deterministic order. path may be:
//
//   - a JSON Lines file (.jsonl, .ndjson, .json-lines or any other name), gzip'd or not —
//     compression is recognised by the magic bytes, not the extension;
//   - a BEIR folder: a directory holding corpus.jsonl or corpus.jsonl.gz;
//   - a directory of .txt, .md and .markdown files, read recursively in sorted path order
//     (see the text file rules on readTextFile);
//   - a single .txt, .md or .markdown file.
//
// An error from fn stops the scan and is returned unchanged. Scan does not detect
// duplicate ids; Load does.
func Scan(ctx context.Context, path string, opts ReadOptions, fn func(Document) error) (Report, error) {
	rep := Report{Source: path}
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return rep, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return rep, fmt.Errorf("corpus: %w", err)
	}
	if st.IsDir() {
		if p := findBEIRCorpus(path); p != "" {
			return scanFile(ctx, p, opts, fn)
		}
		return scanTextDir(ctx, path, opts, fn)
	}
	if isTextFile(path) {
		return scanTextFiles(ctx, filepath.Dir(path), []string{filepath.Base(path)}, path, opts, fn)
	}
	return scanFile(ctx, path, opts, fn)
}

func scanFile(ctx context.Context, path string, opts ReadOptions, fn func(Document) error) (Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return Report{Source: path}, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	return ScanJSONL(ctx, f, path, opts, fn)
}

// Load reads every document at path (see Scan). Duplicate ids are resolved as an update
// would: the last occurrence's content wins, kept at the position of the first occurrence,
// so the order of distinct ids is that of their first appearance. Report.Duplicates counts
// the replaced occurrences and Report.Kept the documents returned.
func Load(ctx context.Context, path string, opts ReadOptions) ([]Document, Report, error) {
	var docs []Document
	index := make(map[string]int)
	dups := 0
	rep, err := Scan(ctx, path, opts, func(d Document) error {
		if i, ok := index[d.ID]; ok {
			docs[i] = d
			dups++
			return nil
		}
		index[d.ID] = len(docs)
		docs = append(docs, d)
		return nil
	})
	rep.Duplicates = dups
	rep.Kept = len(docs)
	if err != nil {
		return nil, rep, err
	}
	return docs, rep, nil
}

func hasExt(path string, exts ...string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	for _, e := range exts {
		if ext == e {
			return true
		}
	}
	return false
}
