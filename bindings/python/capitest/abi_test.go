package capitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func codeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
}

// fixture returns a collection of precomputed 4-d vectors with three documents.
func fixture(t *testing.T, path string) uint64 {
	t.Helper()
	h, err := Create(path, `{"embedder": {"kind": "precomputed", "dim": 4}, "vector": {"profile": "fast", "seed": 1}}`)
	if err != nil {
		t.Fatal(err)
	}
	docs := `[{"id": "a", "title": "Solar power", "content": "Panels turn sunlight into electricity.", "metadata": {"year": 2021, "lang": "en"}},
		{"id": "b", "title": "Wind power", "content": "Turbines turn wind into electricity.", "metadata": {"year": 2019, "lang": "en"}},
		{"id": "c", "title": "Kaffeehaus", "content": "Wiener Kaffeehauskultur.", "metadata": {"year": 2022, "lang": "de"}}]`
	vecs := []float32{1, 0, 0, 0, 0.9, 0.1, 0, 0, 0, 0, 1, 0}
	rep, err := Upsert(h, docs, vecs, 4)
	if err != nil {
		t.Fatal(err)
	}
	if rep != `{"added":3,"duplicates":0,"replaced":0,"upserted":3}` {
		t.Fatalf("upsert report %s", rep)
	}
	return h
}

type results struct {
	Hits []struct {
		ID      string         `json:"id"`
		Score   float64        `json:"score"`
		Title   string         `json:"title"`
		Lexical map[string]any `json:"lexical"`
		Vector  map[string]any `json:"vector"`
		Snippet *struct {
			Text       string   `json:"text"`
			Highlights [][2]int `json:"highlights"`
		} `json:"snippet"`
		Explain map[string]any `json:"explain"`
	} `json:"hits"`
	Mode            string   `json:"mode"`
	Terms           []string `json:"terms"`
	TookMS          *float64 `json:"took_ms"`
	TotalCandidates int      `json:"total_candidates"`
}

func ids(r results) string {
	var s []string
	for _, h := range r.Hits {
		s = append(s, h.ID)
	}
	return strings.Join(s, ",")
}

func TestVersion(t *testing.T) {
	v, err := Version()
	if err != nil {
		t.Fatal(err)
	}
	if v["abi"] != float64(1) || v["kernel"] == "" {
		t.Errorf("version %v", v)
	}
}

