package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/internal/eval"
)

func benchLexical(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("bench lexical", u)
	var src sourceFlags
	var tf textBenchFlags
	src.register(fs, false)
	tf.register(fs)
	fs.StringVar(&tf.index, "index", "", "collection directory: build the corpus into it when it holds no collection, then measure opening it (in a fresh process) and searching it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if tf.index != "" {
		return benchLexicalOnDisk(ctx, u, &src, &tf)
	}
	set, err := tf.load(ctx, u, &src)
	if err != nil {
		return err
	}
	threads := benchThreads(&src)
	o, err := src.options(false)
	if err != nil {
		return err
	}
	o.Threads = threads
	stopProfile, err := startCPUProfile(tf.cpuprofile)
	if err != nil {
		return err
	}
	start := time.Now()
	c, err := vajra.New(o)
	if err != nil {
		return err
	}
	if _, err := c.Upsert(ctx, set.docs); err != nil {
		return err
	}
	build := time.Since(start)
	stopProfile()
	rec := map[string]any{"engine": "vajra", "version": version(), "mode": "lexical", "dataset": set.name,
		"n_docs": c.Len(), "nq": len(set.queries), "k": tf.k, "depth": tf.depth, "threads": threads,
		"build_s": round(build.Seconds(), 3)}
	if err := measureLexical(ctx, c, set, &tf, rec); err != nil {
		return err
	}
	return emit(u, tf.json, rec)
}

func benchThreads(src *sourceFlags) int {
	if src.threads > 0 {
		return src.threads
	}
	return runtime.GOMAXPROCS(0)
}

// measureLexical runs the quality pass (judged sets) and the timed pass over c and fills rec
// with their figures and c's sizes.
func measureLexical(ctx context.Context, c *vajra.Collection, set *textSet, tf *textBenchFlags, rec map[string]any) error {
	qf := queryFlags{mode: "lexical", alpha: 0.5}
	if set.judged {
		runs, err := runQueries(ctx, c, set, &qf, nil, tf.depth)
		if err != nil {
			return err
		}
		s := eval.Evaluate(runs, set.qrels)
		rec["ndcg_at_10"], rec["recall_at_100"] = round(s.NDCG10, 5), round(s.Recall100, 5)
	}
	lat, err := timedPass(len(set.queries), tf.warmup, tf.warmupS, func(i int) error {
		_, err := c.Search(ctx, vajra.Query{Text: set.queries[i].Text, Mode: vajra.Lexical, K: tf.k})
		return err
	})
	if err != nil {
		return err
	}
	l := summarise(lat)
	rec["rss_after_queries_mb"] = rssMB()
	st := c.Stats()
	rec["p50_ms"], rec["p99_ms"], rec["qps"] = round(l.p50, 4), round(l.p99, 4), round(l.qps, 1)
	rec["mem_rss_mb"] = peakRSSMB()
	rec["k1"], rec["b"] = st.K1, st.B
	rec["variant"] = fmt.Sprintf("bm25 stop=%s stem=%s title=%d", st.Analyzer.Stopwords, st.Analyzer.Stemmer, st.TitleWeight)
	rec["index_mb"] = round(float64(st.LexicalBytes)/(1<<20), 2)
	if st.Docs > 0 {
		rec["index_bytes_per_doc"] = round(float64(st.LexicalBytes)/float64(st.Docs), 1)
	}
	return nil
}
