package main

import (
	"context"
	"flag"
	"math"
)

type textBenchFlags struct {
	beir, corpus, queries, split string
	n, k, depth, warmup          int
	warmupS                      float64
	json                         bool
	cpuprofile                   string
	index                        string
}

func (t *textBenchFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&t.beir, "beir", "", "BEIR folder (judged queries give nDCG@10 and recall@100)")
	fs.StringVar(&t.queries, "queries", "", "queries file (JSONL with _id and text), with --corpus")
	fs.StringVar(&t.split, "split", "test", "qrels split (--beir)")
	intVar(fs, &t.n, "n", 0, 0, anyInt, "use only the first N documents of --corpus (0 = all)")
	intVar(fs, &t.k, "k", 10, 1, anyInt, "results per query in the timed pass")
	intVar(fs, &t.depth, "depth", 100, 1, anyInt, "results per query in the quality pass")
	intVar(fs, &t.warmup, "warmup", 1000, 0, anyInt, "untimed queries before the timed pass")
	floatVar(fs, &t.warmupS, "warmup-s", 2, 0, math.Inf(1), "... and at least this many seconds of them")
	fs.BoolVar(&t.json, "json", false, "print JSON lines (the peer harness's fields)")
	fs.StringVar(&t.cpuprofile, "cpuprofile", "", "write a CPU profile of the build to this file")
}

// load reads the benchmark's text set: a BEIR folder, or the corpus given with -c/--corpus
// plus a queries file.
func (t *textBenchFlags) load(ctx context.Context, u *ui, src *sourceFlags) (*textSet, error) {
	t.corpus = src.corpus
	skipBad := src.skipBad
	switch {
	case t.beir != "" && t.corpus != "":
		return nil, usagef("give --beir or --corpus, not both")
	case t.beir != "":
		return loadBEIRSet(ctx, u, t.beir, t.split, skipBad)
	case t.corpus != "":
		if t.queries == "" {
			return nil, usagef("--corpus needs --queries")
		}
		return loadCorpusSet(ctx, u, t.corpus, t.queries, t.n, skipBad)
	}
	return nil, usagef("give --beir DIR or --corpus FILE --queries FILE")
}
