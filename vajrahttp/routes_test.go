package vajrahttp

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	spec := loadSpec(t)
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for path, item := range spec.doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if method != "parameters" {
				declared[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	for _, rt := range s.routes() {
		if rt.pattern == catchAll {
			rt.pattern = "GET /" // the UI's files
		}
		if !declared[rt.pattern] {
			t.Errorf("route %s is not in openapi.json", rt.pattern)
		}
		delete(declared, rt.pattern)
		op, _ := spec.operation(strings.SplitN(rt.pattern, " ", 2)[1], strings.SplitN(rt.pattern, " ", 2)[0])
		want := map[access]string{public: "public", reader: "read", admin: "admin"}[rt.access]
		if op["x-access"] != want {
			t.Errorf("%s: openapi.json says access %v, the route %s", rt.pattern, op["x-access"], want)
		}
	}
	for p := range declared {
		t.Errorf("openapi.json declares %s, which no route serves", p)
	}
}

func TestRoutes(t *testing.T) {
	ts := newTestServer(t, Options{})

	ts.mustStatus(200, "GET", "/healthz", "")
	if r := ts.mustStatus(200, "GET", "/readyz", ""); r.decode(t)["status"] != "ready" {
		t.Errorf("readyz: %s", r.body)
	}
	if r := ts.mustStatus(200, "GET", "/openapi.json", ""); !json.Valid(r.body) {
		t.Error("openapi.json is not JSON")
	}
	if r := ts.mustStatus(200, "GET", "/", ""); !strings.Contains(string(r.body), "<html") || r.header.Get("Content-Security-Policy") == "" {
		t.Errorf("UI index: %s", r.header)
	}
	ts.mustStatus(200, "GET", "/index.html", "")

	list := ts.mustStatus(200, "GET", "/v1/collections", "").decode(t)
	var names []string
	for _, c := range list["collections"].([]any) {
		names = append(names, c.(map[string]any)["name"].(string))
	}
	if !reflect.DeepEqual(names, []string{"demo", "docs", "vecs"}) {
		t.Errorf("collections %v", names)
	}
	st := ts.mustStatus(200, "GET", "/v1/collections/docs", "").decode(t)
	if st["documents"] != float64(len(testDocs)) || st["dimension"] != float64(32) || st["bytes_on_disk"].(float64) <= 0 {
		t.Errorf("stats %v", st)
	}

	doc := ts.mustStatus(200, "GET", "/v1/collections/docs/documents/3", "").decode(t)
	if doc["title"] != "Café culture" || doc["vector"] != nil {
		t.Errorf("document %v", doc)
	}
	if v := ts.mustStatus(200, "GET", "/v1/collections/vecs/documents/a?vector=true", "").decode(t)["vector"]; !reflect.DeepEqual(v, []any{1.0, 0.0, 0.0, 0.0}) {
		t.Errorf("vector %v", v)
	}

	// Search in every mode, with highlights and explanations.
	for _, mode := range []string{"lexical", "vector", "hybrid"} {
		r := ts.mustStatus(200, "POST", "/v1/collections/docs/search",
			fmt.Sprintf(`{"query": "solar power", "mode": %q, "limit": 3, "highlight": true, "explain": true}`, mode))
		got := ids(t, r)
		if len(got) == 0 {
			t.Errorf("%s: no hits", mode)
		}
		res := r.decode(t)
		if res["mode"] != mode {
			t.Errorf("%s: mode %v", mode, res["mode"])
		}
		hit := res["hits"].([]any)[0].(map[string]any)
		if hit["explain"] == nil || hit["snippet"] == nil {
			t.Errorf("%s: hit without explain or snippet: %v", mode, hit)
		}
	}
	// The default mode of a collection with vectors is hybrid.
	if m := ts.mustStatus(200, "POST", "/v1/collections/docs/search", `{"query": "solar"}`).decode(t)["mode"]; m != "hybrid" {
		t.Errorf("default mode %v", m)
	}
	if m := ts.mustStatus(200, "POST", "/v1/collections/demo/search", `{"query": "demo"}`).decode(t)["mode"]; m != "lexical" {
		t.Errorf("default mode without vectors %v", m)
	}
	// The text filter and the JSON tree select the same documents.
	text := ids(t, ts.mustStatus(200, "POST", "/v1/collections/docs/search", `{"query": "power energy solar", "mode": "lexical", "filter": "year >= 2019 AND lang = en"}`))
	tree := ids(t, ts.mustStatus(200, "POST", "/v1/collections/docs/search", `{"query": "power energy solar", "mode": "lexical",
		"filter": {"and": [{"field": "year", "op": ">=", "value": 2019}, {"not": {"field": "lang", "op": "!=", "value": "en"}}]}}`))
	if !reflect.DeepEqual(text, tree) || !reflect.DeepEqual(text, []string{"1", "2"}) && len(text) == 0 {
		t.Errorf("text filter %v, tree %v", text, tree)
	}
	// Paging: offset continues the ranking.
	all := ids(t, ts.mustStatus(200, "POST", "/v1/collections/docs/search", `{"query": "power solar energy", "mode": "lexical", "limit": 4}`))
	page2 := ids(t, ts.mustStatus(200, "POST", "/v1/collections/docs/search", `{"query": "power solar energy", "mode": "lexical", "limit": 2, "offset": 2}`))
	if len(all) < 4 || !reflect.DeepEqual(page2, all[2:4]) {
		t.Errorf("page 2 %v of %v", page2, all)
	}
	// Query vectors as numbers and as base64 float32s are the same query.
	b := make([]byte, 16)
	for i, x := range []float32{0, 1, 0, 0} {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	nums := ids(t, ts.mustStatus(200, "POST", "/v1/collections/vecs/search", `{"vector": [0, 1, 0, 0], "mode": "vector"}`))
	b64 := ids(t, ts.mustStatus(200, "POST", "/v1/collections/vecs/search", fmt.Sprintf(`{"vector": %q, "mode": "vector"}`, base64.StdEncoding.EncodeToString(b))))
	if !reflect.DeepEqual(nums, b64) || nums[0] != "b" {
		t.Errorf("vector as numbers %v, as base64 %v", nums, b64)
	}
	// Fusion options reach the library: all weight on one side ranks by that side.
	lexOnly := ids(t, ts.mustStatus(200, "POST", "/v1/collections/docs/search", `{"query": "solar eclipse", "fusion": {"method": "rrf", "lexical_weight": 1, "rrf_k": 10, "depth": 50}, "ef": 64, "limit": 2}`))
	lex := ids(t, ts.mustStatus(200, "POST", "/v1/collections/docs/search", `{"query": "solar eclipse", "mode": "lexical", "limit": 2}`))
	if !reflect.DeepEqual(lexOnly, lex) {
		t.Errorf("hybrid with lexical_weight 1 %v, lexical %v", lexOnly, lex)
	}

	// Export streams every document, in the upload shape.
	exp := ts.mustStatus(200, "GET", "/v1/collections/docs/export", "")
	if lines := strings.Split(strings.TrimSpace(string(exp.body)), "\n"); len(lines) != len(testDocs) {
		t.Errorf("export has %d lines", len(lines))
	}

	// Delete by id and by filter.
	if d := ts.mustStatus(200, "POST", "/v1/collections/docs/documents/delete", `{"ids": ["4", "nope"]}`).decode(t); d["deleted"] != 1.0 {
		t.Errorf("delete by id: %v", d)
	}
	if d := ts.mustStatus(200, "POST", "/v1/collections/docs/documents/delete", `{"filter": {"field": "lang", "op": "=", "value": "fr"}}`).decode(t); d["deleted"] != 1.0 {
		t.Errorf("delete by filter: %v", d)
	}
	ts.mustStatus(404, "GET", "/v1/collections/docs/documents/3", "")

	// Snapshot and restore.
	snap := ts.mustStatus(200, "POST", "/v1/collections/docs/snapshot", "")
	sum := sha256.Sum256(snap.body)
	if got := snap.header.Get("Digest"); got != "sha-256="+base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("Digest %q does not match the body", got)
	}
	ts.mustStatus(201, "PUT", "/v1/collections/copy?restore", string(snap.body), "Content-Type", "application/x-tar", "Digest", snap.header.Get("Digest"))
	q := `{"query": "solar power", "limit": 5}`
	if a, b := ids(t, ts.mustStatus(200, "POST", "/v1/collections/docs/search", q)), ids(t, ts.mustStatus(200, "POST", "/v1/collections/copy/search", q)); !reflect.DeepEqual(a, b) {
		t.Errorf("restored copy answers %v, original %v", b, a)
	}
	// A snapshot of the in-memory demo collection restores too.
	demo := ts.mustStatus(200, "POST", "/v1/collections/demo/snapshot", "")
	ts.mustStatus(201, "PUT", "/v1/collections/demo2?restore", string(demo.body), "Content-Type", "application/x-tar")

	ts.mustStatus(204, "DELETE", "/v1/collections/copy", "")
	ts.mustStatus(404, "GET", "/v1/collections/copy", "")

	met := string(ts.mustStatus(200, "GET", "/metrics", "").body)
	for _, want := range []string{
		`vajra_http_requests_total{route="POST /v1/collections/{name}/search",status="200"}`,
		`vajra_http_request_duration_seconds_bucket{route="GET /healthz",le="+Inf"} 1`,
		`vajra_collection_documents{collection="docs"} 6`,
		`vajra_collection_vectors{collection="vecs"} 3`,
		"go_goroutines ", "vajra_collection_wal_bytes{collection=",
	} {
		if !strings.Contains(met, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	checkPrometheusText(t, met)
}

// checkPrometheusText checks the exposition's syntax: every sample line names a metric
// declared by a TYPE line, with a numeric value.
func checkPrometheusText(t *testing.T, text string) {
	t.Helper()
	typed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(line, "# TYPE ") {
			typed[strings.Fields(line)[2]] = true
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		name := line[:strings.IndexAny(line, "{ ")]
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		if !typed[name] && !typed[base] {
			t.Errorf("metric line without a TYPE: %s", line)
		}
		val := line[strings.LastIndexByte(line, ' ')+1:]
		var f float64
		if _, err := fmt.Sscan(val, &f); err != nil {
			t.Errorf("metric line with a bad value: %s", line)
		}
	}
}

func TestNDJSONUpload(t *testing.T) {
	ts := newTestServer(t, Options{})
	ts.mustStatus(201, "PUT", "/v1/collections/up", "")
	var b strings.Builder
	const n = 2500
	for i := range n {
		fmt.Fprintf(&b, "{\"id\": \"d%d\", \"title\": \"doc %d\", \"content\": \"text number %d\", \"year\": %d}\n", i, i, i, 2000+i%20)
	}
	r := ts.mustStatus(200, "POST", "/v1/collections/up/documents", b.String(), "Content-Type", "application/x-ndjson")
	rep := r.decode(t)
	if rep["upserted"] != float64(n) || rep["batches"] != 3.0 || len(rep["errors"].([]any)) != 0 {
		t.Errorf("report %v", rep)
	}
	if st := ts.mustStatus(200, "GET", "/v1/collections/up", "").decode(t); st["documents"] != float64(n) {
		t.Errorf("%v documents after the upload", st["documents"])
	}
	// Other top-level fields go to metadata, as in the CLI's JSONL.
	if f := ids(t, ts.mustStatus(200, "POST", "/v1/collections/up/search", `{"query": "doc", "filter": "year = 2019", "limit": 1000}`)); len(f) != n/20 {
		t.Errorf("filter on an upload field found %d", len(f))
	}
	// skip: bad lines are reported and the rest stored.
	body := "{\"id\": \"s1\"}\nnot json\n{\"id\": \"s2\", \"title\": 5}\n\n{\"id\": \"s3\"}\n"
	r = ts.mustStatus(200, "POST", "/v1/collections/up/documents?on_error=skip", body, "Content-Type", "application/x-ndjson")
	rep = r.decode(t)
	errs := rep["errors"].([]any)
	if rep["upserted"] != 2.0 || len(errs) != 2 || errs[0].(map[string]any)["line"] != 2.0 || errs[0].(map[string]any)["code"] != "bad_json" ||
		errs[1].(map[string]any)["line"] != 3.0 || errs[1].(map[string]any)["code"] != "invalid_field" {
		t.Errorf("skip report %s", r.body)
	}
}

func TestMethodsAndPaths(t *testing.T) {
	ts := newTestServer(t, Options{})
	cases := []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"POST", "/v1/collections", 405, "method_not_allowed", "GET, HEAD"},
		{"PATCH", "/v1/collections/docs", 405, "method_not_allowed", "GET, HEAD, PUT, DELETE"},
		{"GET", "/v1/collections/docs/search", 405, "method_not_allowed", "POST"},
		{"PUT", "/healthz", 405, "method_not_allowed", "GET, HEAD"},
		{"GET", "/v1/nothing", 404, "not_found", ""},
		{"GET", "/v2/collections", 404, "not_found", ""},
		{"GET", "/missing.js", 404, "not_found", ""},
	}
	for _, tc := range cases {
		r := ts.do(tc.method, tc.path, "")
		if r.status != tc.status || r.code() != tc.code || r.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d %s Allow %q, want %d %s %q", tc.method, tc.path, r.status, r.code(), r.header.Get("Allow"), tc.status, tc.code, tc.allow)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s %s: Content-Type %q", tc.method, tc.path, ct)
		}
	}
	if r := ts.do("HEAD", "/v1/collections", ""); r.status != http.StatusOK {
		t.Errorf("HEAD: %d", r.status)
	}
	_ = slices.Contains[[]string]
}
