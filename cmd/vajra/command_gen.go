package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/datagen"
	"github.com/vajrasearch/vajra/internal/storage"
)

func runGen(ctx context.Context, u *ui, args []string) error {
	if len(args) == 0 {
		return usagef("gen needs a kind: vectors or corpus")
	}
	switch args[0] {
	case "vectors":
		return genVectors(ctx, u, args[1:])
	case "corpus":
		return genCorpus(ctx, u, args[1:])
	case "-h", "--help", "-help":
		fmt.Fprintln(u.err, "Usage: vajra gen vectors|corpus [flags] (vajra gen KIND -h for flags)")
		return nil
	}
	return usagef("unknown gen kind %q (want vectors or corpus)", args[0])
}

func genVectors(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("gen vectors", u)
	var o datagen.ClusteredOptions
	var out, spread string
	intVar(fs, &o.N, "n", 0, 0, anyInt, "base vectors (required)")
	fs.StringVar(&out, "out", "", "output folder (required): base.fvecs, query.fvecs, groundtruth.ivecs, groundtruth.dist.fvecs, meta.json")
	intVar(fs, &o.Queries, "nq", 1000, 1, 1<<20, "query vectors")
	intVar(fs, &o.Dim, "dim", 384, 1, 8192, "dimension")
	intVar(fs, &o.Clusters, "clusters", 1000, 1, 1<<24, "mixture components")
	fs.Uint64Var(&o.Seed, "seed", datagen.DefaultSeed, "seed")
	floatVar(fs, &o.Tau, "tau", 35, math.SmallestNonzeroFloat64, 1e9, "decay length of the per-dimension scale")
	floatVar(fs, &o.Floor, "floor", datagen.DefaultFloor, 0, 1e9, "scale floor added to every dimension")
	fs.StringVar(&spread, "spread", "0.7,1.1", "per-cluster spread range lo,hi")
	floatVar(fs, &o.Offset, "offset", datagen.DefaultOffset, 0, 1e9, "shared offset, relative to the typical norm")
	intVar(fs, &o.K, "k", 100, 1, 10000, "exact neighbours per query")
	fs.StringVar(&o.Metric, "metric", "cosine", "cosine (normalised vectors) or l2")
	fs.BoolVar(&o.NoGroundTruth, "no-gt", false, "skip the exact ground truth")
	intVar(fs, &o.Threads, "threads", 0, 0, anyInt, "threads (default: all CPUs; the output does not depend on it)")
	fs.Usage = func() {
		fmt.Fprintln(u.err, "Usage: vajra gen vectors --n N --out DIR [flags]\n\nWrites a clustered vector set (Gaussian mixture with decaying scales, Zipf cluster sizes,\na shared offset and a random rotation) with its exact ground truth, as TEXMEX files.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.N <= 0 || out == "" {
		return usagef("gen vectors needs --n N and --out DIR")
	}
	lo, hi, ok := strings.Cut(spread, ",")
	var err1, err2 error
	o.SpreadLo, err1 = strconv.ParseFloat(strings.TrimSpace(lo), 64)
	o.SpreadHi, err2 = strconv.ParseFloat(strings.TrimSpace(hi), 64)
	if !ok || err1 != nil || err2 != nil {
		return usagef("--spread %q: want two numbers lo,hi", spread)
	}
	bar := u.newProgress("vectors", int64(o.N))
	last := 0
	o.Progress = func(written int) {
		bar.Add(int64(written - last))
		last = written
	}
	meta, err := datagen.GenerateClustered(ctx, storage.OS(), out, o)
	bar.Finish()
	if err != nil {
		return err
	}
	line := fmt.Sprintf("wrote %d vectors of %d dimensions (%s) and %d queries to %s in %.1f s (%.0f vectors/s)",
		meta.NBase, meta.Dim, meta.Metric, meta.NQuery, out, meta.Seconds, float64(meta.NBase)/max(meta.Seconds, 0.05))
	if meta.KGT != nil {
		line += fmt.Sprintf("; exact top-%d ground truth took %.1f s of it", *meta.KGT, meta.GroundTruthSeconds)
	}
	fmt.Fprintln(u.out, line)
	return nil
}

func genCorpus(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("gen corpus", u)
	var o datagen.CorpusOptions
	var from string
	var stats int
	intVar(fs, &o.N, "n", 0, 0, anyInt, "documents (required)")
	fs.StringVar(&o.Out, "out", "", "output JSON Lines file, gzip'd when it ends in .gz (required)")
	fs.StringVar(&o.QueriesOut, "queries", "", "also write queries to this file")
	intVar(fs, &o.Queries, "nq", 1000, 0, 1e7, "queries: titles of held-out articles and phrases from held-out passages")
	fs.StringVar(&from, "from", "", "passages to fit the model on (JSON Lines; default: the built-in 5,000 Wikipedia passages)")
	intVar(fs, &o.HoldOutEvery, "hold-out", 10, 2, 1e6, "hold out one article in N from fitting (queries come from them)")
	fs.Uint64Var(&o.Seed, "seed", datagen.DefaultSeed, "seed")
	intVar(fs, &o.Threads, "threads", 0, 0, anyInt, "threads (default: all CPUs; the output does not depend on it)")
	intVar(fs, &stats, "stats", 0, 0, anyInt, "after writing, compare term statistics of the first N generated documents with N source passages")
	fs.Usage = func() {
		fmt.Fprintln(u.err, "Usage: vajra gen corpus --n N --out FILE.jsonl[.gz] [--queries FILE] [--from PASSAGES] [flags]\n\nWrites documents sampled from a word-level model of real passages (bigrams, repetition\nwithin a document, a Zipf vocabulary that keeps growing, real lengths).\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.N <= 0 || o.Out == "" {
		return usagef("gen corpus needs --n N and --out FILE")
	}
	var passages []datagen.Passage
	if from == "" {
		docs, err := corpus.Default()
		if err != nil {
			return err
		}
		for _, d := range docs {
			passages = append(passages, datagen.Passage{ID: d.ID, Title: d.Title, Text: d.Content})
		}
	} else {
		var err error
		if passages, err = datagen.LoadPassages(ctx, from); err != nil {
			return err
		}
	}
	bar := u.newProgress("documents", int64(o.N))
	last := 0
	o.Progress = func(written int) {
		bar.Add(int64(written - last))
		last = written
	}
	rep, err := datagen.GenerateCorpus(ctx, storage.OS(), passages, o)
	bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(u.out, "fitted on %d passages (%d held out) in %.1f s; wrote %d documents (%.0f MB of JSON) to %s in %.1f s (%.0f documents/s)",
		rep.Training, rep.HeldOut, rep.FitSeconds, rep.Documents, float64(rep.Bytes)/1e6, o.Out, rep.Seconds,
		float64(rep.Documents)/max(rep.Seconds-rep.FitSeconds, 0.05))
	if rep.Queries > 0 {
		fmt.Fprintf(u.out, " and %d queries to %s", rep.Queries, o.QueriesOut)
	}
	fmt.Fprintln(u.out)
	if stats > 0 {
		return printCorpusStats(ctx, u, passages, o.Out, stats)
	}
	return nil
}

// printCorpusStats compares the first n generated documents with the first n source
// passages.
func printCorpusStats(ctx context.Context, u *ui, passages []datagen.Passage, out string, n int) error {
	start := time.Now()
	real, gen := datagen.NewTextStats(), datagen.NewTextStats()
	for _, p := range passages[:min(n, len(passages))] {
		real.Add(p.Text)
	}
	_, err := corpus.Scan(ctx, out, corpus.ReadOptions{}, func(d corpus.Document) error {
		if gen.Documents == n {
			return errStopScan
		}
		gen.Add(d.Content)
		return nil
	})
	if err != nil && !errors.Is(err, errStopScan) {
		return err
	}
	real.Finish()
	gen.Finish()
	fmt.Fprintf(u.out, "source:    %v\ngenerated: %v\n", real, gen)
	for w := int64(1e5); w <= max(real.Words, gen.Words); w *= 10 {
		fmt.Fprintf(u.out, "types at %d words: source %d, generated %d\n", w, real.TypesAt(w), gen.TypesAt(w))
	}
	fmt.Fprintf(u.out, "(statistics in %.1f s)\n", time.Since(start).Seconds())
	return nil
}
