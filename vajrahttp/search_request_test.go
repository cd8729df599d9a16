package vajrahttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra"
)

func TestParseSearchRequest(t *testing.T) {
	r, err := ParseSearchRequest([]byte(`{"query": "solar power", "vector": null, "mode": "hybrid", "limit": 10, "offset": 0,
		"filter": "year >= 2020 AND lang = en",
		"fusion": {"method": "rrf", "lexical_weight": 0.5, "rrf_k": 60, "depth": 100},
		"ef": 100, "explain": false, "highlight": true}`))
	if err != nil {
		t.Fatal(err)
	}
	q := r.VajraQuery()
	if q.Text != "solar power" || q.Mode != vajra.Hybrid || q.K != 10 || q.EfSearch != 100 || q.Depth != 100 ||
		!q.Highlight || q.Explain || q.Fusion.Method != "rrf" || *q.Fusion.Alpha != 0.5 || q.Fusion.RRFK != 60 ||
		q.Where == nil || q.Where.String() != "year >= 2020 AND lang = en" {
		t.Errorf("query %+v", q)
	}
	// The tree form compiles to the same filter.
	tree, err := ParseSearchRequest([]byte(`{"query": "x", "filter": {"and": [{"field": "year", "op": ">=", "value": 2020}, {"field": "lang", "op": "=", "value": "en"}]}}`))
	if err != nil || tree.Filter.String() != r.Filter.String() {
		t.Errorf("tree filter %v, %v", tree.Filter, err)
	}
	// Defaults.
	d, err := ParseSearchRequest([]byte(`{"query": "\u00e9t\u00e9"}`))
	if err != nil || d.Limit != DefaultLimit || d.Mode != "" || d.Filter != nil || d.Fusion.Alpha != nil || d.Query != "été" {
		t.Errorf("defaults %+v, %v", d, err)
	}
	// Vectors as numbers and as base64 are the same.
	a, _ := ParseSearchRequest([]byte(`{"vector": [1, -2.5, 0]}`))
	b, _ := ParseSearchRequest([]byte(`{"vector": "` + float32sBase64(1, -2.5, 0) + `"}`))
	if !reflect.DeepEqual(a.Vector, []float32{1, -2.5, 0}) || !reflect.DeepEqual(a.Vector, b.Vector) {
		t.Errorf("vectors %v %v", a.Vector, b.Vector)
	}
	_, err = ParseSearchRequest([]byte(`{"query": "x", "limit": 0}`))
	var e *Error
	if !errors.As(err, &e) || e.Code != vajra.CodeInvalidField || e.Field != "limit" {
		t.Errorf("limit 0: %v", err)
	}
	// Explaining some documents, counting the matches.
	x, err := ParseSearchRequest([]byte(`{"query": "x", "explain_ids": ["a", "b\u00e9"], "count": true}`))
	if q := x.VajraQuery(); err != nil || !reflect.DeepEqual(q.ExplainIDs, []string{"a", "bé"}) || !q.Count || q.Explain {
		t.Errorf("explain_ids and count: %+v, %v", q, err)
	}
	many := `{"query": "x", "explain_ids": [` + strings.Repeat(`"a", `, MaxLimit) + `"a"]}`
	if _, err := ParseSearchRequest([]byte(many)); !errors.As(err, &e) || e.Field != "explain_ids" {
		t.Errorf("%d explain ids: %v", MaxLimit+1, err)
	}
}

// FuzzParseSearchRequest: no panic, every refusal an *Error with a known code, and a
// refused body is refused whatever its member order (no member is skipped unread).
func FuzzParseSearchRequest(f *testing.F) {
	for _, s := range []string{
		`{"query": "x", "limit": 5, "fusion": {"rrf_k": 10}, "filter": {"not": {"field": "a", "op": "in", "value": [1, "b"]}}}`,
		`{"vector": "AACAPw==", "mode": "vector"}`, `{"query": "a\"b", "Query": 1}`, `[1]`, `{"query": "x"} x`, `{"query":`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseSearchRequest(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || statusOf[e.Code] == 0 {
				t.Fatalf("error %v is not a coded *Error", err)
			}
			return
		}
		if r.Limit < 1 || r.Limit > MaxLimit || r.Offset < 0 || (r.Query == "" && r.Vector == nil) {
			t.Fatalf("accepted out-of-range request %+v", r)
		}
	})
}

// FuzzSplitObject checks the object splitter against encoding/json on valid input.
func FuzzSplitObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a": 1, "b": [1, {"c": "}"}], "a": "x\"y"}`, ` { "\u0061" : null } `, `[{}]`, `"x"`, `{"a":{"b":{}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var want map[string]json.RawMessage
		isObject := json.Unmarshal(data, &want) == nil && want != nil
		members, ok := splitObject(data)
		if ok != isObject {
			t.Fatalf("%q: split says object=%v, encoding/json %v", data, ok, isObject)
		}
		got := map[string]json.RawMessage{}
		for _, m := range members {
			got[m.key] = m.raw
		}
		for k, v := range want {
			if !bytes.Equal(bytes.TrimSpace(got[k]), bytes.TrimSpace(v)) {
				t.Fatalf("%q: member %q is %q, want %q", data, k, got[k], v)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d members, want %d", data, len(got), len(want))
		}
	})
}
