package vajra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeEmbeddings serves /v1/embeddings with 8-d vectors derived from each text's length, or
// misbehaves as mode says.
func fakeEmbeddings(t *testing.T, mode *atomic.Value) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		switch mode.Load().(string) {
		case "garbage":
			fmt.Fprint(w, `{"data": [{"index": 0, "embedding": "not a vector"`)
			return
		case "down":
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		case "wrongdim":
			var data []map[string]any
			for i := range req.Input {
				data = append(data, map[string]any{"index": i, "embedding": []float64{1, 2, 3}})
			}
			json.NewEncoder(w).Encode(map[string]any{"data": data})
			return
		}
		var data []map[string]any
		for i, s := range req.Input {
			v := make([]float64, 8)
			for j := range v {
				v[j] = math.Sin(float64(len(s)*(j+1))) + 1.5
			}
			data = append(data, map[string]any{"index": i, "embedding": v})
		}
		json.NewEncoder(w).Encode(map[string]any{"data": data})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestBadInputLeavesCollectionUnchanged(t *testing.T) {
	ctx := context.Background()
	var mode atomic.Value
	mode.Store("ok")
	srv := fakeEmbeddings(t, &mode)
	dir := t.TempDir()
	c, err := Create(dir, Options{Embedder: EmbedderOptions{Kind: EmbedderOpenAI, URL: srv.URL, Model: "fake", MaxRetries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	snapshot := func() []string {
		var out []string
		for _, m := range []Mode{Lexical, Hybrid} {
			res, err := c.Search(ctx, Query{Text: "café covid running", Mode: m, K: 10})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.Join(ids(res), ","))
		}
		return append(out, strings.Join(c.IDs(), ","))
	}
	before := snapshot()
	newDoc := []Document{{ID: "new", Title: "New", Content: "fresh text"}}
	cases := []struct {
		name  string
		setup string
		docs  []Document
		want  error
	}{
		{"embedder returns garbage", "garbage", newDoc, nil},
		{"embedder down", "down", newDoc, nil},
		{"embedder dimension changes", "wrongdim", newDoc, nil},
		{"wrong vector dimension", "ok", []Document{{ID: "v", Content: "x", Vector: []float32{1, 2}}}, ErrInvalidDocument},
		{"NaN in vector", "ok", []Document{{ID: "v", Content: "x", Vector: []float32{1, float32(math.NaN()), 0, 0, 0, 0, 0, 0}}}, ErrInvalidDocument},
		{"empty id", "ok", []Document{{Content: "x"}}, ErrInvalidDocument},
	}
	for _, tc := range cases {
		mode.Store(tc.setup)
		_, err := c.Upsert(ctx, tc.docs)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v does not wrap %v", tc.name, err, tc.want)
		}
		t.Logf("%s: %v", tc.name, err)
		mode.Store("ok")
		if got := snapshot(); !reflect.DeepEqual(got, before) {
			t.Fatalf("%s changed the collection: %v -> %v", tc.name, before, got)
		}
	}
	mode.Store("ok")
	if _, err := c.Search(ctx, Query{Text: "x", Filter: "nosuchfield = 1"}); !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), "nosuchfield") {
		t.Errorf("unknown filter field: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for _, oo := range []OpenOptions{{Embedder: EmbedderHash}, {EmbedModel: "other-model"}} {
		if _, err := Open(dir, oo); !errors.Is(err, ErrOptions) {
			t.Errorf("open with %+v: %v", oo, err)
		}
	}
	c2, err := Open(dir, OpenOptions{EmbedURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if got := strings.Join(c2.IDs(), ","); got != before[2] {
		t.Fatalf("reopened with %s, want %s", got, before[2])
	}
}

// TestControlCharactersInIDs checks that ids with NUL or other control characters (which
// reached terminals as escape sequences) are refused, naming the field and the position,
// while titles and contents may hold them.
func TestControlCharactersInIDs(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id, want string
	}{
		{"a\x00b", "U+0000 at byte 1"},
		{"\x1b]0;owned\x07", "U+001B at byte 0"},
		{"tab\tid", "U+0009 at byte 3"},
		{"del\x7f", "U+007F at byte 3"},
		{"c1\u009b2J", "U+009B at byte 2"},
		{"line\nbreak", "U+000A at byte 4"},
	}
	for _, tc := range cases {
		_, err := c.Upsert(ctx, []Document{{ID: "fine", Content: "x"}, {ID: tc.id, Content: "x"}})
		if !errors.Is(err, ErrInvalidDocument) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `field "id"`) {
			t.Errorf("id %q: err = %v, want ErrInvalidDocument with %q", tc.id, err, tc.want)
		}
		if err := CheckDocument(&Document{ID: tc.id}); !errors.Is(err, ErrInvalidDocument) {
			t.Errorf("CheckDocument(%q) = %v", tc.id, err)
		}
	}
	if c.Len() != 0 {
		t.Fatalf("%d documents written by refused batches", c.Len())
	}
	ok := []Document{{ID: "café ☕", Title: "\x1b]0;title\x07", Content: "tabs\tand\nlines"}, {ID: "a b/c?d=e"}}
	if _, err := c.Upsert(ctx, ok); err != nil {
		t.Fatalf("printable ids, control characters in text: %v", err)
	}
}
