package vajrahttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vajrasearch/vajra"
)

// object is a JSON object being read member by member, so that every error names the member
// at fault and members nobody read are reported as unknown.
type object struct {
	path    string
	members []member
	asked   []string // every key looked up: the known ones
}

type member struct {
	key  string
	raw  []byte
	used bool
}

// parseObject reads data as one JSON object (and nothing after it). path names it in errors
// ("" for a request body).
func parseObject(data []byte, path string) (*object, *Error) {
	if !json.Valid(data) {
		return nil, invalidJSON(data, path)
	}
	members, ok := splitObject(data)
	if !ok {
		var v any
		json.Unmarshal(data, &v)
		if v == nil {
			return nil, errorf(vajra.CodeInvalidField, path, "%s: expected an object, found null", orBody(path))
		}
		return nil, errorf(vajra.CodeInvalidField, path, "%s: expected an object, found %s", orBody(path), kindOf(data))
	}
	return &object{path: path, members: members}, nil
}

// invalidJSON describes why data is not one JSON value.
func invalidJSON(data []byte, path string) *Error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var v any
	if err := dec.Decode(&v); err != nil {
		return jsonError(err, path, "an object")
	}
	return errorf(vajra.CodeBadJSON, path, "unexpected data after the JSON value at byte %d", dec.InputOffset())
}

// splitObject splits valid JSON holding one object into its members; ok is false when the
// value is not an object. Keys with escapes are unquoted; values stay raw.
func splitObject(data []byte) (members []member, ok bool) {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipWS(data, i+1)
	if data[i] == '}' {
		return []member{}, true
	}
	for {
		end := skipValue(data, i)
		key := data[i+1 : end-1]
		var k string
		if bytes.IndexByte(key, '\\') >= 0 || !utf8.Valid(key) {
			json.Unmarshal(data[i:end], &k)
		} else {
			k = string(key)
		}
		i = skipWS(data, skipWS(data, end)+1) // past the colon
		vend := skipValue(data, i)
		members = append(members, member{key: k, raw: data[i:vend]})
		i = skipWS(data, vend)
		if data[i] == '}' {
			return members, true
		}
		i = skipWS(data, i+1) // past the comma
	}
}

func skipWS(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the valid JSON value starting at i.
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		for j := i + 1; j < len(data); j++ {
			switch data[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return len(data)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			case '"':
				j = skipValue(data, j) - 1
			}
		}
		return len(data)
	}
	j := i
	for ; j < len(data); j++ {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j
		}
	}
	return j
}

func orBody(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}

// jsonError maps a decoding error of the value at path to bad_json (not JSON at all) or
// invalid_field (JSON of the wrong type).
func jsonError(err error, path, want string) *Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return errorf(vajra.CodeBadJSON, path, "%s is not valid JSON: %v (at byte %d)", orBody(path), se, se.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(vajra.CodeBadJSON, path, "%s is not valid JSON: it ends early", orBody(path))
	case errors.As(err, &te):
		field := joinPath(path, te.Field)
		return errorf(vajra.CodeInvalidField, field, "%s: expected %s, found a JSON %s", orBody(field), want, te.Value)
	}
	return errorf(vajra.CodeBadJSON, path, "%s: %v", orBody(path), err)
}

func (o *object) field(key string) string { return joinPath(o.path, key) }

// take returns the raw value of key (its last occurrence), marking it read; a null value
// counts as absent.
func (o *object) take(key string) (json.RawMessage, bool) {
	o.asked = append(o.asked, key)
	var raw []byte
	for i := range o.members {
		if o.members[i].key == key {
			o.members[i].used = true
			raw = o.members[i].raw
		}
	}
	if raw == nil || string(raw) == "null" {
		return nil, false
	}
	return raw, true
}

func (o *object) typeError(key, want string, raw json.RawMessage) *Error {
	return errorf(vajra.CodeInvalidField, o.field(key), "%s: expected %s, found %s", o.field(key), want, kindOf(raw))
}

// kindOf names the JSON type of raw for messages.
func kindOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (o *object) str(key string, dst *string) *Error {
	raw, ok := o.take(key)
	if !ok {
		return nil
	}
	if len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		*dst = string(raw[1 : len(raw)-1])
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return o.typeError(key, "a string", raw)
	}
	return nil
}

func (o *object) boolean(key string, dst *bool) *Error {
	raw, ok := o.take(key)
	if !ok {
		return nil
	}
	switch string(raw) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		return o.typeError(key, "true or false", raw)
	}
	return nil
}

// number reads a finite number.
func (o *object) number(key string, dst *float64) (bool, *Error) {
	raw, ok := o.take(key)
	if !ok {
		return false, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if kindOf(raw) != "a number" || err != nil || math.IsInf(f, 0) {
		if kindOf(raw) == "a number" {
			return false, errorf(vajra.CodeInvalidField, o.field(key), "%s: number %s is out of range", o.field(key), raw)
		}
		return false, o.typeError(key, "a number", raw)
	}
	*dst = f
	return true, nil
}

// integer reads a whole number in [lo, hi].
func (o *object) integer(key string, dst *int, lo, hi int) (bool, *Error) {
	var f float64
	ok, err := o.number(key, &f)
	if !ok || err != nil {
		return ok, err
	}
	if f != math.Trunc(f) {
		return false, errorf(vajra.CodeInvalidField, o.field(key), "%s: expected a whole number, found %v", o.field(key), f)
	}
	if f < float64(lo) || f > float64(hi) {
		return false, errorf(vajra.CodeInvalidField, o.field(key), "%s: %v is out of range [%d, %d]", o.field(key), f, lo, hi)
	}
	*dst = int(f)
	return true, nil
}

// object reads a nested object.
func (o *object) object(key string) (*object, *Error) {
	raw, ok := o.take(key)
	if !ok {
		return nil, nil
	}
	if kindOf(raw) != "an object" {
		return nil, o.typeError(key, "an object", raw)
	}
	return parseObject(raw, o.field(key))
}

// done reports the first member (in name order) that nobody read.
func (o *object) done() *Error {
	var unknown, known []string
	for _, m := range o.members {
		if !m.used {
			unknown = append(unknown, m.key)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	known = slices.Clone(o.asked)
	slices.Sort(known)
	known = slices.Compact(known)
	return errorf(vajra.CodeUnknownField, o.field(unknown[0]), "unknown field %q in %s (known: %s)",
		unknown[0], orBody(o.path), strings.Join(known, ", "))
}

// describe quotes a short excerpt of raw for messages.
func describe(raw json.RawMessage) string {
	s := string(bytes.TrimSpace(raw))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return fmt.Sprintf("%q", s)
}
