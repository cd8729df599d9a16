package vajrahttp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra"
)

// testDocs are the documents of the test collections.
var testDocs = []map[string]any{
	{"id": "1", "title": "Solar power in Spain", "content": "Photovoltaic farms produce solar energy across the plains.", "metadata": map[string]any{"year": 2021, "lang": "en", "tags": []any{"energy", "solar"}}},
	{"id": "2", "title": "Wind turbines", "content": "Offshore wind power grows in the North Sea.", "metadata": map[string]any{"year": 2019, "lang": "en", "tags": []any{"energy"}}},
	{"id": "3", "title": "Café culture", "content": "Parisian cafés serve espresso and croissants.", "metadata": map[string]any{"year": 2015, "lang": "fr"}},
	{"id": "4", "title": "Basketball", "content": "An American basketball player scored forty points.", "metadata": map[string]any{"year": 2022, "lang": "en", "tags": []any{"sport"}}},
	{"id": "5", "title": "Railway station", "content": "The old railway station reopened as a museum of trains.", "metadata": map[string]any{"year": 2020, "lang": "de"}},
	{"id": "6", "title": "Football club", "content": "A football club founded in 2017 won the regional league.", "metadata": map[string]any{"year": 2017, "lang": "en", "tags": []any{"sport"}}},
	{"id": "7", "title": "Solar eclipse", "content": "The moon covered the sun during the total solar eclipse.", "metadata": map[string]any{"year": 2024, "lang": "en"}},
	{"id": "8", "title": "Hydroelectric dams", "content": "Dams turn river water into electric power.", "metadata": map[string]any{"year": 2018, "lang": "es", "tags": []any{"energy"}}},
}

type testServer struct {
	t    *testing.T
	s    *Server
	spec *apiSpec
	key  string // sent as the bearer token when set
}

type testResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r *testResponse) decode(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response %d is not a JSON object: %v: %s", r.status, err, r.body)
	}
	return m
}

func (r *testResponse) code() string {
	var p struct{ Code string }
	json.Unmarshal(r.body, &p)
	return p.Code
}

// newTestServer serves a "docs" collection (hash embedder), a "vecs" collection (4-d
// precomputed vectors) and a read-only "demo" collection.
func newTestServer(t *testing.T, o Options) *testServer {
	t.Helper()
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	o.Builtins = append(o.Builtins, Builtin{Name: "demo", Build: func(ctx context.Context) (*vajra.Collection, error) {
		c, err := vajra.New(vajra.Options{})
		if err != nil {
			return nil, err
		}
		_, err = c.Upsert(ctx, []vajra.Document{{ID: "d1", Title: "Demo", Content: "a read-only demo document"}})
		return c, err
	}})
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ts := &testServer{t: t, s: s, spec: loadSpec(t), key: o.AdminKey}
	ts.mustStatus(201, "PUT", "/v1/collections/docs", `{"embedder": {"kind": "hash", "dim": 32}, "vector": {"profile": "fast"}}`)
	ts.mustStatus(201, "PUT", "/v1/collections/vecs", `{"embedder": {"kind": "precomputed", "dim": 4}, "vector": {"metric": "cosine"}}`)
	docs, _ := json.Marshal(map[string]any{"documents": testDocs})
	ts.mustStatus(200, "POST", "/v1/collections/docs/documents", string(docs))
	ts.mustStatus(200, "POST", "/v1/collections/vecs/documents", `{"documents": [
		{"id": "a", "title": "A", "content": "first", "vector": [1, 0, 0, 0], "metadata": {"n": 1}},
		{"id": "b", "title": "B", "content": "second", "vector": [0, 1, 0, 0], "metadata": {"n": 2}},
		{"id": "c", "title": "C", "content": "third", "vector": [0.5, 0.5, 0, 0], "metadata": {"n": 3}}]}`)
	return ts
}

// do sends a request through the handler and checks the response against the OpenAPI
// document. headers are name, value pairs.
func (ts *testServer) do(method, target, body string, headers ...string) *testResponse {
	ts.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if body != "" && !hasHeader(headers, "Content-Type") {
		req.Header.Set("Content-Type", "application/json")
	}
	if ts.key != "" && !hasHeader(headers, "Authorization") {
		req.Header.Set("Authorization", "Bearer "+ts.key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	rec := httptest.NewRecorder()
	ts.s.ServeHTTP(rec, req)
	resp := &testResponse{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if method != http.MethodHead && method != http.MethodOptions {
		path, m := ts.specPath(req)
		if err := ts.spec.checkResponse(path, m, resp.status, resp.header.Get("Content-Type"), resp.body); err != nil {
			ts.t.Errorf("%s %s → %d: response does not match the OpenAPI document: %v\n%.300s", method, target, resp.status, err, resp.body)
		}
	}
	return resp
}

// specPath returns the OpenAPI path and method of the route answering req ("" for answers
// given before routing, which are problem documents).
func (ts *testServer) specPath(req *http.Request) (string, string) {
	if checkPath(req) != nil {
		return "", req.Method
	}
	_, pattern := ts.s.mux.Handler(req)
	if pattern == catchAll {
		if strings.HasPrefix(req.URL.Path, "/v1/") || req.Method != http.MethodGet {
			return "", req.Method
		}
		return "/", http.MethodGet
	}
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		return "", req.Method
	}
	return path, method
}

func hasHeader(headers []string, name string) bool {
	for i := 0; i < len(headers); i += 2 {
		if strings.EqualFold(headers[i], name) {
			return true
		}
	}
	return false
}

func (ts *testServer) mustStatus(status int, method, target, body string, headers ...string) *testResponse {
	ts.t.Helper()
	r := ts.do(method, target, body, headers...)
	if r.status != status {
		ts.t.Fatalf("%s %s: status %d, want %d: %s", method, target, r.status, status, r.body)
	}
	return r
}

// fingerprint captures everything a request could change: the collection list and every
// collection's documents (with vectors).
func (ts *testServer) fingerprint() string {
	ts.t.Helper()
	var b strings.Builder
	b.Write(ts.mustStatus(200, "GET", "/v1/collections", "").body)
	for _, name := range ts.s.Collections() {
		fmt.Fprintf(&b, "== %s\n", name)
		b.Write(ts.mustStatus(200, "GET", "/v1/collections/"+name+"/export?vectors=true", "").body)
	}
	return b.String()
}

func ids(t *testing.T, r *testResponse) []string {
	t.Helper()
	var res vajra.Results
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatalf("not search results: %v: %s", err, r.body)
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}
