package vajrahttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/vajrasearch/vajra"
)

// object is a JSON object being read member by member, so that every error names the member
// at fault and members nobody read are reported as unknown.
type object struct {
	path    string
	members map[string]json.RawMessage
	used    map[string]bool
}

// parseObject reads data as one JSON object (and nothing after it). path names it in errors
// ("" for a request body).
func parseObject(data []byte, path string) (*object, *Error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var members map[string]json.RawMessage
	if err := dec.Decode(&members); err != nil {
		return nil, jsonError(err, path, "an object")
	}
	if members == nil {
		return nil, errorf(vajra.CodeInvalidField, path, "%s: expected an object, found null", orBody(path))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errorf(vajra.CodeBadJSON, path, "unexpected data after the JSON object at byte %d", dec.InputOffset())
	}
	return &object{path: path, members: members, used: map[string]bool{}}, nil
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

// take returns the raw value of key, marking it read; a null value counts as absent.
func (o *object) take(key string) (json.RawMessage, bool) {
	o.used[key] = true
	raw, ok := o.members[key]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
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
	if err := json.Unmarshal(raw, dst); err != nil {
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
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsInf(f, 0) {
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
	var unknown []string
	for k := range o.members {
		if !o.used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	known := make([]string, 0, len(o.used))
	for k := range o.used {
		known = append(known, k)
	}
	slices.Sort(known)
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
