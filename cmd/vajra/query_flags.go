package main

import (
	"flag"

	"github.com/vajrasearch/vajra"
)

// queryFlags are the per-query settings shared by `search` and the REPL.
type queryFlags struct {
	k       int
	offset  int
	mode    string
	alpha   float64
	fusion  string
	filter  string
	ef      int
	depth   int
	explain string
	json    bool
}

func (q *queryFlags) register(fs *flag.FlagSet) {
	intVar(fs, &q.k, "k", 10, 1, anyInt, "number of results")
	intVar(fs, &q.offset, "offset", 0, 0, anyInt, "skip this many of the best results (paging)")
	fs.StringVar(&q.mode, "m", "", "mode: lexical, vector or hybrid (default: hybrid with vectors, else lexical)")
	fs.StringVar(&q.mode, "mode", "", "same as -m")
	floatVar(fs, &q.alpha, "alpha", 0.5, 0, 1, "hybrid: weight of the lexical (BM25) side in [0,1]; the vector side gets 1-alpha")
	fs.StringVar(&q.fusion, "fusion", "rrf", "hybrid fusion: rrf, linear or relative")
	fs.StringVar(&q.filter, "filter", "", "metadata filter, e.g. 'year>=2020 AND lang=en' or 'tag in (a, b)'")
	intVar(fs, &q.ef, "ef", 0, 0, anyInt, "HNSW search breadth for vector queries (default: the profile's)")
	intVar(fs, &q.depth, "depth", 0, 0, anyInt, "hybrid: candidates per side (default max(k, 100))")
	fs.StringVar(&q.explain, "explain", "", "explain the score of the document with this id")
	fs.BoolVar(&q.json, "json", false, "print JSON instead of a table")
}

func (q *queryFlags) wantsVectors() bool {
	m, err := vajra.ParseMode(q.mode)
	return err == nil && m != vajra.Lexical
}

func (q *queryFlags) query(text string) (vajra.Query, error) {
	var mode vajra.Mode
	if q.mode != "" {
		m, err := vajra.ParseMode(q.mode)
		if err != nil {
			return vajra.Query{}, usageError{err.Error()}
		}
		mode = m
	}
	if q.alpha < 0 || q.alpha > 1 {
		return vajra.Query{}, usagef("--alpha %g: want a number in [0,1]", q.alpha)
	}
	alpha := q.alpha
	return vajra.Query{Text: text, Mode: mode, K: q.k, Offset: q.offset, Filter: q.filter, EfSearch: q.ef, Depth: q.depth,
		Fusion: vajra.FusionOptions{Method: vajraFusion(q.fusion), Alpha: &alpha}}, nil
}

func vajraFusion(s string) (m vajra.FusionMethod) { return vajra.FusionMethod(s) }
