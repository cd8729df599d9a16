package vajrahttp

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"testing"
)

// badRequest is one request the server must refuse with a given status and code, changing
// nothing (or, for an NDJSON upload stopped by a bad line, exactly what came before it).
type badRequest struct {
	name         string
	method, path string
	body         string
	headers      []string
	status       int
	code         string
	field        string // the problem's "field", when it must name one
	// undo restores the data after a request that is allowed to change it, after checking
	// that it changed as it should.
	undo func(t *testing.T, ts *testServer, r *testResponse)
}

func float32sBase64(v ...float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}

const (
	adminKey = "admin-secret"
	readKey  = "read-secret"
)

func badRequests() []badRequest {
	search := func(name, body string, status int, code, field string) badRequest {
		return badRequest{name: name, method: "POST", path: "/v1/collections/docs/search", body: body, status: status, code: code, field: field}
	}
	upsert := func(name, coll, body string, status int, code, field string, headers ...string) badRequest {
		return badRequest{name: name, method: "POST", path: "/v1/collections/" + coll + "/documents", body: body, headers: headers, status: status, code: code, field: field}
	}
	deep := strings.Repeat(`{"not":`, 80) + `{"field": "year", "op": "=", "value": 1}` + strings.Repeat(`}`, 80)
	return []badRequest{
		// Bodies that are not the JSON expected.
		search("truncated JSON", `{"query": "x"`, 400, "bad_json", ""),
		search("not JSON", `query=solar`, 400, "bad_json", ""),
		search("empty body", ``, 400, "bad_json", ""),
		search("JSON array body", `[]`, 400, "invalid_field", ""),
		search("JSON null body", `null`, 400, "invalid_field", ""),
		search("data after the object", `{"query": "x"} {"query": "y"}`, 400, "bad_json", ""),
		search("NaN literal in a vector", `{"vector": [1, NaN]}`, 400, "bad_json", ""),
		// Unknown fields.
		search("unknown field", `{"query": "x", "k": 10}`, 400, "unknown_field", "k"),
		search("unknown fusion field", `{"query": "x", "fusion": {"alpha": 0.5}}`, 400, "unknown_field", "fusion.alpha"),
		// Wrong types and values.
		search("query is a number", `{"query": 5}`, 400, "invalid_field", "query"),
		search("limit is a string", `{"query": "x", "limit": "10"}`, 400, "invalid_field", "limit"),
		search("negative limit", `{"query": "x", "limit": -1}`, 400, "invalid_field", "limit"),
		search("zero limit", `{"query": "x", "limit": 0}`, 400, "invalid_field", "limit"),
		search("huge limit", `{"query": "x", "limit": 1000000000}`, 400, "invalid_field", "limit"),
		search("fractional limit", `{"query": "x", "limit": 2.5}`, 400, "invalid_field", "limit"),
		search("negative offset", `{"query": "x", "offset": -3}`, 400, "invalid_field", "offset"),
		search("ef is negative", `{"query": "x", "ef": -5}`, 400, "invalid_field", "ef"),
		search("explain is a string", `{"query": "x", "explain": "yes"}`, 400, "invalid_field", "explain"),
		search("lexical_weight over 1", `{"query": "x", "fusion": {"lexical_weight": 1.5}}`, 400, "invalid_field", "fusion.lexical_weight"),
		search("rrf_k of 0", `{"query": "x", "fusion": {"rrf_k": 0}}`, 400, "invalid_field", "fusion.rrf_k"),
		search("negative depth", `{"query": "x", "fusion": {"depth": -1}}`, 400, "invalid_field", "fusion.depth"),
		search("unknown fusion method", `{"query": "x", "fusion": {"method": "borda"}}`, 400, "invalid_field", "fusion.method"),
		search("fusion is a string", `{"query": "x", "fusion": "rrf"}`, 400, "invalid_field", "fusion"),
		search("unknown mode", `{"query": "x", "mode": "semantic"}`, 400, "invalid_field", "mode"),
		search("no query and no vector", `{"mode": "lexical"}`, 400, "invalid_field", "query"),
		search("query with nothing to embed", `{"query": "?!", "mode": "hybrid"}`, 400, "invalid_field", "query"),
		search("count is a number", `{"query": "x", "count": 1}`, 400, "invalid_field", "count"),
		search("explain_ids is a string", `{"query": "x", "explain_ids": "1"}`, 400, "invalid_field", "explain_ids"),
		search("explain_ids holds a number", `{"query": "x", "explain_ids": ["1", 2]}`, 400, "invalid_field", "explain_ids[1]"),
		search("explain_ids holds an empty id", `{"query": "x", "explain_ids": [""]}`, 400, "invalid_field", "explain_ids[0]"),
		search("explain a missing document", `{"query": "x", "explain_ids": ["nope"]}`, 404, "document_not_found", "explain_ids[0]"),
		// Filters.
		search("filter syntax error", `{"query": "x", "filter": "year >="}`, 400, "invalid_filter", "filter"),
		search("filter on an unknown field", `{"query": "x", "filter": "nosuch = 1"}`, 400, "invalid_filter", "filter"),
		search("filter tree on an unknown field", `{"query": "x", "filter": {"or": [{"field": "year", "op": "=", "value": 1}, {"field": "nosuch", "op": "exists"}]}}`, 400, "invalid_filter", "filter.or[1].field"),
		search("range over a string field", `{"query": "x", "filter": "lang > 3"}`, 400, "invalid_filter", "filter"),
		search("filter tree with a bad operator", `{"query": "x", "filter": {"and": [{"field": "year", "op": "~", "value": 1}]}}`, 400, "invalid_filter", "filter.and[0].op"),
		search("filter tree NOT over a range", `{"query": "x", "filter": {"not": {"field": "year", "op": ">", "value": 1}}}`, 400, "invalid_filter", "filter.not.op"),
		search("filter tree nested too deep", `{"query": "x", "filter": `+deep+`}`, 400, "invalid_filter", ""),
		search("filter is a number", `{"query": "x", "filter": 2020}`, 400, "invalid_field", "filter"),
		// Vectors.
		{name: "wrong vector dimension", method: "POST", path: "/v1/collections/vecs/search", body: `{"vector": [1, 0, 0], "mode": "vector"}`, status: 400, code: "dimension_mismatch", field: "vector"},
		{name: "NaN in a base64 vector", method: "POST", path: "/v1/collections/vecs/search", body: fmt.Sprintf(`{"vector": %q}`, float32sBase64(1, float32(math.NaN()), 0, 0)), status: 400, code: "invalid_field", field: "vector"},
		{name: "vector value over float32", method: "POST", path: "/v1/collections/vecs/search", body: `{"vector": [1e39, 0, 0, 0]}`, status: 400, code: "invalid_field", field: "vector"},
		{name: "vector of strings", method: "POST", path: "/v1/collections/vecs/search", body: `{"vector": ["a", "b", "c", "d"]}`, status: 400, code: "invalid_field", field: "vector"},
		{name: "base64 of 3 bytes", method: "POST", path: "/v1/collections/vecs/search", body: `{"vector": "AAAA"}`, status: 400, code: "invalid_field", field: "vector"},
		{name: "vector mode without vectors", method: "POST", path: "/v1/collections/demo/search", body: `{"query": "demo", "mode": "vector"}`, status: 400, code: "mode_unavailable", field: "mode"},
		{name: "text query on precomputed vectors", method: "POST", path: "/v1/collections/vecs/search", body: `{"query": "first", "mode": "hybrid"}`, status: 400, code: "mode_unavailable"},
		// Missing things.
		{name: "search a missing collection", method: "POST", path: "/v1/collections/nope/search", body: `{"query": "x"}`, status: 404, code: "collection_not_found"},
		{name: "missing document", method: "GET", path: "/v1/collections/docs/documents/nope", status: 404, code: "document_not_found", field: "id"},
		{name: "stats of a missing collection", method: "GET", path: "/v1/collections/nope", status: 404, code: "collection_not_found"},
		{name: "delete a missing collection", method: "DELETE", path: "/v1/collections/nope", status: 404, code: "collection_not_found"},
		// Collection names and paths.
		{name: "name .. percent-encoded", method: "GET", path: "/v1/collections/%2e%2e", status: 400, code: "invalid_field", field: "name"},
		{name: "name .. percent-encoded, PUT", method: "PUT", path: "/v1/collections/%2E%2E", status: 400, code: "invalid_field", field: "name"},
		{name: "dot-dot segment", method: "GET", path: "/v1/collections/../collections/docs", status: 400, code: "invalid_field", field: "name"},
		{name: "escape through the document id", method: "GET", path: "/v1/collections/docs/documents/%2e%2e/%2e%2e/x", status: 400, code: "invalid_field", field: "name"},
		{name: "name with a slash", method: "PUT", path: "/v1/collections/a%2Fb", status: 400, code: "invalid_field", field: "name"},
		{name: "name with an encoded dot-dot-slash", method: "PUT", path: "/v1/collections/..%2F..%2Fetc", status: 400, code: "invalid_field", field: "name"},
		{name: "name with a leading dot", method: "PUT", path: "/v1/collections/.hidden", status: 400, code: "invalid_field", field: "name"},
		{name: "name with a NUL", method: "PUT", path: "/v1/collections/a%00b", status: 400, code: "invalid_field", field: "name"},
		{name: "name too long", method: "PUT", path: "/v1/collections/" + strings.Repeat("n", 65), status: 400, code: "invalid_field", field: "name"},
		{name: "name with a space", method: "PUT", path: "/v1/collections/a%20b", status: 400, code: "invalid_field", field: "name"},
		// Creating collections.
		{name: "create an existing collection", method: "PUT", path: "/v1/collections/docs", body: `{}`, status: 409, code: "collection_exists", field: "name"},
		{name: "create with an unknown embedder", method: "PUT", path: "/v1/collections/new", body: `{"embedder": {"kind": "magic"}}`, status: 400, code: "invalid_field", field: "embedder.kind"},
		{name: "create with an unknown field", method: "PUT", path: "/v1/collections/new", body: `{"embedder": {"kind": "hash"}, "shards": 3}`, status: 400, code: "unknown_field", field: "shards"},
		{name: "create openai without a URL", method: "PUT", path: "/v1/collections/new", body: `{"embedder": {"kind": "openai", "model": "m"}}`, status: 400, code: "invalid_field", field: "embedder.url"},
		{name: "create with a bad metric", method: "PUT", path: "/v1/collections/new", body: `{"embedder": {"kind": "hash"}, "vector": {"metric": "manhattan"}}`, status: 400, code: "invalid_field", field: "vector.metric"},
		{name: "create with a negative dimension", method: "PUT", path: "/v1/collections/new", body: `{"embedder": {"kind": "hash", "dim": -4}}`, status: 400, code: "invalid_field", field: "embedder.dim"},
		// Writes.
		upsert("write to a read-only collection", "demo", `{"documents": [{"id": "x"}]}`, 403, "read_only", "name"),
		{name: "delete a read-only collection", method: "DELETE", path: "/v1/collections/demo", status: 403, code: "read_only"},
		upsert("one bad document fails them all", "vecs", `{"documents": [{"id": "z1", "vector": [0, 0, 1, 0]}, {"id": "z2", "vector": [1, 2]}]}`, 400, "dimension_mismatch", ""),
		upsert("NaN spelled in a document vector", "vecs", `{"documents": [{"id": "z1", "vector": [0, NaN, 1, 0]}]}`, 400, "bad_json", ""),
		upsert("zero vector under cosine", "vecs", `{"documents": [{"id": "z1", "vector": [0, 0, 0, 0]}]}`, 400, "invalid_field", ""),
		upsert("no documents member", "docs", `{"docs": []}`, 400, "invalid_field", "documents"),
		upsert("documents is an object", "docs", `{"documents": {"id": "x"}}`, 400, "invalid_field", "documents"),
		upsert("document without an id", "docs", `{"documents": [{"id": "ok"}, {"title": "no id"}]}`, 400, "invalid_field", "documents[1]._id"),
		upsert("document title of the wrong type", "docs", `{"documents": [{"id": "x", "title": ["a"]}]}`, 400, "invalid_field", "documents[0].title"),
		upsert("unsupported content type", "docs", `id,title`, 415, "invalid_field", "Content-Type", "Content-Type", "text/csv"),
		{name: "first_line of 0", method: "POST", path: "/v1/collections/docs/documents?first_line=0", body: "{\"id\": \"x\"}\n", headers: []string{"Content-Type", "application/x-ndjson"}, status: 400, code: "invalid_field", field: "first_line"},
		{name: "first_line not a number", method: "POST", path: "/v1/collections/docs/documents?first_line=ten", body: "{\"id\": \"x\"}\n", headers: []string{"Content-Type", "application/x-ndjson"}, status: 400, code: "invalid_field", field: "first_line"},
		{name: "unknown on_error", method: "POST", path: "/v1/collections/docs/documents?on_error=ignore", body: "{\"id\": \"x\"}\n", headers: []string{"Content-Type", "application/x-ndjson"}, status: 400, code: "invalid_field", field: "on_error"},
		{name: "NDJSON with a bad line in the middle", method: "POST", path: "/v1/collections/docs/documents",
			body:    "{\"id\": \"n1\", \"title\": \"before\"}\n{\"id\": \"n2\", \"title\": \"before too\"}\n{\"id\": \"n3\", oops}\n{\"id\": \"n4\", \"title\": \"after\"}\n",
			headers: []string{"Content-Type", "application/x-ndjson"}, status: 400, code: "bad_json",
			undo: func(t *testing.T, ts *testServer, r *testResponse) {
				p := r.decode(t)
				errs, _ := p["errors"].([]any)
				if p["upserted"] != 2.0 || len(errs) != 1 || errs[0].(map[string]any)["line"] != 3.0 {
					t.Errorf("report %s", r.body)
				}
				ts.mustStatus(200, "GET", "/v1/collections/docs/documents/n2", "")
				ts.mustStatus(404, "GET", "/v1/collections/docs/documents/n4", "")
				ts.mustStatus(200, "POST", "/v1/collections/docs/documents/delete", `{"ids": ["n1", "n2"]}`)
			}},
		{name: "NDJSON with a wrong dimension after good lines", method: "POST", path: "/v1/collections/vecs/documents",
			body:    "{\"id\": \"m1\", \"vector\": [0, 0, 1, 0]}\n{\"id\": \"m2\", \"vector\": [1, 1]}\n{\"id\": \"m3\", \"vector\": [0, 0, 0, 1]}\n",
			headers: []string{"Content-Type", "application/x-ndjson"}, status: 400, code: "dimension_mismatch",
			undo: func(t *testing.T, ts *testServer, r *testResponse) {
				if p := r.decode(t); p["upserted"] != 1.0 {
					t.Errorf("report %s", r.body)
				}
				ts.mustStatus(404, "GET", "/v1/collections/vecs/documents/m3", "")
				ts.mustStatus(200, "POST", "/v1/collections/vecs/documents/delete", `{"ids": ["m1"]}`)
			}},
		upsert("body over the limit", "docs", `{"documents": [{"id": "big", "content": "`+strings.Repeat("x", 70<<10)+`"}]}`, 413, "payload_too_large", ""),
		upsert("NDJSON line over the limit", "docs", "{\"id\": \"big\", \"content\": \""+strings.Repeat("x", 70<<10)+"\"}\n", 413, "payload_too_large", "", "Content-Type", "application/x-ndjson"),
		{name: "search body over the limit", method: "POST", path: "/v1/collections/docs/search", body: `{"query": "` + strings.Repeat("solar ", 12<<10) + `"}`, status: 413, code: "payload_too_large"},
		{name: "delete by ids and filter", method: "POST", path: "/v1/collections/docs/documents/delete", body: `{"ids": ["1"], "filter": "year = 2021"}`, status: 400, code: "invalid_field", field: "ids"},
		{name: "delete with an empty filter", method: "POST", path: "/v1/collections/docs/documents/delete", body: `{"filter": ""}`, status: 400, code: "invalid_field", field: "filter"},
		{name: "delete with a bad filter", method: "POST", path: "/v1/collections/docs/documents/delete", body: `{"filter": "year >> 3"}`, status: 400, code: "invalid_filter", field: "filter"},
		{name: "delete ids of the wrong type", method: "POST", path: "/v1/collections/docs/documents/delete", body: `{"ids": "1"}`, status: 400, code: "invalid_field", field: "ids"},
		{name: "export with a bad flag", method: "GET", path: "/v1/collections/docs/export?vectors=maybe", status: 400, code: "invalid_field", field: "vectors"},
		// Keys.
		{name: "no key", method: "GET", path: "/v1/collections", headers: []string{"Authorization", ""}, status: 401, code: "unauthorized"},
		{name: "wrong key", method: "POST", path: "/v1/collections/docs/search", body: `{"query": "x"}`, headers: []string{"Authorization", "Bearer guess"}, status: 401, code: "unauthorized"},
		{name: "not a bearer token", method: "GET", path: "/v1/collections", headers: []string{"Authorization", "Basic YWRtaW46YWRtaW4="}, status: 401, code: "unauthorized"},
		{name: "read key on a write", method: "POST", path: "/v1/collections/docs/documents", body: `{"documents": [{"id": "x"}]}`, headers: []string{"Authorization", "Bearer " + readKey}, status: 403, code: "forbidden"},
		{name: "read key deleting a collection", method: "DELETE", path: "/v1/collections/docs", headers: []string{"Authorization", "Bearer " + readKey}, status: 403, code: "forbidden"},
		{name: "read key taking a snapshot", method: "POST", path: "/v1/collections/docs/snapshot", headers: []string{"Authorization", "Bearer " + readKey}, status: 403, code: "forbidden"},
		// Methods.
		{name: "wrong method", method: "DELETE", path: "/v1/collections/docs/search", status: 405, code: "method_not_allowed"},
		// Restores.
		{name: "restore garbage", method: "PUT", path: "/v1/collections/restored?restore", body: "this is not a tar archive, not at all, really not one; " + strings.Repeat(".", 600), headers: []string{"Content-Type", "application/x-tar"}, status: 400, code: "invalid_field", field: "body"},
		{name: "restore over an existing collection", method: "PUT", path: "/v1/collections/docs?restore", body: "x", headers: []string{"Content-Type", "application/x-tar"}, status: 409, code: "collection_exists"},
		{name: "restore with a malformed digest", method: "PUT", path: "/v1/collections/restored?restore", body: "x", headers: []string{"Content-Type", "application/x-tar", "Digest", "sha-256=!!"}, status: 400, code: "invalid_field", field: "Digest"},
	}
}

