package corpus

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// BEIR is a loaded BEIR-format evaluation set: corpus.jsonl, queries.jsonl and
// qrels/<split>.tsv in one folder (the .jsonl files may be gzip'd as .jsonl.gz).
type BEIR struct {
	Dir, Name string // the folder and its base name
	Split     string // the qrels split loaded
	Corpus    []Document
	Queries   []Query
	Qrels     map[string]map[string]int // query id → corpus id → score
	Report    Report                    // of the corpus read
}

// DefaultSplit is the qrels split LoadBEIR uses when none is given.
const DefaultSplit = "test"

// LoadBEIR loads the BEIR folder dir with the qrels of split ("" means "test"). The corpus
// is read as Load reads it (opts apply; duplicate ids resolved the same way); the queries
// and qrels must be well-formed.
func LoadBEIR(ctx context.Context, dir, split string, opts ReadOptions) (*BEIR, error) {
	if split == "" {
		split = DefaultSplit
	}
	corpusPath := findBEIRCorpus(dir)
	if corpusPath == "" {
		return nil, fmt.Errorf("corpus: %s is not a BEIR folder: %w (no corpus.jsonl or corpus.jsonl.gz)", dir, ErrNoDocuments)
	}
	qrelsPath := filepath.Join(dir, "qrels", split+".tsv")
	if _, err := os.Stat(qrelsPath); err != nil {
		return nil, fmt.Errorf("corpus: qrels split %q: %w (available: %s)", split, err, availableSplits(dir))
	}
	queriesPath := ""
	for _, n := range []string{"queries.jsonl", "queries.jsonl.gz"} {
		if p := filepath.Join(dir, n); fileExists(p) {
			queriesPath = p
			break
		}
	}
	if queriesPath == "" {
		return nil, fmt.Errorf("corpus: %s: no queries.jsonl or queries.jsonl.gz", dir)
	}
	docs, rep, err := Load(ctx, corpusPath, opts)
	if err != nil {
		return nil, err
	}
	queries, err := LoadQueries(queriesPath)
	if err != nil {
		return nil, err
	}
	qrels, err := LoadQrels(qrelsPath)
	if err != nil {
		return nil, err
	}
	return &BEIR{
		Dir: dir, Name: filepath.Base(filepath.Clean(dir)), Split: split,
		Corpus: docs, Queries: queries, Qrels: qrels, Report: rep,
	}, nil
}

// JudgedQueries returns the queries with at least one judgement (of any score) in the
// loaded split, in queries-file order: the queries an evaluation of that split runs.
func (b *BEIR) JudgedQueries() []Query {
	var out []Query
	for _, q := range b.Queries {
		if len(b.Qrels[q.ID]) > 0 {
			out = append(out, q)
		}
	}
	return out
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func availableSplits(dir string) string {
	entries, err := os.ReadDir(filepath.Join(dir, "qrels"))
	if err != nil {
		return "none"
	}
	var splits []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".tsv"); ok && !e.IsDir() {
			splits = append(splits, n)
		}
	}
	if len(splits) == 0 {
		return "none"
	}
	sort.Strings(splits)
	return strings.Join(splits, ", ")
}
