package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net"
	"os"
	"strings"
	"time"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/vajrahttp"
)

// benchHTTP measures search over the HTTP API: p50/p99 latency and QPS per mode at several
// numbers of concurrent clients, each run bounded in time and in requests. The target is a
// running server (--url), or the collection served in-process on a loopback port; then the
// in-process p50 of the same queries is measured too, and their difference is the HTTP
// overhead per request (client included). Each answer's took_ms also gives, request by
// request, the time spent outside the engine, which does not depend on a second run.
func benchHTTP(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("bench http", u)
	var src sourceFlags
	src.register(fs, true)
	url := fs.String("url", "", "a running server (vajra serve); without it the collection is served in-process on 127.0.0.1")
	name := fs.String("collection", "", "the collection to query at --url")
	queriesPath := fs.String("queries", "", "queries (JSONL with _id and text); default: titles of the corpus")
	modes := fs.String("modes", "lexical,vector,hybrid", "modes to measure")
	concs := fs.String("concurrency", "1,8,32", "concurrent clients, one run each")
	var n, k, maxReq int
	var dur, warm float64
	intVar(fs, &n, "n", 0, 0, anyInt, "use only the first N documents of --corpus (0 = all)")
	intVar(fs, &k, "k", 10, 1, vajrahttp.MaxLimit, "results per query")
	intVar(fs, &maxReq, "requests", 200000, 1, anyInt, "at most this many requests per run")
	floatVar(fs, &dur, "duration", 10, 0.1, 3600, "at most this many seconds per run")
	floatVar(fs, &warm, "warmup-s", 2, 0, 600, "untimed requests for this many seconds before each run")
	highlight := fs.Bool("highlight", false, "ask for snippets (as a UI would)")
	key := fs.String("api-key", "", "bearer key for --url (default $VAJRA_API_KEY)")
	asJSON := fs.Bool("json", false, "print JSON lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *key == "" {
		*key = os.Getenv("VAJRA_API_KEY")
	}
	modeList := strings.Split(*modes, ",")
	for _, m := range modeList {
		if _, err := vajra.ParseMode(m); err != nil {
			return usagef("--modes: %v", err)
		}
	}
	concList, err := parseInts(*concs)
	if err != nil {
		return usagef("--concurrency: %v", err)
	}
	var texts []string
	if *queriesPath != "" {
		qs, err := corpus.LoadQueries(*queriesPath)
		if err != nil {
			return err
		}
		for _, q := range qs {
			texts = append(texts, q.Text)
		}
	}

	rec := map[string]any{"engine": "vajra", "version": version(), "bench": "http", "k": k,
		"client": "go net/http, keep-alive, one connection per client"}
	var target *httpTarget
	var inproc map[string]float64
	var stopServer func()
	coll := *name
	if *url != "" {
		if coll == "" {
			return usagef("--url needs --collection")
		}
		if len(texts) == 0 {
			return usagef("--url needs --queries")
		}
		target = newHTTPTarget(*url, *key, maxOf(concList))
		if err := target.waitReady(ctx, 5*time.Minute); err != nil {
			return err
		}
		b, err := target.do(ctx, "GET", "/v1/collections/"+coll, "", nil, 200)
		if err != nil {
			return err
		}
		var st struct{ Documents int }
		json.Unmarshal(b, &st)
		rec["n_docs"], rec["dataset"], rec["variant"] = st.Documents, coll, "external server"
	} else {
		c, dataset, qs, err := benchCollection(ctx, u, &src, n, modeList, texts)
		if err != nil {
			return err
		}
		texts = qs
		rec["n_docs"], rec["dataset"], rec["variant"] = c.Len(), dataset, "in-process server"
		if inproc, err = inProcessP50(ctx, c, texts, modeList, k, *highlight, warm); err != nil {
			c.Close()
			return err
		}
		coll = "bench"
		base, stop, err := serveInProcess(ctx, c, coll)
		if err != nil {
			return err
		}
		stopServer = stop
		defer stop()
		target = newHTTPTarget(base, "", maxOf(concList))
	}
	rec["nq"] = len(texts)

	path := "/v1/collections/" + coll + "/search"
	for _, mode := range modeList {
		bodies := make([][]byte, len(texts))
		for i, q := range texts {
			bodies[i], _ = json.Marshal(map[string]any{"query": q, "mode": mode, "limit": k, "highlight": *highlight})
		}
		for _, conc := range concList {
			if warm > 0 {
				runLoad(ctx, target, path, bodies, conc, time.Duration(warm*float64(time.Second)), math.MaxInt)
			}
			res := runLoad(ctx, target, path, bodies, conc, time.Duration(dur*float64(time.Second)), maxReq)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			l := summarise(res.lat)
			out := map[string]any{}
			for k, v := range rec {
				out[k] = v
			}
			out["mode"], out["concurrency"], out["requests"], out["errors"] = mode, conc, len(res.lat), res.errors
			out["duration_s"] = round(res.wall.Seconds(), 2)
			out["p50_ms"], out["p99_ms"] = round(l.p50, 4), round(l.p99, 4)
			if len(res.outside) > 0 {
				// Per request, so the search's own variance cancels: the figure that compares
				// across modes.
				out["outside_engine_p50_ms"] = round(summarise(res.outside).p50, 4)
			}
			out["qps"] = round(float64(len(res.lat))/res.wall.Seconds(), 1)
			if p, ok := inproc[mode]; ok {
				out["inproc_p50_ms"] = round(p, 4)
				if conc == 1 {
					out["overhead_p50_ms"] = round(l.p50-p, 4)
				}
				out["mem_rss_mb"] = peakRSSMB()
			} else {
				out["mem_rss_mb"] = target.serverRSSMB(ctx)
			}
			if res.first != nil {
				out["first_error"] = res.first.Error()
			}
			if err := emit(u, *asJSON, out); err != nil {
				return err
			}
		}
	}
	if stopServer != nil {
		stopServer()
	}
	return nil
}

