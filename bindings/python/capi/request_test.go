package capi

import (
	"math"
	"testing"
)

func TestParseSearchRequest(t *testing.T) {
	cases := []struct {
		name, req string
		vec       []float32
		code      string // "" = accepted
	}{
		{"empty object", `{}`, nil, codeInvalidField},
		{"vector only beside", `{}`, []float32{1, 2}, ""},
		{"vector beside, spaces", ` { } `, []float32{1, 2}, ""},
		{"everything", `{"query": "q", "mode": "hybrid", "limit": 5, "offset": 2, "filter": "a = 1",
			"fusion": {"method": "linear", "lexical_weight": 0.3, "rrf_k": 10, "depth": 50}, "ef": 64,
			"explain": true, "highlight": true}`, []float32{1, 2}, ""},
		{"filter tree", `{"query": "q", "filter": {"and": [{"field": "a", "op": "=", "value": 1}]}}`, nil, ""},
		{"base64 vector", `{"vector": "AACAPw=="}`, nil, ""},
		{"not an object", `[]`, []float32{1}, codeInvalidField},
		{"bad json", `{"query": `, nil, codeBadJSON},
		{"trailing data", `{} {}`, nil, codeBadJSON},
		{"unknown field", `{"top_k": 3}`, nil, codeUnknownField},
		{"limit 0", `{"limit": 0}`, nil, codeInvalidField},
		{"limit over", `{"limit": 1001}`, nil, codeInvalidField},
		{"offset negative", `{"offset": -1}`, nil, codeInvalidField},
		{"ef negative", `{"ef": -1}`, nil, codeInvalidField},
		{"weight over 1", `{"fusion": {"lexical_weight": 1.5}}`, nil, codeInvalidField},
		{"bad mode", `{"mode": "fuzzy"}`, nil, codeInvalidField},
		{"bad filter", `{"filter": "a >="}`, nil, codeInvalidFilt},
		{"bad filter tree", `{"filter": {"nand": []}}`, nil, codeInvalidFilt},
		{"bad base64", `{"vector": "***"}`, nil, codeInvalidField},
		{"vector beside replaces", `{"vector": [1]}`, []float32{1, 2}, ""},
		{"NaN beside", `{}`, []float32{float32(math.NaN())}, codeInvalidField},
		{"NaN in base64", `{"vector": "AADAfw=="}`, nil, codeInvalidField},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := parseSearchRequest([]byte(tc.req), tc.vec)
			if got := codeOf(err); err != nil && got != tc.code || err == nil && tc.code != "" {
				t.Fatalf("code %q (%v), want %q", got, err, tc.code)
			}
			if err == nil && (q.K < 1 || q.K > maxLimit) {
				t.Errorf("K = %d", q.K)
			}
			if err == nil && tc.vec != nil && (len(q.Vector) != len(tc.vec) || q.Vector[0] != tc.vec[0]) {
				t.Errorf("vector %v, want %v", q.Vector, tc.vec)
			}
		})
	}
}

func FuzzParseSearchRequest(f *testing.F) {
	for _, s := range []string{`{}`, `{"query": "q", "limit": 3, "fusion": {"lexical_weight": 0.5}}`,
		`{"filter": {"or": [{"field": "a", "op": "in", "value": [1, 2]}]}}`, `{"vector": "AACAPw=="}`, `{"vector": [1, 2]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := parseSearchRequest(data, nil)
		if _, err2 := parseSearchRequest(data, []float32{1, 0}); err2 != nil && codeOf(err2) == codeInternal {
			t.Fatalf("input error without a code: %v", err2)
		}
		if err != nil {
			if codeOf(err) == codeInternal {
				t.Fatalf("input error without a code: %v", err)
			}
			return
		}
		if q.K < 1 || q.K > maxLimit || q.Offset < 0 || q.EfSearch < 0 {
			t.Fatalf("accepted out-of-range request: %+v", q)
		}
		for _, x := range q.Vector {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				t.Fatalf("accepted a non-finite vector: %v", q.Vector)
			}
		}
	})
}

func FuzzDecodeDocuments(f *testing.F) {
	for _, s := range []string{`[]`, `[{"id": "a", "title": "t", "content": "c", "metadata": {"year": 2020}}]`, `[{"id": 1}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var docs []document
		if err := decodeJSON(data, &docs, "documents"); err != nil && codeOf(err) == codeInternal {
			t.Fatalf("input error without a code: %v", err)
		}
	})
}
