package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// Slots of the fields with a fixed meaning.
const (
	slotUID      = iota // "_id"
	slotID              // "id"
	slotText            // "content" for documents, "text" for queries
	slotAltText         // "text" for documents, "query" for queries
	slotTitle           // "title" (documents only)
	slotMetadata        // "metadata"
	slotVector          // the vector field (documents only)
	numSlots
)

// schema names the key of each slot; "" leaves a slot unused, so the key is an ordinary
// metadata field.
type schema [numSlots]string

func documentSchema(vectorField string) schema {
	return schema{"_id", "id", "content", "text", "title", "metadata", vectorField}
}

var querySchema = schema{"_id", "id", "text", "query", "", "metadata", ""}

// otherField is a top-level member without a slot.
type otherField struct {
	key string
	val []byte
}

// lineParser splits one JSON object line into slot values and other members. It reuses
// its buffers from line to line, so it is not safe for concurrent use.
type lineParser struct {
	schema  schema
	slots   [numSlots][]byte // raw value of the last occurrence; nil when absent
	others  []otherField
	scratch []byte
}

// fieldErr is a problem with one field; the caller adds file and line.
type fieldErr struct {
	field string
	err   error
}

func (e *fieldErr) Error() string { return fmt.Sprintf("field %q: %v", e.field, e.err) }
func (e *fieldErr) Unwrap() error { return e.err }

