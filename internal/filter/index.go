package filter

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
)

// Index holds per-field inverted indexes over uint32 document ids: for each field, the
// documents holding each string and boolean value, its numbers in order for range clauses,
// and the documents having the field at all.
//
// What Add indexes, from a document's metadata (JSON-decoded values or their Go equivalents):
//   - strings and booleans: one posting per distinct value;
//   - numbers (float64, float32, every int and uint type, json.Number): as float64, in the
//     numeric index (NaN is skipped; −0 is 0);
//   - arrays ([]any, []string, []float64, []int, []bool) of those scalars: each element, so a
//     clause matches when any element does; nested arrays and objects inside arrays are skipped;
//   - nested objects (map[string]any, map[string]string): under dotted keys, so
//     {"a": {"b": 1}} is field "a.b" (as is a literal key "a.b"), to a depth of 32;
//   - null and anything else: skipped, so the field does not "exist" for that document.
//
// Concurrency: Add and Remove need exclusive access; Eval, Fields and Clone only read and may
// run concurrently with each other, so an RWMutex held by the owner is all the locking it
// needs; Clone gives a snapshot reader an independent copy. The zero Index is empty and usable. Every method leaves the index fully
// consistent (nothing is deferred to the next Eval), so readers never need the write lock.
//
// The index is not persisted: it is rebuilt from stored metadata on load, which keeps one
// source of truth and no second file format to version.
type Index struct {
	fields map[string]*fieldIndex
}

type fieldIndex struct {
	has   postings             // documents with at least one value in the field
	strs  map[string]*postings // string value → documents
	bools [2]postings          // false, true → documents
	nums  numericIndex
}

// maxMetaDepth bounds the object nesting Add follows (a Go map may even contain itself).
const maxMetaDepth = 32

// NewIndex returns an empty index.
func NewIndex() *Index { return &Index{fields: map[string]*fieldIndex{}} }

// Add indexes the metadata of document id. Adding a document that is already present adds
// its new values to the old ones: to update, Remove with the old metadata first.
func (ix *Index) Add(id uint32, meta map[string]any) {
	if ix.fields == nil {
		ix.fields = map[string]*fieldIndex{}
	}
	walkMeta(meta, "", 0, func(field string, v scalar) {
		f := ix.fields[field]
		if f == nil {
			f = &fieldIndex{}
			ix.fields[field] = f
		}
		f.has.add(id)
		switch v.kind {
		case KindString:
			p := f.strs[v.str]
			if p == nil {
				if f.strs == nil {
					f.strs = map[string]*postings{}
				}
				p = &postings{}
				f.strs[v.str] = p
			}
			p.add(id)
		case KindBool:
			f.bools[b2i(v.b)].add(id)
		case KindNumber:
			f.nums.add(v.num, id)
		}
	})
}

// Remove unindexes document id. meta must be the full metadata the document was added with:
// values the document does not hold are ignored, but a value left out stays indexed. Fields
// left without documents disappear (and become unknown to Eval).
func (ix *Index) Remove(id uint32, meta map[string]any) {
	walkMeta(meta, "", 0, func(field string, v scalar) {
		f := ix.fields[field]
		if f == nil {
			return
		}
		held := false
		switch v.kind {
		case KindString:
			if p := f.strs[v.str]; p != nil {
				if held = p.remove(id); p.len() == 0 {
					delete(f.strs, v.str)
				}
			}
		case KindBool:
			held = f.bools[b2i(v.b)].remove(id)
		case KindNumber:
			held = f.nums.remove(v.num, id)
		}
		if !held {
			return
		}
		if f.has.remove(id); f.has.len() == 0 {
			delete(ix.fields, field)
		}
	})
}

// Fields returns the indexed field names, sorted.
func (ix *Index) Fields() []string { return slices.Sorted(maps.Keys(ix.fields)) }

// Clone returns an independent deep copy.
func (ix *Index) Clone() *Index {
	c := &Index{fields: make(map[string]*fieldIndex, len(ix.fields))}
	for name, f := range ix.fields {
		cf := &fieldIndex{
			has:   f.has.clone(),
			bools: [2]postings{f.bools[0].clone(), f.bools[1].clone()},
			nums:  f.nums.clone(),
		}
		if f.strs != nil {
			cf.strs = make(map[string]*postings, len(f.strs))
			for v, p := range f.strs {
				cp := p.clone()
				cf.strs[v] = &cp
			}
		}
		c.fields[name] = cf
	}
	return c
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scalar is one indexable metadata value.
type scalar struct {
	kind Kind
	str  string
	num  float64
	b    bool
}

// walkMeta calls fn for every indexable (field, value) pair of meta, following the rules in
// the Index documentation.
func walkMeta(meta map[string]any, prefix string, depth int, fn func(field string, v scalar)) {
	if depth > maxMetaDepth {
		return
	}
	for k, v := range meta {
		walkValue(join(prefix, k), v, depth, true, fn)
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func walkValue(field string, v any, depth int, arraysOK bool, fn func(string, scalar)) {
	if s, ok := toScalar(v); ok {
		fn(field, s)
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if arraysOK { // objects inside arrays are skipped
			walkMeta(x, field, depth+1, fn)
		}
	case map[string]string:
		if arraysOK && depth < maxMetaDepth {
			for k, s := range x {
				fn(join(field, k), scalar{kind: KindString, str: s})
			}
		}
	case []any:
		if arraysOK {
			for _, e := range x {
				walkValue(field, e, depth, false, fn)
			}
		}
	case []string:
		for _, e := range x {
			fn(field, scalar{kind: KindString, str: e})
		}
	case []float64:
		for _, e := range x {
			if !math.IsNaN(e) {
				fn(field, scalar{kind: KindNumber, num: e})
			}
		}
	case []int:
		for _, e := range x {
			fn(field, scalar{kind: KindNumber, num: float64(e)})
		}
	case []bool:
		for _, e := range x {
			fn(field, scalar{kind: KindBool, b: e})
		}
	}
}

// toScalar converts a string, bool or number to a scalar. NaN is not a value.
func toScalar(v any) (scalar, bool) {
	var f float64
	switch x := v.(type) {
	case string:
		return scalar{kind: KindString, str: x}, true
	case bool:
		return scalar{kind: KindBool, b: x}, true
	case float64:
		f = x
	case float32:
		f = float64(x)
	case int:
		f = float64(x)
	case int8:
		f = float64(x)
	case int16:
		f = float64(x)
	case int32:
		f = float64(x)
	case int64:
		f = float64(x)
	case uint:
		f = float64(x)
	case uint8:
		f = float64(x)
	case uint16:
		f = float64(x)
	case uint32:
		f = float64(x)
	case uint64:
		f = float64(x)
	case json.Number:
		var err error
		if f, err = strconv.ParseFloat(string(x), 64); err != nil {
			return scalar{}, false
		}
	default:
		return scalar{}, false
	}
	if math.IsNaN(f) {
		return scalar{}, false
	}
	return scalar{kind: KindNumber, num: f}, true
}
