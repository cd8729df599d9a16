package corpus

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// referenceDocument decodes one line with encoding/json, applying the documented field
// rules independently of the scanner, as the oracle for the differential tests.
func referenceDocument(line []byte, vectorField string) (Document, error) {
	var d Document
	if !utf8.Valid(line) {
		return d, errors.New("invalid UTF-8")
	}
	if s := strings.TrimLeft(string(line), " \t\r\n"); !strings.HasPrefix(s, "{") {
		return d, errors.New("not an object")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(line, &top); err != nil {
		return d, err
	}
	present := func(k string) json.RawMessage {
		if v, ok := top[k]; ok && string(v) != "null" {
			return v
		}
		return nil
	}
	meta := map[string]any{}
	taken := map[string]bool{"_id": true, "id": true, "content": true, "text": true, "title": true, "metadata": true, vectorField: true}
	for k, v := range top {
		if taken[k] {
			continue
		}
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return d, err
		}
		meta[k] = x
	}
	var loserErr error
	pick := func(primary, alt string) json.RawMessage {
		if v := present(primary); v != nil {
			if l := present(alt); l != nil {
				var x any
				if err := json.Unmarshal(l, &x); err != nil {
					loserErr = err
				}
				meta[alt] = x
			}
			return v
		}
		return present(alt)
	}
	idRaw := pick("_id", "id")
	if loserErr != nil {
		return d, loserErr
	}
	switch {
	case idRaw == nil:
		return d, errors.New("missing id")
	case idRaw[0] == '"':
		if err := json.Unmarshal(idRaw, &d.ID); err != nil || d.ID == "" {
			return d, errors.New("bad id")
		}
	case strings.ContainsAny(string(idRaw), ".eE"):
		return d, errors.New("non-integer id")
	case idRaw[0] == '-' || (idRaw[0] >= '0' && idRaw[0] <= '9'):
		d.ID = string(idRaw)
	default:
		return d, errors.New("bad id type")
	}
	str := func(raw json.RawMessage, dst *string) error {
		if raw == nil {
			return nil
		}
		if raw[0] != '"' {
			return errors.New("not a string")
		}
		return json.Unmarshal(raw, dst)
	}
	if err := str(pick("content", "text"), &d.Content); err != nil {
		return d, err
	}
	if loserErr != nil {
		return d, loserErr
	}
	if err := str(present("title"), &d.Title); err != nil {
		return d, err
	}
	if v := present(vectorField); v != nil {
		var elems []json.RawMessage
		if v[0] != '[' || json.Unmarshal(v, &elems) != nil {
			return d, errors.New("vector not an array")
		}
		for _, e := range elems {
			if e[0] != '-' && (e[0] < '0' || e[0] > '9') {
				return d, errors.New("vector element not a number")
			}
			f, err := strconv.ParseFloat(string(e), 32)
			if err != nil || math.IsInf(f, 0) {
				return d, errors.New("vector element out of range")
			}
			d.Vector = append(d.Vector, float32(f))
		}
	}
	if v := present("metadata"); v != nil {
		var obj map[string]any
		if v[0] != '{' || json.Unmarshal(v, &obj) != nil {
			return d, errors.New("metadata not an object")
		}
		for k, x := range obj {
			meta[k] = x
		}
	}
	if len(meta) > 0 {
		d.Metadata = meta
	}
	return d, nil
}

// scannerDocument runs the scanner's line path on one line.
func scannerDocument(line []byte, vectorField string) (Document, error) {
	p := &lineParser{schema: documentSchema(vectorField)}
	if err := p.split(line); err != nil {
		return Document{}, err
	}
	return p.document()
}

// compareWithReference reports a disagreement between scanner and oracle on line.
func compareWithReference(line []byte) error {
	got, gotErr := scannerDocument(line, "vector")
	want, wantErr := referenceDocument(line, "vector")
	if (gotErr == nil) != (wantErr == nil) {
		return fmt.Errorf("line %q: scanner err = %v, encoding/json err = %v", line, gotErr, wantErr)
	}
	if gotErr == nil && !reflect.DeepEqual(got, want) {
		return fmt.Errorf("line %q:\nscanner  %#v\nreference %#v", line, got, want)
	}
	return nil
}

