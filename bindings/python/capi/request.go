package capi

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"

	"github.com/vajrasearch/vajra"
)

// maxLimit bounds the hits one search returns, as the HTTP API does.
const maxLimit = 1000

// searchRequest is the HTTP API's search request.
type searchRequest struct {
	Query     string          `json:"query"`
	Vector    json.RawMessage `json:"vector"`
	Mode      string          `json:"mode"`
	Limit     *int            `json:"limit"`
	Offset    int             `json:"offset"`
	Filter    json.RawMessage `json:"filter"`
	Fusion    *fusionRequest  `json:"fusion"`
	Ef        int             `json:"ef"`
	Explain   bool            `json:"explain"`
	Highlight bool            `json:"highlight"`
	// SnippetLength is the snippet length in characters (0: the library's default).
	SnippetLength int `json:"snippet_length"`
}

type fusionRequest struct {
	Method        string   `json:"method"`
	LexicalWeight *float64 `json:"lexical_weight"`
	RRFK          float64  `json:"rrf_k"`
	Depth         int      `json:"depth"`
}

// parseSearchRequest decodes a search request into a Query. vec, when non-nil, is the query
// vector passed beside the JSON.
func parseSearchRequest(data []byte, vec []float32) (vajra.Query, error) {
	var r searchRequest
	if err := decodeJSON(data, &r, "search request"); err != nil {
		return vajra.Query{}, err
	}
	q := vajra.Query{Text: r.Query, Offset: r.Offset, EfSearch: r.Ef, Explain: r.Explain,
		Highlight: r.Highlight, SnippetLength: r.SnippetLength, K: 10}
	if r.Mode != "" {
		m, err := vajra.ParseMode(r.Mode)
		if err != nil {
			return q, failf(codeInvalidField, "field \"mode\": unknown mode %q (want lexical, vector or hybrid)", r.Mode)
		}
		q.Mode = m
	}
	if r.Limit != nil {
		if *r.Limit < 1 || *r.Limit > maxLimit {
			return q, failf(codeInvalidField, "field \"limit\": %d is out of range [1, %d]", *r.Limit, maxLimit)
		}
		q.K = *r.Limit
	}
	if r.Offset < 0 {
		return q, failf(codeInvalidField, "field \"offset\": %d is negative", r.Offset)
	}
	if r.Ef < 0 {
		return q, failf(codeInvalidField, "field \"ef\": %d is negative", r.Ef)
	}
	if r.SnippetLength < 0 {
		return q, failf(codeInvalidField, "field \"snippet_length\": %d is negative", r.SnippetLength)
	}
	if err := parseFilter(r.Filter, &q); err != nil {
		return q, err
	}
	if f := r.Fusion; f != nil {
		if f.LexicalWeight != nil && (math.IsNaN(*f.LexicalWeight) || *f.LexicalWeight < 0 || *f.LexicalWeight > 1) {
			return q, failf(codeInvalidField, "field \"fusion.lexical_weight\": %v is outside [0, 1]", *f.LexicalWeight)
		}
		if f.RRFK < 0 {
			return q, failf(codeInvalidField, "field \"fusion.rrf_k\": %v is negative", f.RRFK)
		}
		if f.Depth < 0 {
			return q, failf(codeInvalidField, "field \"fusion.depth\": %d is negative", f.Depth)
		}
		q.Fusion = vajra.FusionOptions{Method: vajra.FusionMethod(f.Method), Alpha: f.LexicalWeight, RRFK: f.RRFK}
		q.Depth = f.Depth
	}
	jv, err := parseVector(r.Vector)
	if err != nil {
		return q, err
	}
	switch {
	case jv != nil && vec != nil:
		return q, failf(codeInvalidField, "field \"vector\": a query vector is given both in the request and beside it")
	case vec != nil:
		q.Vector = vec
	default:
		q.Vector = jv
	}
	for i, x := range q.Vector {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return q, failf(codeInvalidField, "field \"vector\": value %d is %v", i, x)
		}
	}
	return q, nil
}

// parseFilter accepts the filter text syntax as a JSON string, or a filter tree
// ({"and": [...]}, {"or": [...]}, {"not": ...}, {"field", "op", "value"}).
func parseFilter(raw json.RawMessage, q *vajra.Query) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if _, err := vajra.ParseFilter(s); err != nil {
			return withCode(codeInvalidFilt, err)
		}
		q.Filter = s
		return nil
	}
	f, err := vajra.ParseFilterJSON(raw)
	if err != nil {
		return err
	}
	q.Where = &f
	return nil
}

// parseVector reads a JSON query vector: an array of numbers, or a base64 string of
// little-endian float32 values.
func parseVector(raw json.RawMessage) ([]float32, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b)%4 != 0 {
			return nil, failf(codeInvalidField, "field \"vector\": not base64 of little-endian float32 values")
		}
		v := make([]float32, len(b)/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return v, nil
	}
	var v []float32
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, failf(codeInvalidField, "field \"vector\": want an array of numbers or a base64 string")
	}
	return v, nil
}
