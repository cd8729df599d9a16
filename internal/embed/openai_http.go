package embed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxResponseBytes bounds the body read from one response: far above any real batch (2048
// inputs × 4096 dimensions as JSON text is about 170 MB at worst), small enough that a
// runaway server cannot exhaust memory.
const maxResponseBytes = 256 << 20

// statusBodyLimit is how much of an error response's body a StatusError keeps.
const statusBodyLimit = 200

// StatusError reports a non-2xx answer from the embeddings server. Use errors.As to read
// the status; errors.Is(err, ErrUnavailable) holds for 502, 503 and 504.
type StatusError struct {
	URL        string // endpoint, without credentials or query string
	StatusCode int
	Status     string // e.g. "401 Unauthorized"
	Body       string // the first 200 bytes of the body, as valid UTF-8
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("POST %s: %s", e.URL, e.Status)
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Unwrap makes gateway and overload statuses match ErrUnavailable.
func (e *StatusError) Unwrap() error {
	switch e.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return ErrUnavailable
	}
	return nil
}

// attemptFailure describes why one request failed and whether trying again may help.
type attemptFailure struct {
	err         error
	retry       bool
	unreachable bool          // no usable answer: connection failure or timeout
	retryAfter  time.Duration // from a Retry-After header; negative when absent
}

// post sends one request and decodes its answer. It returns the vectors, or how it failed.
func (c *OpenAI) post(ctx context.Context, body []byte, n int) ([][]float32, *attemptFailure) {
	rctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.endpoint.String(), bytes.NewReader(body))
	if err != nil {
		return nil, &attemptFailure{err: fmt.Errorf("build request: %w", err), retryAfter: -1}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "vajra-embed")
	if c.opts.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.opts.APIKey)
	}
	transportFailure := func(err error) *attemptFailure {
		if ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %v", c.opts.Timeout)
		} else if ue, ok := err.(*url.Error); ok {
			err = ue.Err // drop the URL, which may carry a secret in its query
		}
		return &attemptFailure{err: err, retry: true, unreachable: true, retryAfter: -1}
	}
	resp, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, transportFailure(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, transportFailure(fmt.Errorf("read response: %w", err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &attemptFailure{
			err: &StatusError{
				URL:        c.shownURL,
				StatusCode: resp.StatusCode,
				Status:     statusText(resp),
				Body:       bodyPrefix(data),
			},
			retry:      retryableStatus(resp.StatusCode),
			retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	if len(data) > maxResponseBytes {
		return nil, &attemptFailure{err: fmt.Errorf("response larger than %d bytes: %w", maxResponseBytes, ErrBadResponse), retryAfter: -1}
	}
	vecs, err := decodeEmbeddings(data, n)
	if err != nil {
		return nil, &attemptFailure{err: err, retryAfter: -1}
	}
	return vecs, nil
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func statusText(resp *http.Response) string {
	if resp.Status != "" {
		return resp.Status
	}
	return strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
}

// bodyPrefix returns the first statusBodyLimit bytes of an error body, cut on a character
// boundary, with invalid UTF-8 replaced and surrounding space trimmed.
func bodyPrefix(data []byte) string {
	if len(data) > statusBodyLimit {
		cut := statusBodyLimit
		for cut > statusBodyLimit-utf8.UTFMax && !utf8.RuneStart(data[cut]) {
			cut--
		}
		data = data[:cut]
	}
	return strings.TrimSpace(strings.ToValidUTF8(string(data), "\uFFFD"))
}

// parseRetryAfter reads a Retry-After header (delay in seconds, or an HTTP date) and
// returns the wait it asks for, or -1 when there is none or it cannot be read.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return -1
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return -1
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}
