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

// buildForSet indexes a text set in memory. With vecDir, documents and queries take their
// vectors from it (precomputed embedder); otherwise vector modes use the flags' embedder.
func buildForSet(ctx context.Context, u *ui, set *textSet, src *sourceFlags, qf *queryFlags, vecDir string) (*vajra.Collection, map[string][]float32, error) {
	var qvecs map[string][]float32
	docs := set.docs
	o := src.options(qf.wantsVectors())
	if vecDir != "" {
		dv, qv, _, metric, err := alignedVectors(vecDir, set)
		if err != nil {
			return nil, nil, err
		}
		qvecs = qv
		o.Embedder = vajra.EmbedderOptions{Kind: vajra.EmbedderPrecomputed}
		o.Vector.Metric = metric
		docs = make([]vajra.Document, len(set.docs))
		for i, d := range set.docs {
			d.Vector = dv[d.ID]
			docs[i] = d
		}
	}
	c, err := vajra.New(o)
	if err != nil {
		return nil, nil, err
	}
	if err := upsertWithProgress(ctx, u, c, docs, "indexing"); err != nil {
		return nil, nil, err
	}
	return c, qvecs, nil
}

// runQueries runs every query of the set at the given depth and returns the ranked ids.
func runQueries(ctx context.Context, c *vajra.Collection, set *textSet, qf *queryFlags, qvecs map[string][]float32, depth int) (map[string][]string, error) {
	runs := make(map[string][]string, len(set.queries))
	for _, q := range set.queries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		vq, err := qf.query(q.Text)
		if err != nil {
			return nil, err
		}
		vq.K = depth
		if qvecs != nil {
			vq.Vector = qvecs[q.ID]
		}
		res, err := c.Search(ctx, vq)
		if err != nil {
			return nil, fmt.Errorf("query %q: %w", q.ID, err)
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		runs[q.ID] = ids
	}
	return runs, nil
}
