package embed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeVector is the vector the test servers return for text: deterministic and distinct.
func fakeVector(text string, dim int) []float32 {
	v := make([]float32, dim)
	for j := range v {
		v[j] = float32(len(text)) + float32(j)/4
	}
	return v
}

type fakeItem struct {
	Object    string    `json:"object"`
	Index     int       `json:"index"`
	Embedding []float32 `json:"embedding"`
}

func fakeItems(inputs []string, dim int) []fakeItem {
	items := make([]fakeItem, len(inputs))
	for i, in := range inputs {
		items[i] = fakeItem{"embedding", i, fakeVector(in, dim)}
	}
	return items
}

func writeItems(w http.ResponseWriter, items []fakeItem) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "model": "m", "data": items})
}

// embedServer answers like an OpenAI endpoint with dim-long vectors, after handing each
// request to before, which may answer instead (returning true).
type embedServer struct {
	*httptest.Server
	calls atomic.Int32
	mu    sync.Mutex
	reqs  []embedRequest
	hdrs  []http.Header
}

func newEmbedServer(t *testing.T, dim int, before func(w http.ResponseWriter, r *http.Request, call int, req embedRequest) bool) *embedServer {
	t.Helper()
	s := &embedServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		call := int(s.calls.Add(1))
		if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
			http.Error(w, "wrong route "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		var req embedRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, req)
		s.hdrs = append(s.hdrs, r.Header.Clone())
		s.mu.Unlock()
		if before != nil && before(w, r, call, req) {
			return
		}
		writeItems(w, fakeItems(req.Input, dim))
	}))
	t.Cleanup(s.Close)
	return s
}

// fastOptions are client options with waits short enough for tests.
func fastOptions(url string) OpenAIOptions {
	return OpenAIOptions{URL: url, Model: "m", Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Timeout: 5 * time.Second}
}

func newTestClient(t *testing.T, o OpenAIOptions) *OpenAI {
	t.Helper()
	c, err := NewOpenAI(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strings.Repeat("x", i+1)
	}
	return out
}

func checkVectors(t *testing.T, in []string, got [][]float32, dim int) {
	t.Helper()
	if len(got) != len(in) {
		t.Fatalf("%d vectors for %d texts", len(got), len(in))
	}
	for i, v := range got {
		want := fakeVector(in[i], dim)
		if len(v) != dim {
			t.Fatalf("vector %d has %d values, want %d", i, len(v), dim)
		}
		for j := range v {
			if v[j] != want[j] {
				t.Fatalf("vector %d = %v, want %v", i, v, want)
			}
		}
	}
}

func TestOpenAIBatchesAndLearnsDim(t *testing.T) {
	srv := newEmbedServer(t, 3, nil)
	o := fastOptions(srv.URL)
	o.BatchSize = 2
	o.APIKey = "sk-secret"
	c := newTestClient(t, o)
	if c.Dim() != 0 {
		t.Fatalf("Dim before any response = %d", c.Dim())
	}
	in := texts(5)
	got, err := c.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, got, 3)
	if c.Dim() != 3 || c.Spec().Dim != 3 {
		t.Fatalf("Dim after response = %d", c.Dim())
	}
	if n := srv.calls.Load(); n != 3 {
		t.Fatalf("%d requests for 5 texts in batches of 2", n)
	}
	for i, req := range srv.reqs {
		if req.Model != "m" || req.EncodingFormat != "float" || req.Dimensions != 0 {
			t.Errorf("request %d = %+v", i, req)
		}
		if h := srv.hdrs[i]; h.Get("Authorization") != "Bearer sk-secret" || h.Get("Content-Type") != "application/json" {
			t.Errorf("request %d headers %v", i, h)
		}
	}
	if got, err := c.Embed(context.Background(), nil); err != nil || len(got) != 0 {
		t.Fatalf("Embed(nil) = %v, %v", got, err)
	}
	spec := c.Spec()
	if spec.Kind != KindOpenAI || spec.Model != "m" || spec.Params[ParamURL] != srv.URL+"/v1/embeddings" {
		t.Fatalf("spec %s", spec)
	}
	if strings.Contains(spec.String(), "secret") {
		t.Fatal("spec leaks the API key")
	}
}

