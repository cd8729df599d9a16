package vajrahttp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// apiSpec is the embedded OpenAPI document, decoded once.
type apiSpec struct{ doc map[string]any }

func loadSpec(t testing.TB) *apiSpec {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return &apiSpec{doc}
}

// resolve follows a local $ref ("#/components/...").
func (s *apiSpec) resolve(v any) (map[string]any, error) {
	m, _ := v.(map[string]any)
	for i := 0; m != nil && i < 10; i++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, nil
		}
		var cur any = s.doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cm, _ := cur.(map[string]any)
			if cm == nil {
				return nil, fmt.Errorf("bad $ref %s", ref)
			}
			cur = cm[part]
		}
		m, _ = cur.(map[string]any)
	}
	if m == nil {
		return nil, fmt.Errorf("unresolvable reference")
	}
	return m, nil
}

// operation returns the spec's operation for an OpenAPI path template and method.
func (s *apiSpec) operation(path, method string) (map[string]any, error) {
	paths := s.doc["paths"].(map[string]any)
	item, ok := paths[path].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("path %s is not in the OpenAPI document", path)
	}
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s %s is not in the OpenAPI document", method, path)
	}
	return op, nil
}

// checkResponse validates a response of the operation at (path, method) against the spec: the
// status is declared, and the body matches the schema of its content type.
func (s *apiSpec) checkResponse(path, method string, status int, contentType string, body []byte) error {
	var resp map[string]any
	if path == "" { // answered before routing: a problem document
		var err error
		if resp, err = s.resolve(map[string]any{"$ref": "#/components/responses/BadRequest"}); err != nil {
			return err
		}
	} else {
		op, err := s.operation(path, method)
		if err != nil {
			return err
		}
		responses := op["responses"].(map[string]any)
		r, ok := responses[strconv.Itoa(status)]
		if !ok {
			return fmt.Errorf("%s %s: status %d is not declared", method, path, status)
		}
		if resp, err = s.resolve(r); err != nil {
			return err
		}
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(body) > 0 {
			return fmt.Errorf("%s %s %d: the spec declares no body, got %d bytes", method, path, status, len(body))
		}
		return nil
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	media, ok := content[mt].(map[string]any)
	if !ok {
		media, ok = content["*/*"].(map[string]any)
	}
	if !ok {
		return fmt.Errorf("%s %s %d: content type %q is not declared", method, path, status, contentType)
	}
	schema := media["schema"]
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return nil // text, tar, NDJSON: declared as strings
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("%s %s %d: body is not JSON: %v", method, path, status, err)
	}
	return s.validate(schema, v, "body")
}

// validate checks v against the subset of JSON Schema the document uses: $ref, type (one or
// a list), properties, required, additionalProperties, items, enum, minimum, maximum,
// exclusiveMinimum, minItems, maxItems, pattern and oneOf.
func (s *apiSpec) validate(schemaV any, v any, at string) error {
	schema, err := s.resolve(schemaV)
	if err != nil {
		return fmt.Errorf("%s: %v", at, err)
	}
	if alts, ok := schema["oneOf"].([]any); ok {
		matched := 0
		var errs []string
		for _, a := range alts {
			if err := s.validate(a, v, at); err == nil {
				matched++
			} else {
				errs = append(errs, err.Error())
			}
		}
		if matched != 1 {
			return fmt.Errorf("%s: matches %d of the oneOf alternatives (%s)", at, matched, strings.Join(errs, "; "))
		}
	}
	if t, ok := schema["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return hasType(v, t) }) {
			return fmt.Errorf("%s: %s is not of type %v", at, short(v), types)
		}
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if fmt.Sprint(e) == fmt.Sprint(v) {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("%s: %s is not one of %v", at, short(v), enum)
		}
	}
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		if lo, ok := schema["minimum"].(float64); ok && f < lo {
			return fmt.Errorf("%s: %v < minimum %v", at, f, lo)
		}
		if hi, ok := schema["maximum"].(float64); ok && f > hi {
			return fmt.Errorf("%s: %v > maximum %v", at, f, hi)
		}
		if lo, ok := schema["exclusiveMinimum"].(float64); ok && f <= lo {
			return fmt.Errorf("%s: %v <= exclusive minimum %v", at, f, lo)
		}
	}
	if str, ok := v.(string); ok {
		if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			return fmt.Errorf("%s: %q does not match %s", at, str, p)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := x[r]; !ok {
				return fmt.Errorf("%s: missing required member %q", at, r)
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if ps, ok := props[k]; ok {
				if err := s.validate(ps, x[k], at+"."+k); err != nil {
					return err
				}
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					return fmt.Errorf("%s: member %q is not in the schema", at, k)
				}
			case map[string]any:
				if err := s.validate(ap, x[k], at+"."+k); err != nil {
					return err
				}
			}
		}
	case []any:
		if n, ok := schema["minItems"].(float64); ok && float64(len(x)) < n {
			return fmt.Errorf("%s: %d items < minItems %v", at, len(x), n)
		}
		if n, ok := schema["maxItems"].(float64); ok && float64(len(x)) > n {
			return fmt.Errorf("%s: %d items > maxItems %v", at, len(x), n)
		}
		if items, ok := schema["items"]; ok {
			for i, e := range x {
				if err := s.validate(items, e, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func hasType(v any, t string) bool {
	switch t {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, err := n.Float64()
		return err == nil && f == math.Trunc(f)
	}
	return false
}

func asStrings(v any) []string {
	var out []string
	for _, x := range asSlice(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

// TestValidatorCatchesMismatches makes sure the validator can fail.
func TestValidatorCatchesMismatches(t *testing.T) {
	spec := loadSpec(t)
	cases := []struct {
		schema, value string
		ok            bool
	}{
		{`{"$ref": "#/components/schemas/Side"}`, `{"rank": 1, "score": 0.5, "contribution": 0.1}`, true},
		{`{"$ref": "#/components/schemas/Side"}`, `{"rank": 1.5, "score": 0.5, "contribution": 0.1}`, false},
		{`{"$ref": "#/components/schemas/Side"}`, `{"rank": 1, "score": 0.5}`, false},
		{`{"$ref": "#/components/schemas/Side"}`, `{"rank": 1, "score": 0.5, "contribution": 0.1, "x": 1}`, false},
		{`{"$ref": "#/components/schemas/Problem"}`, `{"type": "t", "title": "T", "status": 400, "detail": "d", "code": "nope"}`, false},
		{`{"$ref": "#/components/schemas/SearchRequest"}`, `{"limit": 1001}`, false},
		{`{"$ref": "#/components/schemas/SearchRequest"}`, `{"vector": "AAAAAA==", "filter": {"field": "a", "op": "=", "value": 1}}`, true},
		{`{"$ref": "#/components/schemas/CollectionSummary"}`, `{"name": "a/b", "documents": 1, "dimension": 0, "embedder": {"kind": "hash"}, "modes": [], "read_only": false}`, false},
		{`{"$ref": "#/components/schemas/Range"}`, `[1, 2, 3]`, false},
	}
	for _, tc := range cases {
		var schema, v any
		json.Unmarshal([]byte(tc.schema), &schema)
		dec := json.NewDecoder(strings.NewReader(tc.value))
		dec.UseNumber()
		dec.Decode(&v)
		err := spec.validate(schema, v, "v")
		if (err == nil) != tc.ok {
			t.Errorf("%s against %s: %v, want ok=%v", tc.value, tc.schema, err, tc.ok)
		}
	}
}
