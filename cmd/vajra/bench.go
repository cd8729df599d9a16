package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/internal/eval"
)

// The bench commands print the JSON lines of the peer harness (../shared/bench/peers): the
// same fields, the same timing rules. Build time is wall time from data in memory to an index
// that answers; queries run one at a time on one goroutine; p50/p99 are nearest-rank
// percentiles; qps is queries divided by the summed query time.

func runBench(ctx context.Context, u *ui, args []string) error {
	if len(args) == 0 {
		return usagef("bench needs a kind: lexical, vector or hybrid")
	}
	switch args[0] {
	case "lexical":
		return benchLexical(ctx, u, args[1:])
	case "vector":
		return benchVector(ctx, u, args[1:])
	case "hybrid":
		return benchHybrid(ctx, u, args[1:])
	case "-h", "--help", "-help":
		fmt.Fprintln(u.err, "Usage: vajra bench lexical|vector|hybrid [flags] (vajra bench KIND -h for flags)")
		return nil
	}
	return usagef("unknown bench kind %q (want lexical, vector or hybrid)", args[0])
}

// latency summarises per-query times as the harness does.
type latency struct {
	p50, p99, qps float64
}

func summarise(lat []time.Duration) latency {
	if len(lat) == 0 {
		return latency{}
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	var total time.Duration
	for _, d := range s {
		total += d
	}
	pct := func(p float64) float64 {
		i := int(float64(len(s))*p/100+0.999999) - 1
		i = min(max(i, 0), len(s)-1)
		return float64(s[i].Nanoseconds()) / 1e6
	}
	return latency{p50: pct(50), p99: pct(99), qps: float64(len(s)) / total.Seconds()}
}

func round(x float64, digits int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	return v
}

// peakRSSMB reads the process's peak resident set size (VmHWM).
func peakRSSMB() float64 { return procStatusMB("VmHWM:") }

// rssMB reads the current resident set size (VmRSS).
func rssMB() float64 { return procStatusMB("VmRSS:") }

func procStatusMB(key string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key) {
			f := strings.Fields(line[len(key):])
			if len(f) > 0 {
				kb, _ := strconv.ParseFloat(f[0], 64)
				return round(kb/1024, 1)
			}
		}
	}
	return 0
}

// timedPasses runs the harness's text protocol: the untimed quality pass (done by the
// caller), then untimed top-k queries cycling through the list for at least warmup queries
// and warmupS seconds, then one timed pass.
func timedPass(n, warmup int, warmupS float64, search func(i int) error) ([]time.Duration, error) {
	if n == 0 {
		return nil, nil
	}
	end := time.Now().Add(time.Duration(warmupS * float64(time.Second)))
	for i := 0; i < warmup || time.Now().Before(end); i++ {
		if err := search(i % n); err != nil {
			return nil, err
		}
	}
	runtime.GC()
	lat := make([]time.Duration, n)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if err := search(i); err != nil {
			return nil, err
		}
		lat[i] = time.Since(t0)
	}
	return lat, nil
}

type textBenchFlags struct {
	beir, corpus, queries, split string
	n, k, depth, warmup          int
	warmupS                      float64
	json                         bool
	cpuprofile                   string
}

func (t *textBenchFlags) register(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	Float64Var(*float64, string, float64, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&t.beir, "beir", "", "BEIR folder (judged queries give nDCG@10 and recall@100)")
	fs.StringVar(&t.queries, "queries", "", "queries file (JSONL with _id and text), with --corpus")
	fs.StringVar(&t.split, "split", "test", "qrels split (--beir)")
	fs.IntVar(&t.n, "n", 0, "use only the first N documents of --corpus (0 = all)")
	fs.IntVar(&t.k, "k", 10, "results per query in the timed pass")
	fs.IntVar(&t.depth, "depth", 100, "results per query in the quality pass")
	fs.IntVar(&t.warmup, "warmup", 1000, "untimed queries before the timed pass")
	fs.Float64Var(&t.warmupS, "warmup-s", 2, "... and at least this many seconds of them")
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

func benchLexical(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("bench lexical", u)
	var src sourceFlags
	var tf textBenchFlags
	src.register(fs, false)
	tf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set, err := tf.load(ctx, u, &src)
	if err != nil {
		return err
	}
	threads := src.threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	o := src.options(false)
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
	qf := queryFlags{mode: "lexical", alpha: 0.5}
	rec := map[string]any{"engine": "vajra", "version": version(), "mode": "lexical", "dataset": set.name,
		"n_docs": c.Len(), "nq": len(set.queries), "k": tf.k, "depth": tf.depth, "threads": threads,
		"build_s": round(build.Seconds(), 3)}
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
	st := c.Stats()
	rec["p50_ms"], rec["p99_ms"], rec["qps"] = round(l.p50, 4), round(l.p99, 4), round(l.qps, 1)
	rec["mem_rss_mb"] = peakRSSMB()
	rec["k1"], rec["b"] = st.K1, st.B
	rec["variant"] = fmt.Sprintf("bm25 stop=%s stem=%s title=%d", st.Analyzer.Stopwords, st.Analyzer.Stemmer, st.TitleWeight)
	rec["index_mb"] = round(float64(st.LexicalBytes)/(1<<20), 2)
	return emit(u, tf.json, rec)
}

// emit prints a record as a JSON line, or as aligned key: value lines for people.
func emit(u *ui, asJSON bool, rec map[string]any) error {
	if asJSON {
		return printJSON(u, rec)
	}
	keys := make([]string, 0, len(rec))
	for k := range rec {
		keys = append(keys, k)
	}
	order := []string{"engine", "version", "mode", "dataset", "variant", "n", "n_docs", "dim", "metric", "nq", "k", "M", "efc", "ef", "threads", "build_s", "p50_ms", "p99_ms", "qps", "recall_at_k", "recall_at_10", "ndcg_at_10", "recall_at_100", "mem_rss_mb"}
	rank := func(k string) int {
		if i := slices.Index(order, k); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		fmt.Fprintf(u.out, "%-16s %v\n", k, rec[k])
	}
	fmt.Fprintln(u.out)
	return nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil || v <= 0 {
			return nil, usagef("%q: want positive integers separated by commas", s)
		}
		out = append(out, v)
	}
	return out, nil
}

// freeOSMemory returns freed heap to the OS so that RSS reflects what is still held.
func freeOSMemory() { debug.FreeOSMemory() }

// startCPUProfile starts a CPU profile written to path ("" = none) and returns its stop.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
