package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vajrasearch/vajra/internal/corpus"
)

// benchSoak runs a mixed load (searches and upserts) against a running server for a set time
// and reports errors and the server's resident memory over the run. Upserts rewrite a fixed
// pool of documents, each client its own share of it in order, so the collection's size stays
// constant and every acknowledged version is known: --acked records them, --kill-pid kills
// the server with SIGKILL while writes are in flight at the end, and --verify later checks
// that every acknowledged write survived.
func benchSoak(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("bench soak", u)
	url := fs.String("url", "", "the server (vajra serve --data DIR)")
	name := fs.String("collection", "soak", "collection to load (created with the hash embedder when missing)")
	seed := fs.String("seed", "", "JSONL documents uploaded (NDJSON) when the collection is created")
	queriesPath := fs.String("queries", "", "search queries (JSONL with _id and text)")
	acked := fs.String("acked", "", "append every acknowledged upsert (id and version) to this file")
	verify := fs.String("verify", "", "check, instead of loading, that every upsert acknowledged in this file is present")
	key := fs.String("api-key", "", "bearer key (default $VAJRA_API_KEY)")
	var clients, pool, batch, killPID int
	var minutes, writeRatio, sample float64
	intVar(fs, &clients, "clients", 8, 1, 1024, "concurrent clients")
	intVar(fs, &pool, "pool", 5000, 1, anyInt, "documents the upserts rewrite")
	intVar(fs, &batch, "batch", 5, 1, 1000, "documents per upsert request")
	intVar(fs, &killPID, "kill-pid", 0, 0, anyInt, "after the run, SIGKILL this process (the server) while upserts are in flight")
	floatVar(fs, &minutes, "minutes", 10, 0.01, 10000, "length of the run")
	floatVar(fs, &writeRatio, "write-ratio", 0.2, 0, 1, "share of requests that are upserts")
	floatVar(fs, &sample, "sample-s", 30, 1, 3600, "seconds between RSS samples")
	asJSON := fs.Bool("json", false, "print a JSON line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *url == "" {
		return usagef("bench soak needs --url")
	}
	if *key == "" {
		*key = os.Getenv("VAJRA_API_KEY")
	}
	t := newHTTPTarget(*url, *key, clients)
	if err := t.waitReady(ctx, 10*time.Minute); err != nil {
		return err
	}
	if *verify != "" {
		return verifyAcked(ctx, u, t, *name, *verify, *asJSON)
	}
	if *queriesPath == "" {
		return usagef("bench soak needs --queries")
	}
	qs, err := corpus.LoadQueries(*queriesPath)
	if err != nil {
		return err
	}
	if err := ensureSoakCollection(ctx, u, t, *name, *seed); err != nil {
		return err
	}
	var ackw *bufio.Writer
	if *acked != "" {
		f, err := os.OpenFile(*acked, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		ackw = bufio.NewWriter(f)
		defer ackw.Flush()
	}

	s := &soak{t: t, coll: *name, queries: qs, clients: clients, pool: pool, batch: batch, writeRatio: writeRatio, ack: ackw}
	rssStart := t.serverRSSMB(ctx)
	samples := []float64{rssStart}
	start := time.Now()
	end := start.Add(time.Duration(minutes * float64(time.Minute)))
	runCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() { defer wg.Done(); s.client(runCtx, w) }()
	}
	tick := time.NewTicker(time.Duration(sample * float64(time.Second)))
	for time.Now().Before(end) && ctx.Err() == nil {
		select {
		case <-tick.C:
			samples = append(samples, t.serverRSSMB(ctx))
		case <-time.After(time.Until(end)):
		case <-ctx.Done():
		}
	}
	tick.Stop()
	rssEnd := t.serverRSSMB(ctx)
	s.mu.Lock()
	s.measuring = false // from here on, failures are the kill's doing
	errorsDuring, firstErr := s.errors, s.firstErr
	s.mu.Unlock()
	killed := false
	if killPID > 0 {
		time.Sleep(500 * time.Millisecond) // upserts keep flowing
		if err := syscall.Kill(killPID, syscall.SIGKILL); err != nil {
			stopLoad()
			wg.Wait()
			return fmt.Errorf("kill %d: %w", killPID, err)
		}
		killed = true
		time.Sleep(500 * time.Millisecond)
	}
	stopLoad()
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	sl, ul := summarise(s.searchLat), summarise(s.upsertLat)
	rec := map[string]any{"engine": "vajra", "version": version(), "bench": "soak", "dataset": *name,
		"minutes": round(time.Since(start).Minutes(), 2), "clients": clients, "write_ratio": writeRatio,
		"searches": len(s.searchLat), "upserts": len(s.upsertLat), "acked_docs": s.ackedDocs, "errors": errorsDuring,
		"rss_start_mb": rssStart, "rss_end_mb": rssEnd, "rss_max_mb": slices.Max(append(samples, rssEnd)),
		"rss_samples_mb": samples, "search_p50_ms": round(sl.p50, 4), "search_p99_ms": round(sl.p99, 4),
		"upsert_p50_ms": round(ul.p50, 4), "upsert_p99_ms": round(ul.p99, 4), "killed": killed}
	if firstErr != nil {
		rec["first_error"] = firstErr.Error()
	}
	return emit(u, *asJSON, rec)
}

// soak is the state of a soak run.
type soak struct {
	t                          *httpTarget
	coll                       string
	queries                    []corpus.Query
	clients, pool, batch       int
	writeRatio                 float64
	mu                         sync.Mutex
	ack                        *bufio.Writer
	searchLat, upsertLat       []time.Duration
	ackedDocs, errors, version int
	firstErr                   error
	measuring                  bool
}

