package embed

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Limits checked by OpenAIOptions.Validate.
const (
	// MaxBatchSize is the largest number of inputs OpenAI accepts in one request.
	MaxBatchSize = 2048
	// MaxParallel bounds the requests one Embed call keeps in flight.
	MaxParallel = 64
	// MaxRetries bounds OpenAIOptions.MaxRetries.
	MaxRetries = 100
)

// OpenAIOptions configures a client of an OpenAI-compatible embeddings endpoint. Zero
// fields take the defaults listed beside them.
type OpenAIOptions struct {
	// URL locates the server. "http://host:port" means "http://host:port/v1/embeddings";
	// a URL whose path ends in "/embeddings" is used as is; any other path gets
	// "/embeddings" appended (so ".../v1" works). A query string is kept.
	URL string
	// Model is sent with every request and recorded in the Spec (required).
	Model string
	// APIKey, when set, is sent as a bearer token. The package never reads the
	// environment; callers that keep keys there read them and pass them here.
	APIKey string
	// Dim is the expected vector length; 0 learns it from the first response. A response
	// of any other length fails with ErrDimensionChanged.
	Dim int
	// RequestDimensions sends Dim as the "dimensions" request field, which models such as
	// OpenAI's text-embedding-3 use to shorten their vectors. Servers that do not know the
	// field may reject it, so it is off unless asked for.
	RequestDimensions bool
	// BatchSize is the most texts sent in one request (default 64, at most MaxBatchSize).
	BatchSize int
	// Parallel is how many requests one Embed call keeps in flight (default 1).
	Parallel int
	// Timeout bounds each request, including reading its response (default 30 s).
	Timeout time.Duration
	// MaxRetries is how many times a failed request is retried when the failure may be
	// transient: connection errors, timeouts, 408, 429, 500, 502, 503, 504 (default 4;
	// set -1 for none).
	MaxRetries int
	// Backoff is the base wait before the first retry (default 200 ms); each further retry
	// doubles it, and a random jitter of up to half the wait spreads clients apart. A
	// Retry-After header on the response replaces the computed wait.
	Backoff time.Duration
	// MaxBackoff caps every wait, Retry-After included (default 30 s).
	MaxBackoff time.Duration
	// Seed seeds the jitter, so a run's retry schedule can be reproduced.
	Seed uint64
	// HTTPClient sends the requests (default: a client of its own with the standard
	// transport). Its own Timeout, if any, applies on top of Timeout.
	HTTPClient *http.Client
}

// EnsureDefaults fills zero fields with their defaults.
func (o *OpenAIOptions) EnsureDefaults() {
	if o.BatchSize == 0 {
		o.BatchSize = 64
	}
	if o.Parallel == 0 {
		o.Parallel = 1
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = 4
	case o.MaxRetries < 0:
		o.MaxRetries = -1
	}
	if o.Backoff == 0 {
		o.Backoff = 200 * time.Millisecond
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = max(30*time.Second, o.Backoff)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
}

// Validate reports options that cannot work; the error wraps ErrBadOptions.
func (o *OpenAIOptions) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("openai embedder: "+format+": %w", append(args, ErrBadOptions)...)
	}
	if _, err := endpointURL(o.URL); err != nil {
		return bad("%v", err)
	}
	switch {
	case strings.TrimSpace(o.Model) == "":
		return bad("no model name")
	case o.Dim < 0:
		return bad("dim %d is negative", o.Dim)
	case o.RequestDimensions && o.Dim == 0:
		return bad("RequestDimensions needs Dim")
	case o.BatchSize < 1 || o.BatchSize > MaxBatchSize:
		return bad("batch size %d outside 1..%d", o.BatchSize, MaxBatchSize)
	case o.Parallel < 1 || o.Parallel > MaxParallel:
		return bad("parallel %d outside 1..%d", o.Parallel, MaxParallel)
	case o.Timeout <= 0:
		return bad("timeout %v is not positive", o.Timeout)
	case o.MaxRetries < -1 || o.MaxRetries > MaxRetries:
		return bad("max retries %d outside -1..%d", o.MaxRetries, MaxRetries)
	case o.Backoff <= 0:
		return bad("backoff %v is not positive", o.Backoff)
	case o.MaxBackoff < o.Backoff:
		return bad("max backoff %v is below backoff %v", o.MaxBackoff, o.Backoff)
	}
	return nil
}

// endpointURL turns the URL forms OpenAIOptions.URL accepts into the embeddings endpoint.
func endpointURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("no URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("URL %q: scheme must be http or https", u.Redacted())
	}
	if u.Host == "" {
		return nil, fmt.Errorf("URL %q has no host", u.Redacted())
	}
	u.Fragment, u.RawFragment = "", ""
	path := strings.TrimRight(u.Path, "/")
	switch {
	case path == "":
		path = "/v1/embeddings"
	case !strings.HasSuffix(path, "/embeddings"):
		path += "/embeddings"
	}
	u.Path, u.RawPath = path, ""
	return u, nil
}

// recordedURL is the endpoint as a Spec records it and messages show it: without
// credentials or query string, either of which may hold secrets.
func recordedURL(u *url.URL) string {
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return r.String()
}