func TestBadRequests(t *testing.T) {
	ts := newTestServer(t, Options{AdminKey: adminKey, ReadKey: readKey, MaxBody: 64 << 10})
	before := ts.fingerprint()
	n := 0
	for _, tc := range badRequests() {
		if tc.status == 0 {
			continue
		}
		n++
		r := ts.do(tc.method, tc.path, tc.body, tc.headers...)
		if r.status != tc.status || r.code() != tc.code {
			t.Errorf("%s: %d %q, want %d %q: %s", tc.name, r.status, r.code(), tc.status, tc.code, r.body)
			continue
		}
		p := r.decode(t)
		if tc.field != "" && p["field"] != tc.field {
			t.Errorf("%s: field %v, want %q (%s)", tc.name, p["field"], tc.field, p["detail"])
		}
		if d, _ := p["detail"].(string); d == "" {
			t.Errorf("%s: no detail", tc.name)
		}
		if tc.undo != nil {
			tc.undo(t, ts, r)
		}
		if after := ts.fingerprint(); after != before {
			t.Fatalf("%s changed the data", tc.name)
		}
	}
	if r := ts.do("POST", "/v1/collections/docs/search", `{"query": "x", "filter": "year >="}`); r.decode(t)["position"] != 7.0 {
		t.Errorf("filter syntax error without its position: %s", r.body)
	}
	if r := ts.do("POST", "/v1/collections/docs/search", `{"query": "x", "filter": "year > 1 AND nosuch = 1"}`); r.decode(t)["position"] != 13.0 {
		t.Errorf("unknown filter field without its position: %s", r.body)
	}
	if r := ts.do("GET", "/v1/collections", "", "Authorization", ""); r.header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	// A wrong digest is caught after the archive has been read: nothing may remain.
	snap := ts.mustStatus(200, "POST", "/v1/collections/docs/snapshot", "")
	r := ts.do("PUT", "/v1/collections/restored?restore", string(snap.body), "Content-Type", "application/x-tar", "Digest", "sha-256="+float32sBase64(1, 2, 3, 4, 5, 6, 7, 8))
	if r.status != 400 || r.code() != "invalid_field" {
		t.Errorf("restore with a wrong digest: %d %s", r.status, r.body)
	}
	n++
	if after := ts.fingerprint(); after != before {
		t.Fatal("a restore with a wrong digest left a collection")
	}
	t.Logf("%d bad requests refused, each leaving the data unchanged", n)
	if n < 40 {
		t.Errorf("only %d cases", n)
	}
}
