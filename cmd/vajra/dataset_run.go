package main

import (
	"context"
	"fmt"

	"github.com/vajrasearch/vajra"
)

// buildForSet indexes a text set in memory. With vecDir, documents and queries take their
// vectors from it (precomputed embedder); otherwise vector modes use the flags' embedder.
func buildForSet(ctx context.Context, u *ui, set *textSet, src *sourceFlags, qf *queryFlags, vecDir string) (*vajra.Collection, map[string][]float32, error) {
	var qvecs map[string][]float32
	docs := set.docs
	o, err := src.options(qf.wantsVectors())
	if err != nil {
		return nil, nil, err
	}
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