func TestOpenAIRequestDimensions(t *testing.T) {
	srv := newEmbedServer(t, 4, nil)
	o := fastOptions(srv.URL + "/v1")
	o.Dim, o.RequestDimensions = 4, true
	c := newTestClient(t, o)
	if _, err := c.Embed(context.Background(), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if srv.reqs[0].Dimensions != 4 {
		t.Fatalf("dimensions sent = %d", srv.reqs[0].Dimensions)
	}
}

func TestOpenAIRetryThenSuccess(t *testing.T) {
	srv := newEmbedServer(t, 2, func(w http.ResponseWriter, r *http.Request, call int, _ embedRequest) bool {
		if call <= 2 {
			http.Error(w, "hiccup", http.StatusInternalServerError)
			return true
		}
		return false
	})
	c := newTestClient(t, fastOptions(srv.URL))
	in := texts(2)
	got, err := c.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, got, 2)
	if n := srv.calls.Load(); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
}

func TestOpenAIRetryAfter(t *testing.T) {
	srv := newEmbedServer(t, 2, func(w http.ResponseWriter, r *http.Request, call int, _ embedRequest) bool {
		switch call {
		case 1:
			w.Header().Set("Retry-After", "2")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return true
		case 2:
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	o := fastOptions(srv.URL)
	o.MaxBackoff = time.Minute
	c := newTestClient(t, o)
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	if _, err := c.Embed(context.Background(), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 2 || waits[0] != 2*time.Second || waits[1] != 0 {
		t.Fatalf("waits %v, want [2s 0s] from Retry-After", waits)
	}
}

func TestOpenAIStatusErrors(t *testing.T) {
	long := strings.Repeat("é", 300)
	tests := []struct {
		name        string
		status      int
		body        string
		attempts    int32
		unavailable bool
	}{
		{"500 forever", http.StatusInternalServerError, "boom", 3, false},
		{"503 forever", http.StatusServiceUnavailable, "overloaded", 3, true},
		{"401 not retried", http.StatusUnauthorized, `{"error":{"message":"bad key"}}`, 1, false},
		{"400 long body", http.StatusBadRequest, long, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newEmbedServer(t, 2, func(w http.ResponseWriter, r *http.Request, call int, _ embedRequest) bool {
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
				return true
			})
			o := fastOptions(srv.URL)
			o.MaxRetries = 2
			c := newTestClient(t, o)
			_, err := c.Embed(context.Background(), []string{"a"})
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("Embed = %v, want a StatusError", err)
			}
			if se.StatusCode != tt.status || !strings.HasPrefix(tt.body, se.Body) || len(se.Body) > 200 {
				t.Fatalf("StatusError %+v", se)
			}
			if errors.Is(err, ErrUnavailable) != tt.unavailable {
				t.Fatalf("errors.Is(%v, ErrUnavailable) = %v", err, !tt.unavailable)
			}
			if n := srv.calls.Load(); n != tt.attempts {
				t.Fatalf("%d attempts, want %d", n, tt.attempts)
			}
			if !strings.Contains(err.Error(), http.StatusText(tt.status)) {
				t.Fatalf("error %q does not show the status", err)
			}
		})
	}
}

func TestOpenAIServerDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	o := fastOptions(url)
	o.MaxRetries = 1
	c := newTestClient(t, o)
	_, err := c.Embed(context.Background(), []string{"a"})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), url+"/v1/embeddings") || !strings.Contains(err.Error(), "2 attempts") {
		t.Fatalf("Embed against a closed server = %v", err)
	}
}

func TestOpenAITimeout(t *testing.T) {
	release := make(chan struct{})
	srv := newEmbedServer(t, 2, func(w http.ResponseWriter, r *http.Request, call int, _ embedRequest) bool {
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return true
	})
	defer close(release)
	o := fastOptions(srv.URL)
	o.Timeout = 20 * time.Millisecond
	o.MaxRetries = 1
	c := newTestClient(t, o)
	_, err := c.Embed(context.Background(), []string{"a"})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no answer within 20ms") {
		t.Fatalf("Embed against a stalled server = %v", err)
	}
	if n := srv.calls.Load(); n != 2 {
		t.Fatalf("%d attempts, want 2", n)
	}
}

