package vajrahttp

import (
	"fmt"
	"reflect"
	"testing"
)

// TestSearchEchoesFusion checks that a hybrid answer says which fusion it used, defaults
// filled in, and that other modes leave "fusion" out.
func TestSearchEchoesFusion(t *testing.T) {
	ts := newTestServer(t, Options{})
	cases := []struct {
		body string
		want any
	}{
		{`{"query": "solar", "mode": "hybrid"}`, map[string]any{"method": "rrf", "lexical_weight": 0.5, "rrf_k": 60.0, "depth": 100.0}},
		{`{"query": "solar", "mode": "hybrid", "limit": 5, "offset": 200}`, map[string]any{"method": "rrf", "lexical_weight": 0.5, "rrf_k": 60.0, "depth": 205.0}},
		{`{"query": "solar", "mode": "hybrid", "fusion": {"method": "relative", "lexical_weight": 0.2, "depth": 7}}`,
			map[string]any{"method": "relative", "lexical_weight": 0.2, "rrf_k": 60.0, "depth": 10.0}},
		{`{"query": "solar", "mode": "lexical"}`, nil},
		{`{"query": "solar", "mode": "vector"}`, nil},
	}
	for _, tc := range cases {
		res := ts.mustStatus(200, "POST", "/v1/collections/docs/search", tc.body).decode(t)
		if got := res["fusion"]; !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: fusion %v, want %v", tc.body, got, tc.want)
		}
	}
}

// TestSearchHasMoreAndCount pages through each mode and checks has_more against the next
// page, and total_matches against the documents that hold a query word.
func TestSearchHasMoreAndCount(t *testing.T) {
	ts := newTestServer(t, Options{})
	// "solar" or "power": documents 1, 2, 7 and 8 (see testDocs).
	matches := map[string]float64{"lexical": 4, "vector": float64(len(testDocs)), "hybrid": float64(len(testDocs))}
	for _, mode := range []string{"lexical", "vector", "hybrid"} {
		for off := 0; ; off += 3 {
			body := fmt.Sprintf(`{"query": "solar power", "mode": %q, "limit": 3, "offset": %d, "count": true}`, mode, off)
			res := ts.mustStatus(200, "POST", "/v1/collections/docs/search", body).decode(t)
			if res["total_matches"] != matches[mode] {
				t.Errorf("%s: total_matches %v, want %v", mode, res["total_matches"], matches[mode])
			}
			next := ts.mustStatus(200, "POST", "/v1/collections/docs/search",
				fmt.Sprintf(`{"query": "solar power", "mode": %q, "limit": 3, "offset": %d}`, mode, off+3)).decode(t)
			if _, ok := next["total_matches"]; ok {
				t.Errorf("%s: total_matches without \"count\"", mode)
			}
			more := len(next["hits"].([]any)) > 0
			if res["has_more"] != more || more != (float64(off+3) < matches[mode]) {
				t.Fatalf("%s offset %d: has_more %v, next page has hits %v", mode, off, res["has_more"], more)
			}
			if !more {
				break
			}
		}
	}
}

// TestSearchExplainIDs checks that explain_ids explains the listed hits of the page only, and
// a listed document off the page in "explanations".
func TestSearchExplainIDs(t *testing.T) {
	ts := newTestServer(t, Options{})
	for _, mode := range []string{"lexical", "vector", "hybrid"} {
		full := ids(t, ts.mustStatus(200, "POST", "/v1/collections/docs/search", fmt.Sprintf(`{"query": "solar power energy", "mode": %q, "limit": 8}`, mode)))
		if len(full) < 4 {
			t.Fatalf("%s: %v", mode, full)
		}
		body := fmt.Sprintf(`{"query": "solar power energy", "mode": %q, "limit": 2, "explain_ids": [%q, %q]}`, mode, full[1], full[3])
		res := ts.mustStatus(200, "POST", "/v1/collections/docs/search", body).decode(t)
		for i, h := range res["hits"].([]any) {
			h := h.(map[string]any)
			if _, ok := h["explain"]; ok != (i == 1) {
				t.Errorf("%s: hit %d has explain %v", mode, i+1, ok)
			}
		}
		exs, _ := res["explanations"].([]any)
		if len(exs) != 1 {
			t.Fatalf("%s: explanations %v", mode, res["explanations"])
		}
		ex := exs[0].(map[string]any)
		if ex["id"] != full[3] || ex["rank"] != 4.0 || ex["mode"] != mode {
			t.Errorf("%s: explanation %v, want %s at rank 4", mode, ex, full[3])
		}
		if mode != "vector" {
			lx := ex["lexical"].(map[string]any)
			if !reflect.DeepEqual(lx["fields"], []any{"title", "content"}) {
				t.Errorf("%s: lexical fields %v", mode, lx["fields"])
			}
		}
	}
	// Without explain_ids or explain, no explanation at all.
	res := ts.mustStatus(200, "POST", "/v1/collections/docs/search", `{"query": "solar", "mode": "lexical"}`).decode(t)
	if _, ok := res["explanations"]; ok {
		t.Errorf("explanations without explain_ids: %v", res)
	}
}

