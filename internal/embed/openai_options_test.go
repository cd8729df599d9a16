package embed

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestOpenAIBackoffSchedule(t *testing.T) {
	o := OpenAIOptions{URL: "http://h", Model: "m", Backoff: 100 * time.Millisecond, MaxBackoff: time.Second, Seed: 3}
	c := newTestClient(t, o)
	c2 := newTestClient(t, o)
	for attempt := range 8 {
		full := min(100*time.Millisecond<<attempt, time.Second)
		d := c.wait(attempt, -1)
		if d < full/2 || d > full {
			t.Errorf("attempt %d: wait %v outside [%v, %v]", attempt, d, full/2, full)
		}
		if d2 := c2.wait(attempt, -1); d2 != d {
			t.Errorf("attempt %d: same seed gave %v and %v", attempt, d, d2)
		}
	}
	if d := c.wait(0, 5*time.Second); d != time.Second {
		t.Errorf("Retry-After above MaxBackoff: wait %v", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", -1},
		{"3", 3 * time.Second},
		{" 0 ", 0},
		{"-1", -1},
		{"soon", -1},
		{"99999999999", 24 * time.Hour},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestEndpointURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"http://localhost:11434", "http://localhost:11434/v1/embeddings", true},
		{"http://localhost:11434/", "http://localhost:11434/v1/embeddings", true},
		{"https://api.openai.com/v1", "https://api.openai.com/v1/embeddings", true},
		{"https://api.openai.com/v1/", "https://api.openai.com/v1/embeddings", true},
		{"http://h:8080/v1/embeddings", "http://h:8080/v1/embeddings", true},
		{"http://h/openai/deployments/x?api-version=1", "http://h/openai/deployments/x/embeddings?api-version=1", true},
		{"", "", false},
		{"localhost:8080", "", false},
		{"ftp://h/v1", "", false},
		{"http:///v1", "", false},
		{"http://h/%zz", "", false},
	}
	for _, tt := range tests {
		u, err := endpointURL(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("endpointURL(%q) error %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && u.String() != tt.want {
			t.Errorf("endpointURL(%q) = %q, want %q", tt.in, u, tt.want)
		}
	}
	u, _ := endpointURL("https://user:pw@h/v1?key=secret")
	if got := recordedURL(u); got != "https://h/v1/embeddings" {
		t.Errorf("recordedURL kept secrets: %q", got)
	}
}

func TestOpenAIOptionsValidate(t *testing.T) {
	good := OpenAIOptions{URL: "http://h", Model: "m"}
	tests := []struct {
		name string
		edit func(*OpenAIOptions)
		ok   bool
	}{
		{"defaults", func(*OpenAIOptions) {}, true},
		{"no retries", func(o *OpenAIOptions) { o.MaxRetries = -1 }, true},
		{"no url", func(o *OpenAIOptions) { o.URL = "" }, false},
		{"no model", func(o *OpenAIOptions) { o.Model = " " }, false},
		{"negative dim", func(o *OpenAIOptions) { o.Dim = -1 }, false},
		{"dimensions without dim", func(o *OpenAIOptions) { o.RequestDimensions = true }, false},
		{"huge batch", func(o *OpenAIOptions) { o.BatchSize = MaxBatchSize + 1 }, false},
		{"negative batch", func(o *OpenAIOptions) { o.BatchSize = -1 }, false},
		{"too parallel", func(o *OpenAIOptions) { o.Parallel = MaxParallel + 1 }, false},
		{"negative timeout", func(o *OpenAIOptions) { o.Timeout = -time.Second }, false},
		{"too many retries", func(o *OpenAIOptions) { o.MaxRetries = MaxRetries + 1 }, false},
		{"max backoff below backoff", func(o *OpenAIOptions) { o.Backoff, o.MaxBackoff = time.Second, time.Millisecond }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good
			tt.edit(&o)
			c, err := NewOpenAI(o)
			if tt.ok && err != nil {
				t.Fatalf("NewOpenAI: %v", err)
			}
			if !tt.ok && !errors.Is(err, ErrBadOptions) {
				t.Fatalf("NewOpenAI = %v, want ErrBadOptions", err)
			}
			if tt.ok && (c.opts.BatchSize != 64 || c.opts.Timeout != 30*time.Second || c.opts.Parallel != 1) {
				t.Fatalf("defaults not applied: %+v", c.opts)
			}
		})
	}
}