func TestOpenAIBadResponses(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"garbage", `<html>oops</html>`, "malformed JSON"},
		{"no data", `{"object":"list"}`, `no "data" array`},
		{"wrong count", `{"data":[{"index":0,"embedding":[1,2]}]}`, "1 embeddings for 2 inputs"},
		{"missing index", `{"data":[{"index":0,"embedding":[1,2]},{"embedding":[1,2]}]}`, "entry 1 has no index"},
		{"duplicate index", `{"data":[{"index":1,"embedding":[1,2]},{"index":1,"embedding":[1,2]}]}`, "index 1 appears twice"},
		{"index out of range", `{"data":[{"index":0,"embedding":[1,2]},{"index":2,"embedding":[1,2]}]}`, "index 2, outside 0..1"},
		{"NaN string", `{"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1,"NaN"]}]}`, `embedding 1: value 1: "\"NaN\"" is not a finite number`},
		{"Infinity", `{"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":["-Infinity",2]}]}`, "embedding 1: value 0"},
		{"overflow", `{"data":[{"index":0,"embedding":[1e39,2]},{"index":1,"embedding":[1,2]}]}`, "overflows float32"},
		{"empty embedding", `{"data":[{"index":0,"embedding":[]},{"index":1,"embedding":[1,2]}]}`, "embedding 0: is empty"},
		{"null embedding", `{"data":[{"index":0,"embedding":null},{"index":1,"embedding":[1,2]}]}`, "embedding 0: missing"},
		{"base64", `{"data":[{"index":0,"embedding":"AACAPw=="},{"index":1,"embedding":[1,2]}]}`, "is a string"},
		{"ragged", `{"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1,2,3]}]}`, "embedding 1 has 3 values, others have 2"},
		{"error object", `{"error":{"message":"model not loaded"}}`, "model not loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newEmbedServer(t, 2, func(w http.ResponseWriter, r *http.Request, call int, _ embedRequest) bool {
				fmt.Fprint(w, tt.body)
				return true
			})
			c := newTestClient(t, fastOptions(srv.URL))
			_, err := c.Embed(context.Background(), []string{"a", "b"})
			if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Embed = %v, want ErrBadResponse mentioning %q", err, tt.want)
			}
			if n := srv.calls.Load(); n != 1 {
				t.Fatalf("bad response retried: %d attempts", n)
			}
		})
	}
}

func TestOpenAIShuffledIndexes(t *testing.T) {
	srv := newEmbedServer(t, 3, func(w http.ResponseWriter, r *http.Request, call int, req embedRequest) bool {
		items := fakeItems(req.Input, 3)
		for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
			items[i], items[j] = items[j], items[i]
		}
		items[0], items[1] = items[1], items[0]
		writeItems(w, items)
		return true
	})
	c := newTestClient(t, fastOptions(srv.URL))
	in := texts(6)
	got, err := c.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, got, 3)
}

func TestOpenAIPositionalWithoutIndexes(t *testing.T) {
	srv := newEmbedServer(t, 2, func(w http.ResponseWriter, r *http.Request, call int, req embedRequest) bool {
		data := make([]map[string]any, len(req.Input))
		for i, in := range req.Input {
			data[i] = map[string]any{"embedding": fakeVector(in, 2)}
		}
		json.NewEncoder(w).Encode(map[string]any{"data": data})
		return true
	})
	c := newTestClient(t, fastOptions(srv.URL))
	in := texts(3)
	got, err := c.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, got, 2)
}

