package main

import (
	"context"
	"fmt"
	"time"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/internal/eval"
)

func runEval(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("eval", u)
	var src sourceFlags
	var qf queryFlags
	var dir, split, vecDir string
	src.register(fs, false)
	qf.register(fs)
	fs.StringVar(&dir, "beir", "", "BEIR folder (corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv)")
	fs.StringVar(&split, "split", "test", "qrels split")
	fs.StringVar(&vecDir, "vectors", "", "vectors aligned with the corpus and queries (base.fvecs, query.fvecs); implies the precomputed embedder")
	fs.Usage = func() {
		fmt.Fprintln(u.err, "Usage: vajra eval --beir DIR [--split test] [-m lexical|vector|hybrid] [--json]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if dir == "" {
		return usagef("eval needs --beir DIR")
	}
	set, err := loadBEIRSet(ctx, u, dir, split, src.skipBad)
	if err != nil {
		return err
	}
	start := time.Now()
	c, qvecs, err := buildForSet(ctx, u, set, &src, &qf, vecDir)
	if err != nil {
		return err
	}
	defer c.Close()
	build := time.Since(start)
	runs, err := runQueries(ctx, c, set, &qf, qvecs, 100)
	if err != nil {
		return err
	}
	s := eval.Evaluate(runs, set.qrels)
	mode := qf.mode
	if mode == "" {
		mode = string(vajra.Lexical)
		if c.HasVectors() {
			mode = string(vajra.Hybrid)
		}
	}
	if qf.json {
		m, _ := vajra.ParseMode(mode)
		return printJSON(u, map[string]any{"dataset": set.name, "mode": string(m), "queries": s.Queries,
			"ndcg_at_10": round5(s.NDCG10), "recall_at_100": round5(s.Recall100), "mrr_at_10": round5(s.MRR10)})
	}
	fmt.Fprintf(u.out, "%s (%s split): %d documents, %d judged queries, %s mode, indexed in %.2f s\n",
		set.name, split, len(set.docs), s.Queries, mode, build.Seconds())
	fmt.Fprintf(u.out, "nDCG@10   %.4f\nRecall@100 %.4f\nMRR@10    %.4f\n", s.NDCG10, s.Recall100, s.MRR10)
	return nil
}

func round5(x float64) float64 { return float64(int64(x*1e5+0.5)) / 1e5 }
