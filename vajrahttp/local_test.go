package vajrahttp

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// tinyModel is the committed random BERT folder the local embedder's tests use.
var tinyModel = filepath.Join("..", "internal", "embed", "bert", "testdata", "tiny")

// TestCreateLocal checks collections of the local embedder created through the API: the
// kind named in the request, the server's default, and the requests refused.
func TestCreateLocal(t *testing.T) {
	data := t.TempDir()
	ts := newTestServer(t, Options{DataDir: data, ModelDir: tinyModel, DefaultEmbedder: "local"})
	ts.mustStatus(201, "PUT", "/v1/collections/named", `{"embedder": {"kind": "local"}, "vector": {"profile": "fast"}}`)
	ts.mustStatus(201, "PUT", "/v1/collections/default", "")
	for _, name := range []string{"named", "default"} {
		ts.mustStatus(200, "POST", "/v1/collections/"+name+"/documents", `{"documents": [
			{"id": "a", "title": "Insulin", "content": "The study measures insulin resistance in mice."},
			{"id": "b", "title": "Rivers", "content": "The river builds a hidden pattern across the old bridge."}]}`)
		st := ts.mustStatus(200, "GET", "/v1/collections/"+name, "").decode(t)
		emb, _ := st["embedder"].(map[string]any)
		if emb["kind"] != "local" || st["dimension"] != float64(64) {
			t.Fatalf("%s: stats %v", name, st)
		}
		res := ts.mustStatus(200, "POST", "/v1/collections/"+name+"/search", `{"query": "insulin resistance", "mode": "vector", "limit": 2}`).decode(t)
		if hits, _ := res["hits"].([]any); len(hits) != 2 {
			t.Fatalf("%s: vector search %v", name, res)
		}
	}
	for _, c := range []struct{ name, body, want string }{
		{"with a dimension", `{"embedder": {"kind": "local", "dim": 16}}`, "give only"},
		{"with a model name", `{"embedder": {"kind": "local", "model": "/etc"}}`, "give only"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := ts.mustStatus(400, "PUT", "/v1/collections/bad", c.body)
			if r.code() != "invalid_field" || !strings.Contains(string(r.body), c.want) {
				t.Fatalf("%s", r.body)
			}
		})
	}
	ts.s.Close()

	// A server without a model still serves the collections (their folder is recorded) but
	// creates no new local one.
	s2, err := New(Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	ts2 := &testServer{t: t, s: s2, spec: ts.spec}
	res := ts2.mustStatus(200, "POST", "/v1/collections/named/search", `{"query": "insulin resistance", "mode": "vector", "limit": 1}`).decode(t)
	if hits, _ := res["hits"].([]any); len(hits) != 1 {
		t.Fatalf("reopened: %v", res)
	}
	r := ts2.mustStatus(400, "PUT", "/v1/collections/other", `{"embedder": {"kind": "local"}}`)
	if r.code() != "invalid_field" || !strings.Contains(string(r.body), "--model") {
		t.Fatalf("local without a model: %s", r.body)
	}
	st := ts2.mustStatus(201, "PUT", "/v1/collections/plain", "").decode(t)
	if st["dimension"] != float64(0) {
		t.Fatalf("an empty request without a default embedder: %v", st)
	}
}

func TestDefaultEmbedderOptions(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{DefaultEmbedder: "local"}, "needs a model folder"},
		{Options{DefaultEmbedder: "openai", ModelDir: tinyModel}, `default embedder "openai"`},
	} {
		if _, err := New(c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v): %v, want an error mentioning %q", c.o, err, c.want)
		}
	}
	s, err := New(Options{DefaultEmbedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Close()
}
