package vajra

import (
	"encoding/json"
	"reflect"
	"regexp"
	"testing"
)

// TestStatsJSON checks that Stats marshals in snake_case throughout, with the HTTP API's
// names for the figures the API gives too, and describes the metadata fields.
func TestStatsJSON(t *testing.T) {
	c := pagingCorpus(t, 30)
	st := c.Stats()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if !snake.MatchString(k) {
					t.Errorf("%s: key %q is not snake_case", path, k)
				}
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(path+"[]", e)
			}
		}
	}
	walk("stats", m)
	for _, k := range []string{"documents", "dimension", "modes", "embedder", "terms", "vectors", "metric", "profile",
		"segments", "log_bytes", "generation", "metadata_fields", "metadata", "dir", "k1", "b", "title_weight",
		"analysis", "deleted_in_segments", "postings", "avg_doc_len", "lexical_bytes", "vector_bytes", "embedder_spec"} {
		if _, ok := m[k]; !ok {
			t.Errorf("stats JSON lacks %q: %s", k, b)
		}
	}
	if m["documents"] != 30.0 || m["dimension"] != 32.0 || !reflect.DeepEqual(m["modes"], []any{"lexical", "vector", "hybrid"}) {
		t.Errorf("figures: %s", b)
	}
	if e := m["embedder"].(map[string]any); e["kind"] != "hash" || e["dim"] != 32.0 {
		t.Errorf("embedder %v", e)
	}
	want := []MetadataField{
		{Name: "even", Documents: 30, Types: []string{"bool"}, Distinct: 2, Samples: []any{false, true}},
		{Name: "n", Documents: 30, Types: []string{"number"}, Distinct: 30, Min: new(0.0), Max: new(29.0),
			Samples: []any{0.0, 1.0, 2.0, 3.0, 4.0}},
	}
	if !reflect.DeepEqual(st.Metadata, want) {
		t.Errorf("metadata:\n got %+v\nwant %+v", st.Metadata, want)
	}
	empty, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	b, _ = json.Marshal(empty.Stats())
	m = nil
	json.Unmarshal(b, &m)
	if !reflect.DeepEqual(m["metadata"], []any{}) || !reflect.DeepEqual(m["metadata_fields"], []any{}) ||
		!reflect.DeepEqual(m["modes"], []any{"lexical"}) || m["embedder"].(map[string]any)["kind"] != "none" {
		t.Errorf("empty lexical collection: %s", b)
	}
}