func TestOpenAIDimensionChanged(t *testing.T) {
	t.Run("configured", func(t *testing.T) {
		srv := newEmbedServer(t, 768, nil)
		o := fastOptions(srv.URL)
		o.Dim = 384
		c := newTestClient(t, o)
		_, err := c.Embed(context.Background(), []string{"a"})
		if !errors.Is(err, ErrDimensionChanged) || !strings.Contains(err.Error(), "server returned 768-d vectors, collection uses 384-d") {
			t.Fatalf("Embed = %v", err)
		}
	})
	t.Run("learned", func(t *testing.T) {
		var dim atomic.Int32
		dim.Store(4)
		srv := newEmbedServer(t, 0, func(w http.ResponseWriter, r *http.Request, call int, req embedRequest) bool {
			writeItems(w, fakeItems(req.Input, int(dim.Load())))
			return true
		})
		c := newTestClient(t, fastOptions(srv.URL))
		if _, err := c.Embed(context.Background(), []string{"a"}); err != nil {
			t.Fatal(err)
		}
		dim.Store(5)
		_, err := c.Embed(context.Background(), []string{"a"})
		if !errors.Is(err, ErrDimensionChanged) || !strings.Contains(err.Error(), "5-d") || c.Dim() != 4 {
			t.Fatalf("Embed after the model changed = %v (dim %d)", err, c.Dim())
		}
	})
}

func TestOpenAIEmptyText(t *testing.T) {
	srv := newEmbedServer(t, 2, nil)
	c := newTestClient(t, fastOptions(srv.URL))
	_, err := c.Embed(context.Background(), []string{"a", " \n"})
	if !errors.Is(err, ErrEmptyText) || !strings.Contains(err.Error(), "text 1") {
		t.Fatalf("Embed = %v", err)
	}
	if srv.calls.Load() != 0 {
		t.Fatal("empty text was sent")
	}
}

func TestOpenAICancelDuringRequest(t *testing.T) {
	arrived := make(chan struct{})
	release := make(chan struct{})
	srv := newEmbedServer(t, 2, func(w http.ResponseWriter, r *http.Request, call int, _ embedRequest) bool {
		close(arrived)
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return true
	})
	defer close(release)
	c := newTestClient(t, fastOptions(srv.URL))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	_, err := c.Embed(ctx, []string{"a"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Embed = %v, want context.Canceled", err)
	}
	if n := srv.calls.Load(); n != 1 {
		t.Fatalf("canceled request was retried: %d attempts", n)
	}
}

func TestOpenAICancelDuringBackoff(t *testing.T) {
	srv := newEmbedServer(t, 2, func(w http.ResponseWriter, r *http.Request, call int, _ embedRequest) bool {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return true
	})
	o := fastOptions(srv.URL)
	o.Backoff, o.MaxBackoff = time.Hour, time.Hour
	c := newTestClient(t, o)
	ctx, cancel := context.WithCancel(context.Background())
	c.sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return sleepContext(ctx, d)
	}
	_, err := c.Embed(ctx, []string{"a"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Embed = %v, want context.Canceled", err)
	}
}

func TestOpenAIParallel(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := newEmbedServer(t, 2, func(w http.ResponseWriter, r *http.Request, call int, req embedRequest) bool {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		defer inFlight.Add(-1)
		return false
	})
	o := fastOptions(srv.URL)
	o.BatchSize, o.Parallel = 2, 3
	c := newTestClient(t, o)
	in := texts(21)
	got, err := c.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, got, 2)
	if n := srv.calls.Load(); n != 11 {
		t.Fatalf("%d requests, want 11", n)
	}
	if p := peak.Load(); p > 3 {
		t.Fatalf("%d requests in flight, Parallel is 3", p)
	}
}

func TestOpenAIParallelFailure(t *testing.T) {
	srv := newEmbedServer(t, 2, func(w http.ResponseWriter, r *http.Request, call int, req embedRequest) bool {
		if req.Input[0] == strings.Repeat("x", 5) {
			http.Error(w, "cannot embed", http.StatusBadRequest)
			return true
		}
		return false
	})
	o := fastOptions(srv.URL)
	o.BatchSize, o.Parallel = 2, 4
	c := newTestClient(t, o)
	_, err := c.Embed(context.Background(), texts(12))
	var se *StatusError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "texts 4..5") {
		t.Fatalf("Embed = %v, want the 400 of texts 4..5", err)
	}
}
