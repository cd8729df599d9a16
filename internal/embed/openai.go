package embed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// OpenAI embeds texts with an OpenAI-compatible embeddings endpoint (POST {"model",
// "input": [...], "encoding_format": "float"}), which OpenAI, Ollama (/v1/embeddings), the
// llama.cpp server, vLLM and text-embeddings-inference all serve. It splits large calls
// into batches, retries transient failures with exponential backoff, and checks every
// response: count, indexes, finite values, and one dimension throughout. It is safe for
// concurrent use.
type OpenAI struct {
	opts       OpenAIOptions
	endpoint   *url.URL
	shownURL   string // endpoint without credentials or query, for the Spec and messages
	maxRetries int    // 0 when retries are off
	// sleep waits between attempts; it returns early with ctx's error.
	sleep func(ctx context.Context, d time.Duration) error

	mu         sync.Mutex
	dim        int // 0 until configured or learned
	configured bool
	rng        *rand.Rand // backoff jitter
}

// NewOpenAI returns a client with o's settings (defaults filled in). It does not contact the
// server; the first Embed call does.
func NewOpenAI(o OpenAIOptions) (*OpenAI, error) {
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	ep, err := endpointURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("openai embedder: %v: %w", err, ErrBadOptions)
	}
	c := &OpenAI{
		opts:       o,
		endpoint:   ep,
		shownURL:   recordedURL(ep),
		maxRetries: max(o.MaxRetries, 0),
		sleep:      sleepContext,
		dim:        o.Dim,
		configured: o.Dim > 0,
		rng:        rand.New(rand.NewPCG(o.Seed, 0x6a09e667f3bcc909)),
	}
	return c, nil
}

// Dim returns the configured dimension, or the one learned from the first response, or 0.
func (c *OpenAI) Dim() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dim
}

// Spec returns kind "openai", the model, the current dimension and, under ParamURL, the
// endpoint (without credentials or query string).
func (c *OpenAI) Spec() Spec {
	return Spec{Kind: KindOpenAI, Model: c.opts.Model, Dim: c.Dim(), Params: map[string]string{ParamURL: c.shownURL}}
}

// URL returns the embeddings endpoint requests go to, without credentials or query string.
func (c *OpenAI) URL() string { return c.shownURL }

// embedRequest is the JSON body of one request.
type embedRequest struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	EncodingFormat string   `json:"encoding_format"`
	Dimensions     int      `json:"dimensions,omitempty"`
}

// Embed returns one vector per text, in order. Texts that are empty or only white space
// are refused up front (ErrEmptyText, naming the index) because most servers reject them.
// Errors name the batch's text range; see OpenAIOptions for retries, and ErrUnavailable,
// ErrBadResponse, ErrDimensionChanged and StatusError for what can fail.
func (c *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			return nil, fmt.Errorf("openai embed text %d: empty text: %w", i, ErrEmptyText)
		}
	}
	out := make([][]float32, len(texts))
	bs := c.opts.BatchSize
	batches := (len(texts) + bs - 1) / bs
	run := func(ctx context.Context, b int) error {
		lo, hi := b*bs, min((b+1)*bs, len(texts))
		vecs, err := c.embedBatch(ctx, texts[lo:hi])
		if err != nil {
			return fmt.Errorf("openai embed texts %d..%d: %w", lo, hi-1, err)
		}
		copy(out[lo:hi], vecs)
		return nil
	}
	if c.opts.Parallel == 1 || batches <= 1 {
		for b := range batches {
			if err := run(ctx, b); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if err := runParallel(ctx, batches, c.opts.Parallel, run); err != nil {
		return nil, err
	}
	return out, nil
}

// runParallel runs fn for jobs 0..n-1 on up to workers goroutines and stops handing out jobs
// after the first failure. The error reported is the lowest-numbered job's own failure, not
// the cancellations it caused, so the message does not depend on scheduling.
func runParallel(ctx context.Context, n, workers int, fn func(context.Context, int) error) error {
	inner, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				j := int(next.Add(1) - 1)
				if j >= n || inner.Err() != nil {
					return
				}
				if err := fn(inner, j); err != nil {
					errs[j] = err
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("openai embed: %w", err)
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// embedBatch embeds one batch, retrying transient failures.
func (c *OpenAI) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	req := embedRequest{Model: c.opts.Model, Input: texts, EncodingFormat: "float"}
	if c.opts.RequestDimensions {
		req.Dimensions = c.opts.Dim
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	for attempt := 0; ; attempt++ {
		vecs, f := c.post(ctx, body, len(texts))
		if f == nil {
			if err := c.checkDim(len(vecs[0])); err != nil {
				return nil, err
			}
			return vecs, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("POST %s: %w", c.shownURL, ctx.Err())
		}
		if !f.retry || attempt >= c.maxRetries {
			return nil, c.finalError(f, attempt+1)
		}
		if err := c.sleep(ctx, c.wait(attempt, f.retryAfter)); err != nil {
			return nil, fmt.Errorf("POST %s: waiting to retry after %v: %w", c.shownURL, f.err, err)
		}
	}
}

// finalError words the error of the last attempt.
func (c *OpenAI) finalError(f *attemptFailure, attempts int) error {
	tries := ""
	if attempts > 1 {
		tries = fmt.Sprintf(" (%d attempts)", attempts)
	}
	var se *StatusError
	switch {
	case f.unreachable:
		return fmt.Errorf("POST %s%s: %w: %w", c.shownURL, tries, ErrUnavailable, f.err)
	case errors.As(f.err, &se):
		return fmt.Errorf("%w%s", f.err, tries)
	}
	return fmt.Errorf("POST %s%s: %w", c.shownURL, tries, f.err)
}

// wait returns how long to sleep before retry number attempt+1: the server's Retry-After
// when it sent one, otherwise Backoff·2^attempt with up to half of it taken off at random;
// never more than MaxBackoff.
func (c *OpenAI) wait(attempt int, retryAfter time.Duration) time.Duration {
	limit := c.opts.MaxBackoff
	if retryAfter >= 0 {
		return min(retryAfter, limit)
	}
	d := c.opts.Backoff
	for i := 0; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	c.mu.Lock()
	jitter := time.Duration(c.rng.Int64N(int64(d/2) + 1))
	c.mu.Unlock()
	return d - jitter
}

// checkDim learns the dimension from the first response and holds every later one to it.
func (c *OpenAI) checkDim(d int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.dim == 0:
		c.dim = d
		return nil
	case d == c.dim:
		return nil
	case c.configured:
		return fmt.Errorf("server returned %d-d vectors, collection uses %d-d: %w", d, c.dim, ErrDimensionChanged)
	default:
		return fmt.Errorf("server returned %d-d vectors, earlier responses had %d-d: %w", d, c.dim, ErrDimensionChanged)
	}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
