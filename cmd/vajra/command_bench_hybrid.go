package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/internal/eval"
)

// benchHybrid measures the three modes over one corpus: build time, latency and quality of
// lexical, vector and hybrid search, with the vector side's recall@10 against exact search.
func benchHybrid(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("bench hybrid", u)
	var src sourceFlags
	var tf textBenchFlags
	var vecDir string
	var ef, candidates int
	src.register(fs, false)
	tf.register(fs)
	fs.StringVar(&vecDir, "vectors", "", "vectors aligned with the corpus and queries (else the --embedder, hash by default)")
	intVar(fs, &ef, "ef", 100, 1, anyInt, "HNSW search ef")
	intVar(fs, &candidates, "candidates", 100, 1, anyInt, "hybrid: candidates per side")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set, err := tf.load(ctx, u, &src)
	if err != nil {
		return err
	}
	if vecDir == "" && src.embedderKind() == "" {
		src.embedder = vajra.EmbedderHash
	}
	threads := src.threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	src.threads = threads

	// Lexical-only build.
	lo, err := src.options(false)
	if err != nil {
		return err
	}
	lo.Embedder = vajra.EmbedderOptions{Kind: vajra.EmbedderNone}
	start := time.Now()
	lexOnly, err := vajra.New(lo)
	if err == nil {
		_, err = lexOnly.Upsert(ctx, set.docs)
	}
	if err != nil {
		return err
	}
	lexBuild := time.Since(start)
	lexOnly.Close()
	lexOnly = nil
	runtime.GC()

	// Both indexes: what hybrid search needs.
	qf := queryFlags{alpha: 0.5, fusion: "rrf", ef: ef, depth: candidates}
	start = time.Now()
	c, qvecs, err := buildForSet(ctx, u, set, &src, &qf, vecDir)
	if err != nil {
		return err
	}
	defer c.Close()
	hybBuild := time.Since(start)

	// Vector-only build: embedding (if any) plus the graph.
	docVecs := make([]float32, 0, len(set.docs)*c.Stats().VectorDim)
	texts := make([]string, len(set.docs))
	for i, d := range set.docs {
		texts[i] = d.Title + "\n" + d.Content
	}
	start = time.Now()
	if vecDir != "" {
		for _, d := range set.docs {
			doc, err := c.Get(d.ID)
			if err != nil {
				return err
			}
			docVecs = append(docVecs, doc.Vector...)
		}
	} else {
		callers := threads
		if src.embedderKind() == vajra.EmbedderLocal {
			callers = 1 // the local model spreads each call over the threads itself
		}
		vs, err := embedParallel(ctx, c, texts, callers)
		if err != nil {
			return err
		}
		for _, v := range vs {
			docVecs = append(docVecs, v...)
		}
	}
	st := c.Stats()
	dim := st.VectorDim
	keys := make([]uint32, len(set.docs))
	for i := range keys {
		keys[i] = uint32(i)
	}
	vx, err := vajra.NewVectorIndex(vajra.VectorIndexOptions{Dim: dim, Metric: st.VectorMetric, Profile: src.profile, Seed: src.seed, Threads: threads})
	if err == nil {
		err = vx.Add(ctx, keys, docVecs)
	}
	if err != nil {
		return err
	}
	vecBuild := time.Since(start)
	vres, _ := (vajra.VectorIndexOptions{Dim: dim, Profile: src.profile}).Resolved()
	vx = nil

	// Exact neighbours of every query vector, for the vector side's recall@10.
	exact, err := vajra.NewVectorIndex(vajra.VectorIndexOptions{Dim: dim, Metric: st.VectorMetric, Profile: "exact"})
	if err == nil {
		err = exact.Add(ctx, keys, docVecs)
	}
	if err != nil {
		return err
	}
	queryVec := func(i int) ([]float32, error) {
		if qvecs != nil {
			return qvecs[set.queries[i].ID], nil
		}
		vs, err := c.Embed(ctx, []string{set.queries[i].Text})
		if err != nil {
			return nil, err
		}
		return vs[0], nil
	}
	truth := make([]map[string]bool, len(set.queries))
	for i := range set.queries {
		qv, err := queryVec(i)
		if err != nil {
			return err
		}
		hits, err := exact.Search(qv, 10, vajra.VectorSearchOptions{})
		if err != nil {
			return err
		}
		truth[i] = map[string]bool{}
		for _, h := range hits {
			truth[i][set.docs[h.Label].ID] = true
		}
	}
	exact = nil

	modes := []struct {
		mode  vajra.Mode
		build time.Duration
	}{{vajra.Lexical, lexBuild}, {vajra.Vector, vecBuild}, {vajra.Hybrid, hybBuild}}
	for _, m := range modes {
		mq := qf
		mq.mode = string(m.mode)
		query := func(i, k int) (vajra.Query, error) {
			q, err := mq.query(set.queries[i].Text)
			if err != nil {
				return q, err
			}
			q.K = k
			if qvecs != nil && m.mode != vajra.Lexical {
				q.Vector = qvecs[set.queries[i].ID]
			}
			if m.mode == vajra.Vector {
				q.EfSearch = max(ef, k)
			}
			return q, nil
		}
		rec := map[string]any{"engine": "vajra", "version": version(), "mode": string(m.mode), "dataset": set.name,
			"n_docs": len(set.docs), "nq": len(set.queries), "k": tf.k, "depth": tf.depth, "threads": threads,
			"build_s": round(m.build.Seconds(), 3)}
		if m.mode != vajra.Lexical {
			rec["M"], rec["efc"], rec["ef"], rec["dim"], rec["metric"] = vres.M, vres.EfConstruction, ef, dim, st.VectorMetric
			// Recall@10 of the vector side against exact search: in hybrid mode, of the
			// candidate list it fuses (fetched at depth `candidates` with ef ≥ candidates).
			depth, efr := 10, max(ef, 10)
			if m.mode == vajra.Hybrid {
				depth, efr = candidates, max(ef, candidates)
			}
			var recall float64
			for i := range set.queries {
				q, err := query(i, depth)
				if err != nil {
					return err
				}
				q.Mode, q.EfSearch = vajra.Vector, efr
				res, err := c.Search(ctx, q)
				if err != nil {
					return err
				}
				hit := 0
				for _, h := range res.Hits[:min(10, len(res.Hits))] {
					if truth[i][h.ID] {
						hit++
					}
				}
				recall += float64(hit) / float64(max(len(truth[i]), 1))
			}
			rec["recall_at_10"] = round(recall/float64(len(set.queries)), 4)
		}
		if set.judged {
			runs := make(map[string][]string, len(set.queries))
			for i, sq := range set.queries {
				q, err := query(i, tf.depth)
				if err != nil {
					return err
				}
				res, err := c.Search(ctx, q)
				if err != nil {
					return err
				}
				for _, h := range res.Hits {
					runs[sq.ID] = append(runs[sq.ID], h.ID)
				}
			}
			s := eval.Evaluate(runs, set.qrels)
			rec["ndcg_at_10"], rec["recall_at_100"] = round(s.NDCG10, 5), round(s.Recall100, 5)
		}
		lat, err := timedPass(len(set.queries), tf.warmup, tf.warmupS, func(i int) error {
			q, err := query(i, tf.k)
			if err != nil {
				return err
			}
			_, err = c.Search(ctx, q)
			return err
		})
		if err != nil {
			return err
		}
		l := summarise(lat)
		rec["p50_ms"], rec["p99_ms"], rec["qps"] = round(l.p50, 4), round(l.p99, 4), round(l.qps, 1)
		rec["mem_rss_mb"] = peakRSSMB()
		if vecDir != "" {
			rec["variant"] = "precomputed vectors"
		} else {
			rec["variant"] = src.embedderKind() + " embedder"
			rec["embedder"] = st.Embedder
		}
		if err := emit(u, tf.json, rec); err != nil {
			return err
		}
	}
	return nil
}

// embedParallel embeds texts with the collection's embedder from several goroutines.
func embedParallel(ctx context.Context, c *vajra.Collection, texts []string, threads int) ([][]float32, error) {
	out := make([][]float32, len(texts))
	errs := make(chan error, threads)
	chunk := (len(texts) + threads - 1) / max(threads, 1)
	for w := 0; w < threads; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(texts))
		go func() {
			if lo >= hi {
				errs <- nil
				return
			}
			vs, err := c.Embed(ctx, texts[lo:hi])
			if err == nil {
				copy(out[lo:hi], vs)
			}
			errs <- err
		}()
	}
	var first error
	for w := 0; w < threads; w++ {
		if err := <-errs; err != nil && first == nil {
			first = fmt.Errorf("embed: %w", err)
		}
	}
	return out, first
}
