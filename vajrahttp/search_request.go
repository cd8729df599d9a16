package vajrahttp

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"

	"github.com/vajrasearch/vajra"
)

// Bounds of a search request.
const (
	DefaultLimit = 10
	MaxLimit     = 1000
	MaxOffset    = 10000
	MaxDepth     = 10000
	MaxEf        = 10000
	MaxRRFK      = 1e6
)

// SearchRequest is the body of POST /v1/collections/{name}/search:
//
//	{"query": "solar power", "vector": null, "mode": "hybrid", "limit": 10, "offset": 0,
//	 "filter": "year >= 2020 AND lang = en",
//	 "fusion": {"method": "rrf", "lexical_weight": 0.5, "rrf_k": 60, "depth": 100},
//	 "ef": 100, "explain": false, "explain_ids": ["doc-7"], "count": false, "highlight": true}
//
// "vector" is an array of numbers or a string of base64 little-endian float32s; "filter" is
// the filter text syntax or its JSON tree (vajra.ParseFilterJSON); "lexical_weight" is the
// weight of the BM25 side in [0, 1]; "explain_ids" explains the listed documents only
// (vajra.Query.ExplainIDs); "count" asks for "total_matches" (vajra.Query.Count). Every
// member is optional except that a query needs "query" or "vector".
type SearchRequest struct {
	Query  string
	Vector []float32
	Mode   vajra.Mode // "" = hybrid with vectors, lexical without
	Limit  int        // 1..MaxLimit
	Offset int        // 0..MaxOffset
	// Filter is the compiled filter (nil = none), from the text or the tree.
	Filter *vajra.Filter
	Fusion vajra.FusionOptions
	// Depth is how many candidates each side brings to hybrid fusion (0 = the default).
	Depth     int
	Ef        int // HNSW search breadth (0 = the collection's)
	Explain   bool
	Highlight bool
	// ExplainIDs are the documents to explain (at most MaxLimit).
	ExplainIDs []string
	// Count asks for the number of matching documents.
	Count bool

	// The filter as the request wrote it, to place an error the filter meets only when it
	// is applied (an unknown field): its text, or its decoded JSON tree.
	filterText string
	filterTree any
}

// ParseSearchRequest reads a search request. Errors are *Error values with the code
// (bad_json, invalid_field, unknown_field, invalid_filter) and the member at fault.
func ParseSearchRequest(data []byte) (*SearchRequest, error) {
	r, err := parseSearchRequest(data)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func parseSearchRequest(data []byte) (*SearchRequest, *Error) {
	o, e := parseObject(data, "")
	if e != nil {
		return nil, e
	}
	r := &SearchRequest{Limit: DefaultLimit}
	var mode string
	for _, err := range []*Error{
		o.str("query", &r.Query),
		o.str("mode", &mode),
		o.boolean("explain", &r.Explain),
		o.boolean("highlight", &r.Highlight),
		o.boolean("count", &r.Count),
		r.parseExplainIDs(o),
	} {
		if err != nil {
			return nil, err
		}
	}
	if mode != "" {
		m, err := vajra.ParseMode(mode)
		if err != nil {
			return nil, errorf(vajra.CodeInvalidField, "mode", "mode: unknown mode %q (want lexical, vector or hybrid)", mode)
		}
		r.Mode = m
	}
	if _, err := o.integer("limit", &r.Limit, 1, MaxLimit); err != nil {
		return nil, err
	}
	if _, err := o.integer("offset", &r.Offset, 0, MaxOffset); err != nil {
		return nil, err
	}
	if _, err := o.integer("ef", &r.Ef, 1, MaxEf); err != nil {
		return nil, err
	}
	if raw, ok := o.take("vector"); ok {
		v, err := parseVector(raw, "vector")
		if err != nil {
			return nil, err
		}
		r.Vector = v
	}
	if raw, ok := o.take("filter"); ok {
		f, err := parseFilter(raw, "filter")
		if err != nil {
			return nil, err
		}
		r.Filter = f
		if f != nil {
			r.filterText, r.filterTree = filterSource(raw)
		}
	}
	if err := r.parseFusion(o); err != nil {
		return nil, err
	}
	if err := o.done(); err != nil {
		return nil, err
	}
	if r.Query == "" && r.Vector == nil {
		return nil, errorf(vajra.CodeInvalidField, "query", "query: give a query text (\"query\") or a query vector (\"vector\")")
	}
	return r, nil
}

// parseExplainIDs reads "explain_ids": an array of at most MaxLimit document ids.
func (r *SearchRequest) parseExplainIDs(o *object) *Error {
	raw, ok := o.take("explain_ids")
	if !ok {
		return nil
	}
	var items []json.RawMessage
	if kindOf(raw) != "an array" || json.Unmarshal(raw, &items) != nil {
		return o.typeError("explain_ids", "an array of document ids", raw)
	}
	if len(items) > MaxLimit {
		return errorf(vajra.CodeInvalidField, "explain_ids", "explain_ids: %d ids, at most %d", len(items), MaxLimit)
	}
	r.ExplainIDs = make([]string, len(items))
	for i, it := range items {
		field := fmt.Sprintf("explain_ids[%d]", i)
		if kindOf(it) != "a string" || json.Unmarshal(it, &r.ExplainIDs[i]) != nil {
			return errorf(vajra.CodeInvalidField, field, "%s: expected a document id (a string), found %s", field, kindOf(it))
		}
		if r.ExplainIDs[i] == "" {
			return errorf(vajra.CodeInvalidField, field, "%s: an empty id names no document", field)
		}
	}
	return nil
}

func (r *SearchRequest) parseFusion(o *object) *Error {
	f, err := o.object("fusion")
	if err != nil || f == nil {
		return err
	}
	var method string
	if err := f.str("method", &method); err != nil {
		return err
	}
	switch method {
	case "":
	case "rrf", "linear", "relative":
		r.Fusion.Method = vajra.FusionMethod(method)
	default:
		return errorf(vajra.CodeInvalidField, "fusion.method", "fusion.method: unknown method %q (want rrf, linear or relative)", method)
	}
	var w float64
	if ok, err := f.number("lexical_weight", &w); err != nil {
		return err
	} else if ok {
		if w < 0 || w > 1 {
			return errorf(vajra.CodeInvalidField, "fusion.lexical_weight", "fusion.lexical_weight: %v is out of range [0, 1]", w)
		}
		r.Fusion.Alpha = &w
	}
	var k float64
	if ok, err := f.number("rrf_k", &k); err != nil {
		return err
	} else if ok {
		if !(k > 0 && k <= MaxRRFK) {
			return errorf(vajra.CodeInvalidField, "fusion.rrf_k", "fusion.rrf_k: %v is out of range (0, %g]", k, MaxRRFK)
		}
		r.Fusion.RRFK = k
	}
	if _, err := f.integer("depth", &r.Depth, 1, MaxDepth); err != nil {
		return err
	}
	return f.done()
}

// parseVector reads an array of numbers or a base64 string of little-endian float32s. Every
// value must be a finite float32.
func parseVector(raw json.RawMessage, field string) ([]float32, *Error) {
	switch kindOf(raw) {
	case "a string":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errorf(vajra.CodeBadJSON, field, "%s: %v", field, err)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			if b, err = base64.RawStdEncoding.DecodeString(s); err != nil {
				return nil, errorf(vajra.CodeInvalidField, field, "%s: not base64: %v", field, err)
			}
		}
		if len(b) == 0 || len(b)%4 != 0 {
			return nil, errorf(vajra.CodeInvalidField, field, "%s: %d bytes is not a whole number of float32 values", field, len(b))
		}
		v := make([]float32, len(b)/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			if math.IsNaN(float64(v[i])) || math.IsInf(float64(v[i]), 0) {
				return nil, errorf(vajra.CodeInvalidField, field, "%s[%d]: %v is not a finite number", field, i, v[i])
			}
		}
		return v, nil
	case "an array":
		dec := json.NewDecoder(bytes.NewReader(raw))
		var vals []json.Number
		dec.UseNumber()
		if err := dec.Decode(&vals); err != nil {
			return nil, errorf(vajra.CodeInvalidField, field, "%s: expected an array of numbers", field)
		}
		if len(vals) == 0 {
			return nil, errorf(vajra.CodeInvalidField, field, "%s: the vector is empty", field)
		}
		v := make([]float32, len(vals))
		for i, n := range vals {
			f, err := n.Float64()
			if err != nil || math.Abs(f) > math.MaxFloat32 {
				return nil, errorf(vajra.CodeInvalidField, field, "%s[%d]: %s is out of float32 range", field, i, n)
			}
			v[i] = float32(f)
		}
		return v, nil
	}
	return nil, errorf(vajra.CodeInvalidField, field, "%s: expected an array of numbers or a base64 string, found %s", field, kindOf(raw))
}