// split validates line and records its members.
func (p *lineParser) split(line []byte) error {
	if !utf8.Valid(line) {
		off := 0
		for off < len(line) {
			r, n := utf8.DecodeRune(line[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return fmt.Errorf("%w at column %d", ErrInvalidUTF8, off+1)
	}
	p.slots = [numSlots][]byte{}
	p.others = p.others[:0]
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		if i < len(line) && line[i] == '[' {
			return syntaxErr("a JSON array is not a JSON Lines document (want one object per line)", i)
		}
		return syntaxErr("expected '{', found "+describe(line, i), i)
	}
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		i++
	} else {
		for {
			if i >= len(line) || line[i] != '"' {
				return syntaxErr("expected a string key, found "+describe(line, i), i)
			}
			keyEnd, escaped, err := scanString(line, i)
			if err != nil {
				return err
			}
			key := line[i+1 : keyEnd-1]
			if escaped {
				p.scratch = appendUnquoted(p.scratch[:0], key)
				key = p.scratch
			}
			i = skipSpace(line, keyEnd)
			if i >= len(line) || line[i] != ':' {
				return syntaxErr("expected ':' after key, found "+describe(line, i), i)
			}
			valStart := skipSpace(line, i+1)
			valEnd, err := scanValue(line, valStart, 1)
			if err != nil {
				return err
			}
			p.record(key, line[valStart:valEnd])
			i = skipSpace(line, valEnd)
			if i < len(line) && line[i] == ',' {
				i = skipSpace(line, i+1)
				continue
			}
			if i < len(line) && line[i] == '}' {
				i++
				break
			}
			return syntaxErr("expected ',' or '}', found "+describe(line, i), i)
		}
	}
	if i = skipSpace(line, i); i < len(line) {
		return syntaxErr("unexpected "+describe(line, i)+" after the object", i)
	}
	return nil
}

func (p *lineParser) record(key, val []byte) {
	for s, name := range p.schema {
		if name != "" && string(key) == name {
			p.slots[s] = val
			return
		}
	}
	p.others = append(p.others, otherField{key: string(key), val: val})
}

// present returns a slot's value unless it is absent or null.
func (p *lineParser) present(slot int) []byte {
	v := p.slots[slot]
	if len(v) == 0 || v[0] == 'n' { // "null" is the only value starting with 'n'
		return nil
	}
	return v
}

func kindOf(v []byte) string {
	switch v[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func typeErr(field, want string, v []byte) error {
	return &fieldErr{field, fmt.Errorf("%w: want %s, got %s", ErrFieldType, want, kindOf(v))}
}

// str decodes a validated JSON string value.
func (p *lineParser) str(v []byte) string {
	body := v[1 : len(v)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return string(body)
	}
	p.scratch = appendUnquoted(p.scratch[:0], body)
	return string(p.scratch)
}

// stringSlot decodes an optional string slot ("" when absent or null).
func (p *lineParser) stringSlot(slot int) (string, error) {
	v := p.present(slot)
	if v == nil {
		return "", nil
	}
	if v[0] != '"' {
		return "", typeErr(p.schema[slot], "a string", v)
	}
	return p.str(v), nil
}

// pick chooses between a primary and an alternative slot: the primary when present, the
// alternative otherwise. The losing one, if present, becomes an ordinary field.
func (p *lineParser) pick(primary, alt int) int {
	if p.present(primary) == nil {
		return alt
	}
	if v := p.present(alt); v != nil {
		p.others = append(p.others, otherField{key: p.schema[alt], val: v})
	}
	return primary
}

// id decodes the id: a non-empty string, or an integer kept as its literal.
func (p *lineParser) id() (string, error) {
	slot := p.pick(slotUID, slotID)
	v := p.present(slot)
	if v == nil {
		return "", &fieldErr{p.schema[slotUID], ErrMissingField}
	}
	switch {
	case v[0] == '"':
		id := p.str(v)
		if id == "" {
			return "", &fieldErr{p.schema[slot], ErrEmptyField}
		}
		return id, nil
	case v[0] == '-' || v[0]-'0' < 10:
		if _, integer, _ := scanNumber(v, 0); !integer {
			return "", &fieldErr{p.schema[slot], fmt.Errorf("%w: want a string or an integer, got %s", ErrFieldType, v)}
		}
		return string(v), nil
	}
	return "", typeErr(p.schema[slot], "a string or an integer", v)
}

// metadata assembles the metadata map: other fields in order (a repeated key keeps its last
// value), then the "metadata" object's members, which win.
func (p *lineParser) metadata() (map[string]any, error) {
	var m map[string]any
	set := func(f otherField) error {
		var val any
		if err := json.Unmarshal(f.val, &val); err != nil {
			return &fieldErr{f.key, err}
		}
		if m == nil {
			m = make(map[string]any, len(p.others)+1)
		}
		m[f.key] = val
		return nil
	}
	// Backwards, so a repeated key is decoded once, from its last occurrence.
	for i := len(p.others) - 1; i >= 0; i-- {
		if _, seen := m[p.others[i].key]; seen {
			continue
		}
		if err := set(p.others[i]); err != nil {
			return nil, err
		}
	}
	v := p.present(slotMetadata)
	if v == nil {
		return m, nil
	}
	if v[0] != '{' {
		return nil, typeErr(p.schema[slotMetadata], "an object", v)
	}
	if i := skipSpace(v, 1); v[i] == '}' {
		return m, nil // {} is common (BEIR) and needs no decoding
	}
	var obj map[string]any
	if err := json.Unmarshal(v, &obj); err != nil {
		return nil, &fieldErr{p.schema[slotMetadata], err}
	}
	if m == nil {
		return obj, nil
	}
	for k, val := range obj {
		m[k] = val
	}
	return m, nil
}

// vector decodes the vector slot: nil when absent, null or empty.
func (p *lineParser) vector() ([]float32, error) {
	v := p.present(slotVector)
	if v == nil {
		return nil, nil
	}
	field := p.schema[slotVector]
	if v[0] != '[' {
		return nil, typeErr(field, "an array of numbers", v)
	}
	var out []float32
	for i, n := skipSpace(v, 1), 0; v[i] != ']'; n++ {
		c := v[i]
		if c != '-' && c-'0' >= 10 {
			end, _ := scanValue(v, i, 2)
			return nil, &fieldErr{field, fmt.Errorf("%w: element %d is %s, want a number", ErrFieldType, n, kindOf(v[i:end]))}
		}
		end, _, _ := scanNumber(v, i)
		f, err := strconv.ParseFloat(string(v[i:end]), 32)
		if err != nil || math.IsInf(f, 0) {
			return nil, &fieldErr{field, fmt.Errorf("%w: element %d (%s) does not fit a float32", ErrBadVector, n, v[i:end])}
		}
		out = append(out, float32(f))
		i = skipSpace(v, end)
		if v[i] == ',' {
			i = skipSpace(v, i+1)
		}
	}
	return out, nil
}

// document builds a Document from a split line.
func (p *lineParser) document() (Document, error) {
	var d Document
	id, err := p.id()
	if err != nil {
		return d, err
	}
	content, err := p.stringSlot(p.pick(slotText, slotAltText))
	if err != nil {
		return d, err
	}
	title, err := p.stringSlot(slotTitle)
	if err != nil {
		return d, err
	}
	vec, err := p.vector()
	if err != nil {
		return d, err
	}
	meta, err := p.metadata()
	if err != nil {
		return d, err
	}
	return Document{ID: id, Title: title, Content: content, Metadata: meta, Vector: vec}, nil
}

// query builds a Query from a split line; the text is required.
func (p *lineParser) query() (Query, error) {
	var q Query
	id, err := p.id()
	if err != nil {
		return q, err
	}
	textSlot := p.pick(slotText, slotAltText)
	if p.present(textSlot) == nil {
		return q, &fieldErr{p.schema[slotText], ErrMissingField}
	}
	text, err := p.stringSlot(textSlot)
	if err != nil {
		return q, err
	}
	meta, err := p.metadata()
	if err != nil {
		return q, err
	}
	return Query{ID: id, Text: text, Metadata: meta}, nil
}
