package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// httpTarget is a server the load generator talks to.
type httpTarget struct {
	base   string // http://host:port
	key    string // bearer token, or ""
	client *http.Client
}

func newHTTPTarget(base, key string, conns int) *httpTarget {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns + 4,
		MaxIdleConnsPerHost: conns + 4,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &httpTarget{base: strings.TrimSuffix(base, "/"), key: key, client: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// do sends one request and reads the whole answer; a status other than want is an error.
func (t *httpTarget) do(ctx context.Context, method, path, ctype string, body []byte, want int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, rd)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if t.key != "" {
		req.Header.Set("Authorization", "Bearer "+t.key)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return b, fmt.Errorf("%s %s: %d: %.200s", method, path, resp.StatusCode, b)
	}
	return b, nil
}

// serverRSSMB reads the server's resident memory from its /metrics, or 0.
func (t *httpTarget) serverRSSMB(ctx context.Context) float64 {
	b, err := t.do(ctx, "GET", "/metrics", "", nil, http.StatusOK)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "process_resident_memory_bytes "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return round(f/(1<<20), 1)
		}
	}
	return 0
}

// waitReady polls /readyz until the server has loaded its collections.
func (t *httpTarget) waitReady(ctx context.Context, timeout time.Duration) error {
	end := time.Now().Add(timeout)
	var last error
	for time.Now().Before(end) {
		if _, err := t.do(ctx, "GET", "/readyz", "", nil, http.StatusOK); err == nil {
			return nil
		} else {
			last = err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s not ready after %v: %v", t.base, timeout, last)
}

// loadResult is one bounded run of the load generator.
type loadResult struct {
	lat []time.Duration // successful requests
	// outside is, per successful request that reported its took_ms, the round trip minus the
	// time the engine took: what HTTP, JSON and the client add, measured on the same request.
	outside []time.Duration
	errors  int
	first   error
	wall    time.Duration
}

// runLoad sends POST path with bodies (cycling) from conc goroutines until duration has
// passed or max requests have been sent, whichever comes first.
func runLoad(ctx context.Context, t *httpTarget, path string, bodies [][]byte, conc int, duration time.Duration, max int) loadResult {
	var next atomic.Int64
	deadline := time.Now().Add(duration)
	per := make([][]time.Duration, conc)
	outside := make([][]time.Duration, conc)
	errs := make([]int, conc)
	var firstErr error
	var errMu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				i := int(next.Add(1) - 1)
				if i >= max {
					return
				}
				t0 := time.Now()
				body, err := t.do(ctx, "POST", path, "application/json", bodies[i%len(bodies)], http.StatusOK)
				d := time.Since(t0)
				if err != nil {
					errs[w]++
					errMu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					errMu.Unlock()
					continue
				}
				per[w] = append(per[w], d)
				if took, ok := tookOf(body); ok {
					outside[w] = append(outside[w], d-took)
				}
			}
		}()
	}
	wg.Wait()
	r := loadResult{wall: time.Since(start), first: firstErr}
	for w := range conc {
		r.lat = append(r.lat, per[w]...)
		r.outside = append(r.outside, outside[w]...)
		r.errors += errs[w]
	}
	return r
}

// tookOf reads the "took_ms" a search answer ends with, without decoding the answer.
func tookOf(body []byte) (time.Duration, bool) {
	const key = `"took_ms":`
	i := bytes.LastIndex(body, []byte(key))
	if i < 0 {
		return 0, false
	}
	rest := body[i+len(key):]
	j := bytes.IndexAny(rest, ",}")
	if j < 0 {
		return 0, false
	}
	ms, err := strconv.ParseFloat(string(bytes.TrimSpace(rest[:j])), 64)
	if err != nil || ms < 0 {
		return 0, false
	}
	return time.Duration(ms * 1e6), true
}