func maxOf(xs []int) int {
	m := 1
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// benchCollection opens (-i) or builds (-c, or the built-in corpus) the collection to serve,
// and returns the queries: those given, or the titles of every 10th document.
func benchCollection(ctx context.Context, u *ui, src *sourceFlags, n int, modes []string, texts []string) (*vajra.Collection, string, []string, error) {
	wantVectors := false
	for _, m := range modes {
		wantVectors = wantVectors || m != "lexical"
	}
	if src.embedder == "" && wantVectors && src.index == "" {
		src.embedder = vajra.EmbedderHash
	}
	var c *vajra.Collection
	dataset := "built-in"
	switch {
	case src.index != "":
		var err error
		if c, _, err = src.open(ctx, u, wantVectors); err != nil {
			return nil, "", nil, err
		}
		dataset = datasetName(src.index)
	case src.corpus != "":
		set, err := loadCorpusSet(ctx, u, src.corpus, "", n, src.skipBad)
		if err != nil {
			return nil, "", nil, err
		}
		qf := queryFlags{mode: "hybrid"}
		if !wantVectors {
			qf.mode = "lexical"
		}
		if c, _, err = buildForSet(ctx, u, set, src, &qf, ""); err != nil {
			return nil, "", nil, err
		}
		dataset = datasetName(src.corpus)
		if n > 0 {
			dataset = fmt.Sprintf("%s-%d", dataset, n)
		}
	default:
		var err error
		if c, _, err = src.open(ctx, u, wantVectors); err != nil {
			return nil, "", nil, err
		}
	}
	if len(texts) == 0 {
		for i, id := range c.IDs() {
			if i%10 == 0 {
				if d, err := c.Get(id); err == nil && d.Title != "" {
					texts = append(texts, d.Title)
				}
			}
		}
	}
	if len(texts) == 0 {
		c.Close()
		return nil, "", nil, fmt.Errorf("no queries: give --queries")
	}
	return c, dataset, texts, nil
}

// inProcessP50 runs the queries through Collection.Search on one goroutine, as `vajra bench`
// does, and returns the p50 per mode.
func inProcessP50(ctx context.Context, c *vajra.Collection, texts, modes []string, k int, highlight bool, warm float64) (map[string]float64, error) {
	out := map[string]float64{}
	for _, m := range modes {
		mode, _ := vajra.ParseMode(m)
		lat, err := timedPass(len(texts), len(texts), warm, func(i int) error {
			_, err := c.Search(ctx, vajra.Query{Text: texts[i], Mode: mode, K: k, Highlight: highlight})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("in-process %s search: %w", m, err)
		}
		out[m] = summarise(lat).p50
	}
	return out, nil
}

// serveInProcess serves c read-only as name on a loopback port.
func serveInProcess(ctx context.Context, c *vajra.Collection, name string) (string, func(), error) {
	s, err := vajrahttp.New(vajrahttp.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return "", nil, err
	}
	if err := s.AddCollection(name, c, true); err != nil {
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Serve(sctx, l) }()
	stopped := false
	return "http://" + l.Addr().String(), func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}, nil
}