// TestSearchErrorsNameTheirPlace checks the field and position of errors the engine finds
// once the request parsed: an unknown filter field (text and tree), a query with nothing to
// embed, an explain id the collection does not have.
func TestSearchErrorsNameTheirPlace(t *testing.T) {
	ts := newTestServer(t, Options{})
	cases := []struct {
		path, body, code, field string
		position                any
	}{
		{"/v1/collections/docs/search", `{"query": "solar", "filter": "lang = en AND nosuch = 1"}`, "invalid_filter", "filter", 14.0},
		{"/v1/collections/docs/search", `{"query": "solar", "filter": "year >= 2000 OR lang < 3"}`, "invalid_filter", "filter", 16.0},
		{"/v1/collections/docs/search", `{"query": "solar", "filter": {"and": [{"field": "lang", "op": "=", "value": "en"}, {"not": {"field": "nosuch", "op": "=", "value": 1}}]}}`,
			"invalid_filter", "filter.and[1].not.field", nil},
		{"/v1/collections/docs/documents/delete", `{"filter": "year > 1, colour = red"}`, "invalid_filter", "filter", 10.0},
		{"/v1/collections/docs/documents/delete", `{"filter": {"or": [{"field": "colour", "op": "exists"}]}}`, "invalid_filter", "filter.or[0].field", nil},
		{"/v1/collections/docs/search", `{"query": "!?! ...", "mode": "hybrid"}`, "invalid_field", "query", nil},
		{"/v1/collections/docs/search", `{"query": "—", "mode": "vector"}`, "invalid_field", "query", nil},
		{"/v1/collections/docs/search", `{"query": "solar", "explain_ids": ["1", "nope"]}`, "document_not_found", "explain_ids[1]", nil},
	}
	for _, tc := range cases {
		r := ts.do("POST", tc.path, tc.body)
		p := r.decode(t)
		if r.code() != tc.code || p["field"] != tc.field || p["position"] != tc.position {
			t.Errorf("%s: %s field %v position %v; want %s field %s position %v: %s", tc.body, r.code(), p["field"], p["position"], tc.code, tc.field, tc.position, r.body)
		}
	}
	p := ts.do("POST", "/v1/collections/docs/search", `{"query": "!?!", "mode": "hybrid"}`).decode(t)
	if d := p["detail"].(string); d != `vajra: invalid query: the query "!?!" has nothing to embed: vector and hybrid search need a word or a number in the query (or a query vector)` {
		t.Errorf("detail %q", d)
	}
}

// TestStatsDescribeMetadata checks the per-field description of the stats route.
func TestStatsDescribeMetadata(t *testing.T) {
	ts := newTestServer(t, Options{})
	st := ts.mustStatus(200, "GET", "/v1/collections/docs", "").decode(t)
	byName := map[string]map[string]any{}
	for _, f := range st["metadata"].([]any) {
		f := f.(map[string]any)
		byName[f["name"].(string)] = f
	}
	if !reflect.DeepEqual(st["metadata_fields"], []any{"lang", "tags", "year"}) || len(byName) != 3 {
		t.Fatalf("metadata %v", st["metadata"])
	}
	want := map[string]map[string]any{
		"lang": {"name": "lang", "documents": 8.0, "types": []any{"string"}, "distinct": 4.0, "samples": []any{"en", "de", "es", "fr"}},
		"tags": {"name": "tags", "documents": 5.0, "types": []any{"string"}, "distinct": 3.0, "samples": []any{"energy", "sport", "solar"}},
		"year": {"name": "year", "documents": 8.0, "types": []any{"number"}, "distinct": 8.0, "min": 2015.0, "max": 2024.0,
			"samples": []any{2015.0, 2017.0, 2018.0, 2019.0, 2020.0}},
	}
	for name, w := range want {
		if !reflect.DeepEqual(byName[name], w) {
			t.Errorf("%s: %v, want %v", name, byName[name], w)
		}
	}
	if st := ts.mustStatus(200, "GET", "/v1/collections/demo", "").decode(t); !reflect.DeepEqual(st["metadata"], []any{}) {
		t.Errorf("demo metadata %v", st["metadata"])
	}
}
