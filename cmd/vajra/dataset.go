package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/vector"
)

// textSet is a text evaluation set in memory: documents, the queries to run and, when
// judged, their relevance grades.
type textSet struct {
	name    string
	docs    []vajra.Document
	queries []corpus.Query // the queries to run (judged ones for BEIR)
	all     []corpus.Query // every query in file order (for vector alignment)
	qrels   map[string]map[string]int
	judged  bool
}

// loadBEIRSet reads a BEIR folder; only queries with qrels in split are run.
func loadBEIRSet(ctx context.Context, u *ui, dir, split string, skipBad bool) (*textSet, error) {
	b, err := corpus.LoadBEIR(ctx, dir, split, corpus.ReadOptions{SkipBad: skipBad})
	if err != nil {
		return nil, err
	}
	if b.Report.Bad > 0 || b.Report.Duplicates > 0 {
		reportLoad(u, b.Report)
	}
	s := &textSet{name: b.Name, docs: b.Corpus, all: b.Queries, queries: b.JudgedQueries(), judged: true,
		qrels: map[string]map[string]int{}}
	for _, q := range s.queries {
		s.qrels[q.ID] = b.Qrels[q.ID]
	}
	if len(s.queries) == 0 {
		return nil, fmt.Errorf("%s: no query has judgements in split %q", dir, split)
	}
	return s, nil
}

// loadCorpusSet reads a corpus file (the first n documents when n > 0) and a queries file.
func loadCorpusSet(ctx context.Context, u *ui, corpusPath, queriesPath string, n int, skipBad bool) (*textSet, error) {
	s := &textSet{name: datasetName(corpusPath)}
	rep, err := corpus.Scan(ctx, corpusPath, corpus.ReadOptions{SkipBad: skipBad}, func(d corpus.Document) error {
		if n > 0 && len(s.docs) >= n {
			return errStopScan
		}
		s.docs = append(s.docs, d)
		return nil
	})
	if err != nil && err != errStopScan {
		return nil, err
	}
	if rep.Bad > 0 {
		reportLoad(u, rep)
	}
	if queriesPath != "" {
		qs, err := corpus.LoadQueries(queriesPath)
		if err != nil {
			return nil, err
		}
		s.queries, s.all = qs, qs
	}
	return s, nil
}

var errStopScan = fmt.Errorf("enough documents")

// datasetName is the name results are filed under: the base name of the data folder, as the
// peer harness uses.
func datasetName(path string) string {
	path = filepath.Clean(path)
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		path = filepath.Dir(path)
	}
	return filepath.Base(path)
}

// alignedVectors reads a vector folder aligned with a text set (the peer harness's rule):
// row i of base.fvecs is document i of the corpus (or the id on line i of base_ids.txt), row
// j of query.fvecs is query j of the queries file (or query_ids.txt).
func alignedVectors(dir string, s *textSet) (docVecs map[string][]float32, queryVecs map[string][]float32, dim int, metric string, err error) {
	base, dim, err := vector.ReadFvecs(filepath.Join(dir, "base.fvecs"))
	if err != nil {
		return nil, nil, 0, "", err
	}
	qv, qdim, err := vector.ReadFvecs(filepath.Join(dir, "query.fvecs"))
	if err != nil {
		return nil, nil, 0, "", err
	}
	if qdim != dim {
		return nil, nil, 0, "", fmt.Errorf("%s: query vectors are %d-d, base vectors %d-d", dir, qdim, dim)
	}
	metric = readMetric(dir)
	baseIDs, err := readIDs(filepath.Join(dir, "base_ids.txt"))
	if err != nil {
		return nil, nil, 0, "", err
	}
	if baseIDs == nil {
		for _, d := range s.docs {
			baseIDs = append(baseIDs, d.ID)
		}
	}
	queryIDs, err := readIDs(filepath.Join(dir, "query_ids.txt"))
	if err != nil {
		return nil, nil, 0, "", err
	}
	if queryIDs == nil {
		for _, q := range s.all {
			queryIDs = append(queryIDs, q.ID)
		}
	}
	if len(baseIDs)*dim != len(base) {
		return nil, nil, 0, "", fmt.Errorf("%s: %d base vectors for %d documents", dir, len(base)/dim, len(baseIDs))
	}
	if len(queryIDs)*dim != len(qv) {
		return nil, nil, 0, "", fmt.Errorf("%s: %d query vectors for %d queries", dir, len(qv)/dim, len(queryIDs))
	}
	docVecs = make(map[string][]float32, len(baseIDs))
	for i, id := range baseIDs {
		docVecs[id] = base[i*dim : (i+1)*dim : (i+1)*dim]
	}
	queryVecs = make(map[string][]float32, len(queryIDs))
	for i, id := range queryIDs {
		queryVecs[id] = qv[i*dim : (i+1)*dim : (i+1)*dim]
	}
	for _, d := range s.docs {
		if docVecs[d.ID] == nil {
			return nil, nil, 0, "", fmt.Errorf("%s: document %q has no vector", dir, d.ID)
		}
	}
	for _, q := range s.queries {
		if queryVecs[q.ID] == nil {
			return nil, nil, 0, "", fmt.Errorf("%s: query %q has no vector", dir, q.ID)
		}
	}
	return docVecs, queryVecs, dim, metric, nil
}

func readIDs(path string) ([]string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			ids = append(ids, t)
		}
	}
	return ids, sc.Err()
}

// readMetric returns meta.json's metric ("cosine" when absent).
func readMetric(dir string) string {
	var meta struct {
		Metric string `json:"metric"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil || json.Unmarshal(b, &meta) != nil || meta.Metric == "" {
		return "cosine"
	}
	return meta.Metric
}