// randomJSON builds a random JSON value rich in the cases that matter: escapes, surrogate
// pairs and lone surrogates, odd numbers, nesting.
func randomJSON(r *rand.Rand, b *strings.Builder, depth int) {
	switch k := r.IntN(10); {
	case k < 4:
		randomString(r, b)
	case k < 6:
		randomNumber(r, b)
	case k == 6:
		b.WriteString([]string{"true", "false", "null"}[r.IntN(3)])
	case k == 7 && depth < 4:
		b.WriteByte('[')
		for i, n := 0, r.IntN(4); i < n; i++ {
			if i > 0 {
				b.WriteString([]string{",", " , ", ",\t"}[r.IntN(3)])
			}
			randomJSON(r, b, depth+1)
		}
		b.WriteByte(']')
	case depth < 4:
		b.WriteByte('{')
		for i, n := 0, r.IntN(4); i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			randomKey(r, b)
			b.WriteString([]string{":", " : "}[r.IntN(2)])
			randomJSON(r, b, depth+1)
		}
		b.WriteByte('}')
	default:
		randomString(r, b)
	}
}

var stringPieces = []string{"a", "é", "日本", "😀", " ", `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u0041`, `\u00e9`,
	`\ud83d\ude00`, `\ud800`, `\udc00`, `\ud800\u0041`, `\uDBFF\uDFFF`, `\u0000`, "\u2028", "x y"}

func randomString(r *rand.Rand, b *strings.Builder) {
	b.WriteByte('"')
	for i, n := 0, r.IntN(6); i < n; i++ {
		b.WriteString(stringPieces[r.IntN(len(stringPieces))])
	}
	b.WriteByte('"')
}

var numbers = []string{"0", "-0", "1", "-17", "3.25", "1e3", "2E-2", "-0.5e+1", "123456789012345678901", "1e39", "1e400", "0.1"}

func randomNumber(r *rand.Rand, b *strings.Builder) {
	b.WriteString(numbers[r.IntN(len(numbers))])
}

var keys = []string{`"_id"`, `"id"`, `"title"`, `"content"`, `"text"`, `"metadata"`, `"vector"`, `"x"`, `"y"`, `"\u005fid"`, `"tags"`, `"\ud800"`}

func randomKey(r *rand.Rand, b *strings.Builder) {
	b.WriteString(keys[r.IntN(len(keys))])
}

// randomLine builds a top-level object that is usually close to a real document.
func randomLine(r *rand.Rand) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, n := 0, r.IntN(6); i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		randomKey(r, &b)
		b.WriteByte(':')
		switch r.IntN(4) {
		case 0: // a vector-shaped value
			b.WriteByte('[')
			for j, m := 0, r.IntN(4); j < m; j++ {
				if j > 0 {
					b.WriteByte(',')
				}
				if r.IntN(8) == 0 {
					randomString(r, &b)
				} else {
					randomNumber(r, &b)
				}
			}
			b.WriteByte(']')
		default:
			randomJSON(r, &b, 1)
		}
	}
	b.WriteByte('}')
	s := b.String()
	if r.IntN(10) == 0 { // occasionally break it
		i := r.IntN(len(s) + 1)
		s = s[:i] + []string{",", "}", "\"", "x", " ", "\\"}[r.IntN(6)] + s[i:]
	}
	return s
}

// TestDifferentialAgainstEncodingJSON checks the scanner against encoding/json on random
// and edge-case lines: same success or failure, same document.
func TestDifferentialAgainstEncodingJSON(t *testing.T) {
	edge := []string{
		`{"_id":"1","_id":"2"}`, `{"_id":"1","id":"2","text":"a","content":"b"}`, `{"_id":1e2}`, `{"_id":-0}`,
		`{"_id":"1","metadata":{"a":1,"a":2}}`, `{"_id":"1","metadata":{"deep":[{"x":[null,true]}]}}`,
		`{"_id":"\ud83d\ude00"}`, `{"_id":"\ud800\ud800"}`, `{"_id":"1","vector":[]}`, `{"_id":"1","vector":[1,2,]}`,
		`{"_id":"1",}`, `{,"_id":"1"}`, `{"_id":"1"}}`, `{"_id" "1"}`, `{"_id":"1"]`, `null`, `{}`, `{"_id":"1","x":1e400,"x":1}`,
		`{"_id":"1","x":1,"x":1e400}`, "{\"_id\":\"1\"\u00a0}", `{"_id":"1","title":"a\u0000b"}`,
		`{"_id":"1","vector":[1.5e-46, -0, 3.4028235e38, 3.4028236e38]}`,
	}
	for _, line := range edge {
		if err := compareWithReference([]byte(line)); err != nil {
			t.Error(err)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		if err := compareWithReference([]byte(randomLine(r))); err != nil {
			t.Fatal(err)
		}
	}
}