// parseFilter reads the text syntax or the JSON tree.
func parseFilter(raw json.RawMessage, field string) (*vajra.Filter, *Error) {
	switch kindOf(raw) {
	case "a string":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errorf(vajra.CodeBadJSON, field, "%s: %v", field, err)
		}
		if s == "" {
			return nil, nil
		}
		f, err := vajra.ParseFilter(s)
		if err != nil {
			e := fromVajra(err)
			e.Field = field
			return nil, e
		}
		return &f, nil
	case "an object":
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var tree any
		if err := dec.Decode(&tree); err != nil {
			return nil, errorf(vajra.CodeBadJSON, field, "%s: %v", field, err)
		}
		f, err := vajra.FilterFromJSONValue(tree)
		if err != nil {
			e := fromVajra(err)
			if path, ok := vajra.FilterErrorPath(err); ok {
				e.Field = joinPath(field, path)
			}
			return nil, e
		}
		return &f, nil
	}
	return nil, errorf(vajra.CodeInvalidField, field, "%s: expected a filter string or a JSON filter tree, found %s", field, kindOf(raw))
}

// filterSource returns the filter's text, or its JSON tree, from the raw member parseFilter
// accepted.
func filterSource(raw json.RawMessage) (string, any) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return "", nil
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", v
}

// locateFilterError places an error about a filter field that the request's filter met when
// applied (vajra.FilterErrorField) at the field in the filter as the request wrote it: its
// byte position in the text, or its path in the JSON tree.
func locateFilterError(e *Error, err error, text string, tree any) {
	field, ok := vajra.FilterErrorField(err)
	if !ok {
		return
	}
	if text != "" {
		if pos, ok := vajra.FilterFieldPosition(text, field); ok {
			e.Position, e.Field = pos, "filter"
		}
	} else if tree != nil {
		if path, ok := vajra.FilterFieldPath(tree, field); ok {
			e.Field = joinPath("filter", path)
		}
	}
}

// VajraQuery returns the vajra.Query the request asks for.
func (r *SearchRequest) VajraQuery() vajra.Query {
	return vajra.Query{Text: r.Query, Vector: r.Vector, Mode: r.Mode, K: r.Limit, Offset: r.Offset,
		Where: r.Filter, Fusion: r.Fusion, Depth: r.Depth, EfSearch: r.Ef,
		Explain: r.Explain, Highlight: r.Highlight, ExplainIDs: r.ExplainIDs, Count: r.Count}
}
