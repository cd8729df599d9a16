package embed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// embedResponse is the part of an OpenAI embeddings response the client reads. Embeddings
// stay raw so that their numbers are parsed by parseVector, which says exactly which value
// is wrong.
type embedResponse struct {
	Data *[]struct {
		Index     *int            `json:"index"`
		Embedding json.RawMessage `json:"embedding"`
	} `json:"data"`
	Error json.RawMessage `json:"error"`
}

// decodeEmbeddings parses a response body holding the embeddings of n inputs and returns
// them in input order. Entries are placed by their "index" field; when every entry lacks
// it, list order is used (some servers omit it). Any problem is reported as ErrBadResponse
// naming the entry and value at fault.
func decodeEmbeddings(body []byte, n int) ([][]float32, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf(format+": %w", append(args, ErrBadResponse)...)
	}
	var r embedResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, bad("malformed JSON (%v), body starts %q", err, bodyPrefix(body))
	}
	if len(r.Error) > 0 && !bytes.Equal(r.Error, []byte("null")) {
		return nil, bad("server reported an error: %s", bodyPrefix(r.Error))
	}
	if r.Data == nil {
		return nil, bad(`no "data" array in response, body starts %q`, bodyPrefix(body))
	}
	data := *r.Data
	if len(data) != n {
		return nil, bad("%d embeddings for %d inputs", len(data), n)
	}
	if n == 0 {
		return [][]float32{}, nil
	}
	positional := true
	for _, d := range data {
		if d.Index != nil {
			positional = false
			break
		}
	}
	out := make([][]float32, n)
	dim := 0
	for i, d := range data {
		at := i
		if !positional {
			switch {
			case d.Index == nil:
				return nil, bad("entry %d has no index", i)
			case *d.Index < 0 || *d.Index >= n:
				return nil, bad("entry %d has index %d, outside 0..%d", i, *d.Index, n-1)
			case out[*d.Index] != nil:
				return nil, bad("index %d appears twice", *d.Index)
			}
			at = *d.Index
		}
		v, err := parseVector(d.Embedding, dim)
		if err != nil {
			return nil, bad("embedding %d: %v", at, err)
		}
		if dim == 0 {
			dim = len(v)
		} else if len(v) != dim {
			return nil, bad("embedding %d has %d values, others have %d", at, len(v), dim)
		}
		out[at] = v
	}
	return out, nil
}

// parseVector parses a JSON array of finite numbers. sizeHint, when not 0, is the expected
// length, used only to allocate once.
func parseVector(raw []byte, sizeHint int) ([]float32, error) {
	p := raw
	skip := func() {
		for len(p) > 0 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\n' || p[0] == '\r') {
			p = p[1:]
		}
	}
	skip()
	switch {
	case len(p) == 0 || bytes.Equal(p, []byte("null")):
		return nil, fmt.Errorf("missing")
	case p[0] == '"':
		return nil, fmt.Errorf("is a string, not an array of numbers (base64 encoding?)")
	case p[0] != '[':
		return nil, fmt.Errorf("is not an array")
	}
	p = p[1:]
	skip()
	if len(p) > 0 && p[0] == ']' {
		return nil, fmt.Errorf("is empty")
	}
	v := make([]float32, 0, max(sizeHint, 16))
	for {
		skip()
		end := 0
		for end < len(p) && p[end] != ',' && p[end] != ']' && p[end] != ' ' && p[end] != '\t' && p[end] != '\n' && p[end] != '\r' {
			end++
		}
		tok := p[:end]
		x, err := parseFinite(tok)
		if err != nil {
			return nil, fmt.Errorf("value %d: %v", len(v), err)
		}
		v = append(v, x)
		p = p[end:]
		skip()
		if len(p) == 0 {
			return nil, fmt.Errorf("unterminated array")
		}
		if p[0] == ']' {
			return v, nil
		}
		p = p[1:] // ','
	}
}

// parseFinite parses one JSON number token into a finite float32.
func parseFinite(tok []byte) (float32, error) {
	if len(tok) == 0 {
		return 0, fmt.Errorf("missing number")
	}
	if !isJSONNumber(tok) {
		if len(tok) > 24 {
			tok = tok[:24]
		}
		return 0, fmt.Errorf("%q is not a finite number", tok)
	}
	f, err := strconv.ParseFloat(string(tok), 32)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("%s overflows float32", tok)
	}
	return float32(f), nil
}

// isJSONNumber reports whether b follows the JSON number grammar:
// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func isJSONNumber(b []byte) bool {
	i := 0
	digits := func() int {
		s := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - s
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}