// client sends searches and upserts until ctx ends. Client w rewrites the pool documents
// whose number is w modulo the number of clients, one request at a time, so a later
// acknowledged version of a document is always the newer one.
func (s *soak) client(ctx context.Context, w int) {
	r := rand.New(rand.NewPCG(uint64(w), 42))
	modes := []string{"lexical", "vector", "hybrid"}
	mine := (s.pool + s.clients - 1 - w) / s.clients // pool documents w owns
	s.mu.Lock()
	s.measuring = true
	s.mu.Unlock()
	for ctx.Err() == nil {
		q := s.queries[r.IntN(len(s.queries))].Text
		if r.Float64() >= s.writeRatio || mine == 0 {
			body, _ := json.Marshal(map[string]any{"query": q, "mode": modes[r.IntN(3)], "limit": 10, "highlight": r.IntN(2) == 0})
			t0 := time.Now()
			_, err := s.t.do(ctx, "POST", "/v1/collections/"+s.coll+"/search", "application/json", body, http.StatusOK)
			s.record(err, time.Since(t0), &s.searchLat, nil)
			continue
		}
		type doc struct {
			ID       string         `json:"id"`
			Title    string         `json:"title"`
			Content  string         `json:"content"`
			Metadata map[string]any `json:"metadata"`
		}
		docs := make([]doc, 0, s.batch)
		seen := map[string]bool{}
		s.mu.Lock()
		for range s.batch {
			id := fmt.Sprintf("soak-%06d", w+s.clients*r.IntN(mine))
			if seen[id] {
				continue
			}
			seen[id] = true
			s.version++
			docs = append(docs, doc{ID: id, Title: "Soak " + id, Content: q + " " + s.queries[r.IntN(len(s.queries))].Text,
				Metadata: map[string]any{"v": s.version, "writer": w}})
		}
		s.mu.Unlock()
		body, _ := json.Marshal(map[string]any{"documents": docs})
		t0 := time.Now()
		_, err := s.t.do(ctx, "POST", "/v1/collections/"+s.coll+"/documents", "application/json", body, http.StatusOK)
		s.record(err, time.Since(t0), &s.upsertLat, func() {
			for _, d := range docs {
				s.ackedDocs++
				if s.ack != nil {
					fmt.Fprintf(s.ack, "%s %d\n", d.ID, d.Metadata["v"])
				}
			}
		})
	}
}

func (s *soak) record(err error, d time.Duration, lat *[]time.Duration, acked func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if s.measuring && !strings.Contains(err.Error(), "context canceled") {
			s.errors++
			if s.firstErr == nil {
				s.firstErr = err
			}
		}
		return
	}
	if s.measuring {
		*lat = append(*lat, d)
	}
	if acked != nil {
		acked()
	}
}

// ensureSoakCollection creates the collection and uploads the seed documents, unless it exists.
func ensureSoakCollection(ctx context.Context, u *ui, t *httpTarget, name, seed string) error {
	if _, err := t.do(ctx, "GET", "/v1/collections/"+name, "", nil, http.StatusOK); err == nil {
		return nil
	}
	if _, err := t.do(ctx, "PUT", "/v1/collections/"+name, "application/json",
		[]byte(`{"embedder": {"kind": "hash"}, "vector": {"profile": "fast"}}`), http.StatusCreated); err != nil {
		return err
	}
	if seed == "" {
		return nil
	}
	start := time.Now()
	data, err := os.ReadFile(seed)
	if err != nil {
		return err
	}
	b, err := t.do(ctx, "POST", "/v1/collections/"+name+"/documents", "application/x-ndjson", data, http.StatusOK)
	if err != nil {
		return err
	}
	fmt.Fprintf(u.err, "seeded %s in %.1f s: %s", name, time.Since(start).Seconds(), b)
	return nil
}

// verifyAcked checks that every acknowledged upsert is present: each document holds the
// version last acknowledged for it, or a newer one.
func verifyAcked(ctx context.Context, u *ui, t *httpTarget, name, path string, asJSON bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	want := map[string]int{}
	sc := bufio.NewScanner(f)
	lines := 0
	for sc.Scan() {
		var id string
		var v int
		if _, err := fmt.Sscan(sc.Text(), &id, &v); err != nil {
			return fmt.Errorf("%s:%d: %v", path, lines+1, err)
		}
		lines++
		want[id] = max(want[id], v)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	b, err := t.do(ctx, "GET", "/v1/collections/"+name+"/export", "", nil, http.StatusOK)
	if err != nil {
		return err
	}
	have := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var d struct {
			ID       string
			Metadata map[string]any
		}
		if json.Unmarshal([]byte(line), &d) == nil {
			if v, ok := d.Metadata["v"].(float64); ok {
				have[d.ID] = int(v)
			}
		}
	}
	missing, stale := 0, 0
	for id, v := range want {
		got, ok := have[id]
		switch {
		case !ok:
			missing++
		case got < v:
			stale++
		}
	}
	rec := map[string]any{"engine": "vajra", "version": version(), "bench": "soak-verify", "dataset": name,
		"acked_writes": lines, "acked_documents": len(want), "missing": missing, "stale": stale}
	if err := emit(u, asJSON, rec); err != nil {
		return err
	}
	if missing+stale > 0 {
		return fmt.Errorf("%d acknowledged documents missing and %d older than acknowledged", missing, stale)
	}
	return nil
}