func TestCollectionSearch(t *testing.T) {
	h := fixture(t, "")
	defer Close(h)
	cases := []struct {
		name, req string
		vec       []float32
		want      string // ids, best first
		mode      string
	}{
		{"lexical", `{"query": "electricity", "mode": "lexical"}`, nil, "a,b", "lexical"},
		{"lexical filter", `{"query": "electricity", "mode": "lexical", "filter": "year >= 2020"}`, nil, "a", "lexical"},
		{"filter tree", `{"query": "electricity", "mode": "lexical", "filter": {"and": [{"field": "lang", "op": "=", "value": "en"}, {"not": {"field": "year", "op": "=", "value": 2021}}]}}`, nil, "b", "lexical"},
		{"vector raw", `{"mode": "vector", "limit": 2}`, []float32{0, 0, 1, 0}, "c,a", "vector"},
		{"vector json", `{"mode": "vector", "limit": 1, "vector": [1, 0, 0, 0]}`, nil, "a", "vector"},
		{"vector base64", `{"mode": "vector", "limit": 1, "vector": "AAAAAAAAAAAAAIA/AAAAAA=="}`, nil, "c", "vector"},
		{"raw vector replaces json", `{"mode": "vector", "limit": 1, "vector": [1, 0, 0, 0]}`, []float32{0, 0, 1, 0}, "c", "vector"},
		{"hybrid", `{"query": "wind", "fusion": {"method": "rrf", "lexical_weight": 1}}`, []float32{1, 0, 0, 0}, "b,a,c", "hybrid"},
		{"offset", `{"query": "electricity", "mode": "lexical", "offset": 1}`, nil, "b", "lexical"},
		{"short mode name", `{"query": "electricity", "mode": "bm25", "limit": 1}`, nil, "a", "lexical"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Search(h, tc.req, tc.vec)
			if err != nil {
				t.Fatal(err)
			}
			var r results
			mustJSON(t, out, &r)
			if got := ids(r); got != tc.want || r.Mode != tc.mode || r.TookMS == nil {
				t.Errorf("got %s mode %s, want %s mode %s (%s)", got, r.Mode, tc.want, tc.mode, out)
			}
		})
	}
	out, err := Search(h, `{"query": "wind power", "highlight": true, "explain": true, "mode": "lexical"}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var r results
	mustJSON(t, out, &r)
	if len(r.Hits) == 0 || r.Hits[0].Snippet == nil || len(r.Hits[0].Snippet.Highlights) == 0 || r.Hits[0].Explain == nil || r.Hits[0].Lexical["rank"] != float64(1) {
		t.Errorf("highlight/explain missing: %s", out)
	}
	ex, err := Explain(h, `{"query": "wind", "mode": "lexical"}`, "b")
	if err != nil || !strings.Contains(ex, `"id":"b"`) || !strings.Contains(ex, `"lexical"`) {
		t.Errorf("explain %s, %v", ex, err)
	}
}

func TestCollectionLifecycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	h := fixture(t, dir)
	doc, vec, err := Get(h, "a")
	if err != nil {
		t.Fatal(err)
	}
	if doc != `{"id":"a","title":"Solar power","content":"Panels turn sunlight into electricity.","metadata":{"lang":"en","year":2021}}` || len(vec) != 4 || vec[0] != 1 {
		t.Errorf("get: %s %v", doc, vec)
	}
	if out, err := Delete(h, `["b", "zz"]`); err != nil || out != `{"deleted":1,"missing":1}` {
		t.Errorf("delete: %s %v", out, err)
	}
	if out, err := IDs(h); err != nil || out != `["a","c"]` {
		t.Errorf("ids: %s %v", out, err)
	}
	var st map[string]any
	out, err := Stats(h)
	if err != nil {
		t.Fatal(err)
	}
	mustJSON(t, out, &st)
	if st["documents"] != float64(2) || st["dimension"] != float64(4) || st["profile"] != "fast" {
		t.Errorf("stats %s", out)
	}
	if err := Promote(h, "quality"); err != nil {
		t.Fatal(err)
	}
	if err := Flush(h); err != nil {
		t.Fatal(err)
	}
	if err := Close(h); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(dir)
	if err != nil || !strings.Contains(rep, `"ok":true`) || !strings.Contains(rep, `"documents":2`) {
		t.Errorf("check: %s %v", rep, err)
	}
	h, err = Open(dir, `{"threads": 1}`)
	if err != nil {
		t.Fatal(err)
	}
	defer Close(h)
	if out, err := IDs(h); err != nil || out != `["a","c"]` {
		t.Errorf("ids after reopening: %s %v", out, err)
	}
	if out, _ := Stats(h); !strings.Contains(out, `"profile":"quality"`) {
		t.Errorf("promotion not kept: %s", out)
	}
}

func TestCollectionErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	h := fixture(t, dir)
	defer Close(h)
	lex, err := Create("", "")
	if err != nil {
		t.Fatal(err)
	}
	defer Close(lex)
	closed, err := Create("", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := Close(closed); err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	upsert := func(h uint64, docs string, vecs []float32, dim int) error {
		_, err := Upsert(h, docs, vecs, dim)
		return err
	}
	search := func(h uint64, req string, vec []float32) error { _, err := Search(h, req, vec); return err }
	cases := []struct {
		name string
		err  error
		code string
	}{
		{"bad json", upsert(h, `[{"id": "x",`, nil, 0), "bad_json"},
		{"trailing data", upsert(h, `[] []`, nil, 0), "bad_json"},
		{"unknown document field", upsert(h, `[{"id": "x", "body": "y"}]`, []float32{1, 0, 0, 0}, 4), "unknown_field"},
		{"wrong type", upsert(h, `[{"id": 5}]`, []float32{1, 0, 0, 0}, 4), "invalid_field"},
		{"empty id", upsert(h, `[{"title": "t"}]`, []float32{1, 0, 0, 0}, 4), "invalid_field"},
		{"wrong dimension", upsert(h, `[{"id": "x"}]`, []float32{1, 0, 0}, 3), "dimension_mismatch"},
		{"NaN", upsert(h, `[{"id": "x"}]`, []float32{1, nan, 0, 0}, 4), "invalid_field"},
		{"vector count", upsert(h, `[{"id": "x"}, {"id": "y"}]`, []float32{1, 0, 0, 0}, 4), "invalid_field"},
		{"missing vector", upsert(h, `[{"id": "x", "title": "t"}]`, nil, 0), "invalid_field"},
		{"vector without vector index", upsert(lex, `[{"id": "x"}]`, []float32{1, 0}, 2), "invalid_field"},
		{"bad filter", search(h, `{"query": "x", "mode": "lexical", "filter": "year >="}`, nil), "invalid_filter"},
		{"bad filter tree", search(h, `{"query": "x", "mode": "lexical", "filter": {"field": "year"}}`, nil), "invalid_filter"},
		{"unknown filter field", search(h, `{"query": "x", "mode": "lexical", "filter": "colour = red"}`, nil), "invalid_filter"},
		{"unknown request field", search(h, `{"q": "x"}`, nil), "unknown_field"},
		{"limit", search(h, `{"query": "x", "limit": 1001}`, nil), "invalid_field"},
		{"negative offset", search(h, `{"query": "x", "offset": -1}`, nil), "invalid_field"},
		{"unknown mode", search(h, `{"query": "x", "mode": "fuzzy"}`, nil), "invalid_field"},
		{"query dimension", search(h, `{"mode": "vector"}`, []float32{1, 0}), "dimension_mismatch"},
		{"query NaN", search(h, `{"mode": "vector"}`, []float32{nan, 0, 0, 0}), "invalid_field"},
		{"lexical weight", search(h, `{"query": "x", "fusion": {"lexical_weight": 2}}`, []float32{1, 0, 0, 0}), "invalid_field"},
		{"vector mode without vectors", search(lex, `{"query": "x", "mode": "vector"}`, nil), "mode_unavailable"},
		{"unknown document", func() error { _, _, err := Get(h, "zz"); return err }(), "document_not_found"},
		{"closed handle", search(closed, `{"query": "x"}`, nil), "closed"},
		{"closed twice", Close(closed), "closed"},
		{"never opened", search(1<<40, `{"query": "x"}`, nil), "closed"},
		{"collection exists", func() error { _, err := Create(t.TempDir(), ""); return err }(), ""},
		{"no collection", func() error { _, err := Open(filepath.Join(t.TempDir(), "none"), ""); return err }(), "collection_not_found"},
		{"bad options", func() error { _, err := Create("", `{"sync": "sometimes"}`); return err }(), "invalid_field"},
		{"unknown option", func() error { _, err := Create("", `{"embeder": {}}`); return err }(), "unknown_field"},
		{"bad profile", Promote(h, "ultra"), "invalid_field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := codeOf(tc.err); got != tc.code {
				t.Errorf("code %q (%v), want %q", got, tc.err, tc.code)
			}
			if tc.err != nil && strings.TrimSpace(tc.err.(*Error).Message) == "" {
				t.Error("empty message")
			}
		})
	}
	// Nothing the failures above tried was stored.
	if out, err := IDs(h); err != nil || out != `["a","b","c"]` {
		t.Errorf("ids after failed writes: %s %v", out, err)
	}
}

func TestEmbed(t *testing.T) {
	h, err := Create("", `{"embedder": {"kind": "hash", "dim": 16}}`)
	if err != nil {
		t.Fatal(err)
	}
	defer Close(h)
	vs, err := Embed(h, `["solar power", "wind"]`)
	if err != nil || len(vs) != 2 || len(vs[0]) != 16 || fmt.Sprint(vs[0]) == fmt.Sprint(vs[1]) {
		t.Fatalf("embed: %v %v", vs, err)
	}
	again, _ := Embed(h, `["solar power"]`)
	if fmt.Sprint(again[0]) != fmt.Sprint(vs[0]) {
		t.Error("the same text embedded differently")
	}
	lex, _ := Create("", "")
	defer Close(lex)
	if _, err := Embed(lex, `["x"]`); codeOf(err) != "mode_unavailable" {
		t.Errorf("embed without an embedder: %v", err)
	}
	if _, err := Embed(h, `[1]`); codeOf(err) != "invalid_field" {
		t.Errorf("embed of a number: %v", err)
	}
}

func TestCollectionExists(t *testing.T) {
	dir := t.TempDir()
	h, err := Create(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	Close(h)
	if _, err := Create(dir, ""); codeOf(err) != "collection_exists" {
		t.Errorf("create over a collection: %v", err)
	}
}

// TestCloseDuringSearches closes a collection while other threads search it: they get
// errors, never a crash.
func TestCloseDuringSearches(t *testing.T) {
	h := fixture(t, "")
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if _, err := Search(h, `{"query": "power"}`, []float32{1, 0, 0, 0}); err != nil {
					if c := codeOf(err); c != "closed" {
						t.Errorf("search during close: %v", err)
					}
					return
				}
			}
		}()
	}
	if err := Close(h); err != nil {
		t.Error(err)
	}
	wg.Wait()
}

func grid(n, dim int) ([]uint32, []float32) {
	keys := make([]uint32, n)
	vecs := make([]float32, n*dim)
	for i := range n {
		keys[i] = uint32(1000 + i)
		for j := range dim {
			vecs[i*dim+j] = float32(math.Sin(float64(i*dim+j+1) * 0.37))
		}
	}
	return keys, vecs
}

func TestIndex(t *testing.T) {
	for _, profile := range []string{"quality", "exact"} {
		t.Run(profile, func(t *testing.T) {
			const n, dim = 500, 8
			h, err := IndexCreate(fmt.Sprintf(`{"dim": %d, "metric": "l2", "profile": %q, "seed": 3, "threads": 2}`, dim, profile))
			if err != nil {
				t.Fatal(err)
			}
			keys, vecs := grid(n, dim)
			if err := IndexAdd(h, keys, vecs, dim); err != nil {
				t.Fatal(err)
			}
			for i := range 20 {
				ks, ds, err := IndexSearch(h, vecs[i*dim:(i+1)*dim], 5, 64)
				if err != nil {
					t.Fatal(err)
				}
				if len(ks) != 5 || ks[0] != int64(keys[i]) || ds[0] != 0 {
					t.Errorf("query %d: %v %v", i, ks, ds)
				}
			}
			bk, bd, found, err := IndexSearchBatch(h, vecs[:20*dim], dim, 5, 64, 2)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 20 {
				ks, ds, _ := IndexSearch(h, vecs[i*dim:(i+1)*dim], 5, 64)
				if found[i] != 5 || fmt.Sprint(bk[i*5:i*5+5]) != fmt.Sprint(ks) || fmt.Sprint(bd[i*5:i*5+5]) != fmt.Sprint(ds) {
					t.Errorf("batch query %d differs: %v %v / %v %v", i, bk[i*5:i*5+5], bd[i*5:i*5+5], ks, ds)
				}
			}
			v, ok, err := IndexGet(h, keys[3], dim)
			if err != nil || !ok || fmt.Sprint(v) != fmt.Sprint(vecs[3*dim:4*dim]) {
				t.Errorf("get: %v %v %v", v, ok, err)
			}
			if _, ok, _ := IndexGet(h, 7, dim); ok {
				t.Error("get of an absent key found it")
			}
			if n, err := IndexDelete(h, []uint32{keys[0], 7}); err != nil || n != 1 {
				t.Errorf("delete: %d %v", n, err)
			}
			path := filepath.Join(t.TempDir(), "x.vjh")
			if err := IndexSave(h, path); err != nil {
				t.Fatal(err)
			}
			h2, err := IndexLoad(path)
			if err != nil {
				t.Fatal(err)
			}
			st, err := IndexStats(h2)
			if err != nil || !strings.Contains(st, `"len":499`) || !strings.Contains(st, fmt.Sprintf(`"profile":%q`, profile)) {
				t.Errorf("stats after load: %s %v", st, err)
			}
			if err := IndexPromote(h2, "instant"); err != nil {
				t.Fatal(err)
			}
			if st, _ := IndexStats(h2); !strings.Contains(st, `"profile":"instant"`) {
				t.Errorf("stats after promote: %s", st)
			}
			ks, _, err := IndexSearch(h2, vecs[dim:2*dim], 600, 0)
			if err != nil || len(ks) != 499 {
				t.Errorf("k over the size: %d results, %v", len(ks), err)
			}
			for _, x := range []uint64{h, h2} {
				if err := IndexClose(x); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := IndexSearch(h, vecs[:dim], 5, 0); codeOf(err) != "closed" {
				t.Errorf("search after close: %v", err)
			}
		})
	}
}

func TestIndexErrors(t *testing.T) {
	h, err := IndexCreate(`{"dim": 3}`)
	if err != nil {
		t.Fatal(err)
	}
	defer IndexClose(h)
	if err := IndexAdd(h, []uint32{1, 2}, []float32{1, 0, 0, 0, 1, 0}, 3); err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	search := func(q []float32, k, ef int) error { _, _, err := IndexSearch(h, q, k, ef); return err }
	cases := []struct {
		name string
		err  error
		code string
	}{
		{"add dimension", IndexAdd(h, []uint32{3}, []float32{1, 0}, 2), "dimension_mismatch"},
		{"add NaN", IndexAdd(h, []uint32{3}, []float32{1, nan, 0}, 3), "invalid_field"},
		{"add zero vector under cosine", IndexAdd(h, []uint32{3}, []float32{0, 0, 0}, 3), "invalid_field"},
		{"search dimension", search([]float32{1, 0}, 1, 0), "dimension_mismatch"},
		{"search NaN", search([]float32{nan, 0, 0}, 1, 0), "invalid_field"},
		{"k zero", search([]float32{1, 0, 0}, 0, 0), "invalid_field"},
		{"negative ef", search([]float32{1, 0, 0}, 1, -1), "invalid_field"},
		{"batch NaN", func() error {
			_, _, _, err := IndexSearchBatch(h, []float32{1, 0, 0, nan, 0, 0}, 3, 1, 0, 2)
			return err
		}(), "invalid_field"},
		{"no dimension", func() error { _, err := IndexCreate(`{}`); return err }(), "invalid_field"},
		{"bad metric", func() error { _, err := IndexCreate(`{"dim": 3, "metric": "manhattan"}`); return err }(), "invalid_field"},
		{"bad json", func() error { _, err := IndexCreate(`{"dim": `); return err }(), "bad_json"},
		{"unknown option", func() error { _, err := IndexCreate(`{"dim": 3, "ef": 3}`); return err }(), "unknown_field"},
		{"load missing file", func() error { _, err := IndexLoad(filepath.Join(t.TempDir(), "none")); return err }(), "internal"},
		{"collection handle as index", func() error {
			c, _ := Create("", "")
			defer Close(c)
			return search2(c)
		}(), "closed"},
		{"bad profile", IndexPromote(h, "ultra"), "invalid_field"},
		{"corrupt file", func() error {
			path := filepath.Join(t.TempDir(), "bad")
			os.WriteFile(path, []byte("VJRAHNSW not really"), 0o644)
			_, err := IndexLoad(path)
			return err
		}(), "corrupt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := codeOf(tc.err); got != tc.code {
				t.Errorf("code %q (%v), want %q", got, tc.err, tc.code)
			}
		})
	}
	if st, _ := IndexStats(h); !strings.Contains(st, `"len":2`) {
		t.Errorf("failed adds changed the index: %s", st)
	}
}

func search2(h uint64) error { _, _, err := IndexSearch(h, []float32{1, 0, 0}, 1, 0); return err }
