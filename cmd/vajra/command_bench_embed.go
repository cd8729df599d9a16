package main

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/vajrasearch/vajra"
)

// benchEmbed measures the local embedder: the model's load time and memory, sentences per
// second at batch 1 and 32 over a corpus's passages (title and content, as indexing embeds
// them; sorted by length before batching, as sentence-transformers does), and the latency
// of 10-word queries.
func benchEmbed(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("bench embed", u)
	var modelDir, corpus string
	var threads, passages, passagesB1, queries int
	var asJSON bool
	fs.StringVar(&modelDir, "model", "", "model folder of the local embedder")
	fs.StringVar(&corpus, "c", "", "corpus whose passages to embed: JSONL(.gz) file, BEIR folder or folder of .txt/.md files")
	fs.StringVar(&corpus, "corpus", "", "same as -c")
	intVar(fs, &threads, "threads", 0, 0, anyInt, "cores to use (0 = all)")
	intVar(fs, &passages, "passages", 0, 0, anyInt, "passages embedded at batch 32 (0 = all)")
	intVar(fs, &passagesB1, "passages-b1", 200, 0, anyInt, "passages embedded one at a time")
	intVar(fs, &queries, "queries", 200, 1, anyInt, "10-word queries timed one at a time")
	fs.BoolVar(&asJSON, "json", false, "print JSON lines")
	fs.Usage = func() {
		fmt.Fprintln(u.err, "Usage: vajra bench embed --model DIR -c CORPUS [--threads N] [--json]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if modelDir == "" || corpus == "" {
		return usagef("bench embed needs --model DIR and -c CORPUS")
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	docs, rep, err := vajra.LoadDocuments(ctx, corpus, vajra.LoadOptions{})
	if err != nil {
		return err
	}
	reportLoad(u, rep)
	if len(docs) == 0 {
		return fmt.Errorf("%s holds no documents", corpus)
	}
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = strings.TrimSpace(d.Title + "\n" + d.Content)
	}

	heapBefore := heapInUse()
	start := time.Now()
	c, err := vajra.New(vajra.Options{Embedder: vajra.EmbedderOptions{Kind: vajra.EmbedderLocal, ModelDir: modelDir}, Threads: threads})
	if err != nil {
		return err
	}
	defer c.Close()
	load := time.Since(start)
	base := map[string]any{"engine": "vajra", "version": version(), "embedder": c.EmbedderSpec(), "threads": threads}
	rec := func(kv map[string]any) map[string]any {
		for k, v := range base {
			kv[k] = v
		}
		return kv
	}
	if err := emit(u, asJSON, rec(map[string]any{"bench": "load", "load_s": round(load.Seconds(), 3),
		"model_mb": round(float64(heapInUse()-heapBefore)/(1<<20), 1), "mem_rss_mb": rssMB()})); err != nil {
		return err
	}
	// Warm up: the first call grows the model's workspace.
	if _, err := c.Embed(ctx, texts[:min(8, len(texts))]); err != nil {
		return err
	}
	for _, run := range []struct{ batch, n int }{{32, passages}, {1, passagesB1}} {
		n := run.n
		if n == 0 || n > len(texts) {
			n = len(texts)
		}
		chunk := slices.Clone(texts[:n])
		slices.SortStableFunc(chunk, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
		cpu0, cpuOK := processCPU()
		start := time.Now()
		for lo := 0; lo < n; lo += run.batch {
			if _, err := c.Embed(ctx, chunk[lo:min(n, lo+run.batch)]); err != nil {
				return err
			}
		}
		d := time.Since(start)
		r := map[string]any{"bench": "embed", "batch": run.batch, "sentences": n,
			"seconds": round(d.Seconds(), 3), "sentences_per_s": round(float64(n)/d.Seconds(), 2)}
		// CPU time tells a busy machine from a slow program: sentences per CPU-second times
		// the threads is the rate the cores would give if nothing else ran.
		if cpu1, ok := processCPU(); ok && cpuOK && cpu1 > cpu0 {
			r["cpu_s"] = round((cpu1 - cpu0).Seconds(), 3)
			r["sentences_per_cpu_s"] = round(float64(n)/(cpu1-cpu0).Seconds(), 2)
		}
		if err := emit(u, asJSON, rec(r)); err != nil {
			return err
		}
	}
	// Queries: the first 10 words of passages, one at a time.
	qs := make([]string, 0, queries)
	for i := 0; len(qs) < queries; i++ {
		w := strings.Fields(texts[i%len(texts)])
		qs = append(qs, strings.Join(w[:min(10, len(w))], " "))
	}
	lat, err := timedPass(len(qs), 20, 0.5, func(i int) error {
		_, err := c.Embed(ctx, qs[i:i+1])
		return err
	})
	if err != nil {
		return err
	}
	l := summarise(lat)
	return emit(u, asJSON, rec(map[string]any{"bench": "query", "words": 10, "nq": len(qs),
		"p50_ms": round(l.p50, 3), "p99_ms": round(l.p99, 3), "qps": round(l.qps, 1), "mem_rss_mb": peakRSSMB()}))
}

// heapInUse is the live heap after a collection, to tell how much memory a load took.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
