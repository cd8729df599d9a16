package filter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/bitset"
)

func TestParseJSONMatchesText(t *testing.T) {
	cases := []struct{ text, tree string }{
		{`year >= 2020`, `{"field": "year", "op": ">=", "value": 2020}`},
		{`year >= 2020 AND lang = en`, `{"and": [{"field": "year", "op": ">=", "value": 2020}, {"field": "lang", "op": "==", "value": "en"}]}`},
		{`lang = en OR tags in (go, rust)`, `{"or": [{"field": "lang", "op": "=", "value": "en"}, {"field": "tags", "op": "in", "value": ["go", "rust"]}]}`},
		{`draft != true`, `{"not": {"field": "draft", "op": "=", "value": true}}`},
		{`tags not in (go)`, `{"not": {"field": "tags", "op": "in", "value": ["go"]}}`},
		{`price = 1.50`, `{"field": "price", "op": "=", "value": 1.50}`},
		{`meta.score exists`, `{"field": "meta.score", "op": "exists"}`},
		{`lang != en AND lang != de`, `{"not": {"or": [{"field": "lang", "op": "=", "value": "en"}, {"field": "lang", "op": "=", "value": "de"}]}}`},
		{`lang = en OR year < 2020`, `{"not": {"and": [{"field": "lang", "op": "!=", "value": "en"}, {"not": {"field": "year", "op": "<", "value": 2020}}]}}`},
		// (a OR b) AND (c OR d), expanded.
		{`lang = en AND draft = true OR lang = en AND year > 2020 OR tags = go AND draft = true OR tags = go AND year > 2020`,
			`{"and": [{"or": [{"field": "lang", "op": "=", "value": "en"}, {"field": "tags", "op": "=", "value": "go"}]},
			          {"or": [{"field": "draft", "op": "=", "value": true}, {"field": "year", "op": ">", "value": 2020}]}]}`},
	}
	ix := sampleIndex()
	all := universeOf(0, 1, 2, 3, 4)
	for _, tc := range cases {
		want, err := Parse(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.text, err)
		}
		got, err := ParseJSON([]byte(tc.tree))
		if err != nil {
			t.Errorf("%s: %v", tc.tree, err)
			continue
		}
		ws, err1 := ix.Eval(want, all)
		gs, err2 := ix.Eval(got, all)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: eval %v / %v", tc.text, err1, err2)
		}
		if !reflect.DeepEqual(ws.AppendTo(nil), gs.AppendTo(nil)) {
			t.Errorf("%s: text selects %v, tree (%s) %v", tc.text, ws.AppendTo(nil), got, gs.AppendTo(nil))
		}
		if got.String() != want.String() {
			t.Errorf("tree reads back as %q, want %q", got.String(), want.String())
		}
	}
}

func TestParseJSONErrors(t *testing.T) {
	cases := []struct{ tree, path, msg string }{
		{`[]`, "", "expected an object"},
		{`{"and": []}`, "and", "non-empty array"},
		{`{"and": [{"field": "x", "op": "=", "value": 1}], "or": []}`, "", "only key"},
		{`{"or": [{"field": "x", "op": "=", "value": 1}, {"field": "", "op": "=", "value": 1}]}`, "or[1].field", "non-empty string"},
		{`{"field": "x", "op": "~", "value": 1}`, "op", "unknown operator"},
		{`{"field": "x", "op": ">=", "value": "abc"}`, "value", "needs a number"},
		{`{"field": "x", "op": "in", "value": 3}`, "value", "non-empty array"},
		{`{"field": "x", "op": "in", "value": [1, {"a": 1}]}`, "value[1]", "string, number or boolean"},
		{`{"field": "x", "op": "exists", "value": 1}`, "value", "no value"},
		{`{"field": "x", "op": "="}`, "value", "missing"},
		{`{"field": "x", "op": "=", "value": 1, "extra": 2}`, "extra", "unknown key"},
		{`{"not": {"and": [{"field": "a", "op": "=", "value": 1}, {"field": "year", "op": ">", "value": 1}]}}`, "not.and[1].op", "NOT of \">\""},
		{`{"not": {"field": "x", "op": "exists"}}`, "not.op", "NOT of \"exists\""},
		{`{"field": "x", "op": "=", "value": 1e999}`, "value", "out of range"},
		{`{"field": "x"} {}`, "", "after the filter"},
		{`{"field": `, "", "not JSON"},
		{strings.Repeat(`{"not":`, 70) + `{"field": "x", "op": "=", "value": 1}` + strings.Repeat(`}`, 70), strings.TrimSuffix(strings.Repeat("not.", 65), "."), "deeper"},
	}
	for _, tc := range cases {
		_, err := ParseJSON([]byte(tc.tree))
		var je *JSONError
		if !errors.As(err, &je) || !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: error %v is not a JSONError", tc.tree, err)
			continue
		}
		if je.Path != tc.path || !strings.Contains(je.Msg, tc.msg) {
			t.Errorf("%.60s: got path %q msg %q, want %q and %q", tc.tree, je.Path, je.Msg, tc.path, tc.msg)
		}
	}
}

func TestParseJSONTooComplex(t *testing.T) {
	var ors []string
	for i := range 14 { // 2^14 alternatives once distributed
		ors = append(ors, fmt.Sprintf(`{"or": [{"field": "f%d", "op": "=", "value": 1}, {"field": "g%d", "op": "=", "value": 2}]}`, i, i))
	}
	_, err := ParseJSON([]byte(`{"and": [` + strings.Join(ors, ",") + `]}`))
	if err == nil || !strings.Contains(err.Error(), "too complex") {
		t.Fatalf("14 ANDed ORs: %v", err)
	}
	_, err = ParseJSON([]byte(`{"and": [` + strings.Join(ors[:4], ",") + `]}`))
	if err != nil {
		t.Fatalf("4 ANDed ORs: %v", err)
	}
}

// randomTree builds a JSON filter tree and decides it per document by the plain meaning of
// and, or and not over bruteMatch.
func randomTree(r *rand.Rand, depth int) (tree any, match func(map[string][]any) bool) {
	if depth == 0 || r.IntN(3) == 0 {
		c := randomClause(r)
		node := map[string]any{"field": c.Field, "op": string(c.Op)}
		switch {
		case c.Op == OpIn || c.Op == OpNotIn:
			var vals []any
			for _, v := range c.Values {
				vals = append(vals, jsonOf(v))
			}
			node["value"] = vals
		case c.Op != OpExists:
			node["value"] = jsonOf(c.Values[0])
		}
		return node, func(f map[string][]any) bool { return bruteMatch(c, f[c.Field]) }
	}
	switch r.IntN(3) {
	case 0:
		sub, m := randomTree(r, depth-1)
		return map[string]any{"not": sub}, func(f map[string][]any) bool { return !m(f) }
	default:
		and := r.IntN(2) == 0
		var subs []any
		var ms []func(map[string][]any) bool
		for range 1 + r.IntN(3) {
			s, m := randomTree(r, depth-1)
			subs, ms = append(subs, s), append(ms, m)
		}
		key := "or"
		if and {
			key = "and"
		}
		return map[string]any{key: subs}, func(f map[string][]any) bool {
			for _, m := range ms {
				if m(f) != and {
					return !and
				}
			}
			return and
		}
	}
}

func jsonOf(v Value) any {
	switch v.Kind {
	case KindBool:
		return v.Bool
	case KindNumber:
		return json.Number(v.numberSpelling())
	}
	return v.Str
}

func TestParseJSONRandomTrees(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	ix := NewIndex()
	docs := map[uint32]map[string]any{}
	universe := &bitset.Set{}
	for id := range uint32(300) {
		docs[id] = randomMeta(r)
		ix.Add(id, docs[id])
		universe.Add(id)
	}
	flat := flattenAll(docs)
	checked := 0
	for range 2000 {
		tree, match := randomTree(r, 3)
		b, _ := json.Marshal(tree)
		e, err := ParseJSON(b)
		if err != nil {
			if !strings.Contains(err.Error(), "cannot be expressed") && !strings.Contains(err.Error(), "too complex") {
				t.Fatalf("%s: %v", b, err)
			}
			continue
		}
		got, err := ix.Eval(e, universe)
		if err != nil {
			continue // unknown field or range over strings: the text form refuses the same
		}
		var want []uint32
		for id := range uint32(300) {
			if match(flat[id]) {
				want = append(want, id)
			}
		}
		if g := got.AppendTo(nil); !sameIDs(g, want) {
			t.Fatalf("%s\ncompiled to %s\nselects %v\nwant %v", b, e, g, want)
		}
		checked++
	}
	if checked < 500 {
		t.Fatalf("only %d trees evaluated", checked)
	}
}

func sameIDs(a, b []uint32) bool { return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b)) }

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"and": [{"field": "year", "op": ">=", "value": 2020}, {"or": [{"field": "lang", "op": "=", "value": "en"}]}]}`,
		`{"not": {"field": "tags", "op": "in", "value": ["go", 1, true]}}`, `{"field": "x", "op": "exists"}`, `[]`, `{"and": [`,
	} {
		f.Add([]byte(s))
	}
	ix := sampleIndex()
	all := universeOf(0, 1, 2, 3, 4)
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseJSON(data)
		if err != nil {
			var je *JSONError
			if !errors.As(err, &je) {
				t.Fatalf("error %v is not a JSONError", err)
			}
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("compiled filter %s fails validation: %v", e, err)
		}
		ix.Eval(e, all)
		back, err := Parse(e.String())
		if err != nil {
			t.Fatalf("%s reads back as %q, which does not parse: %v", data, e.String(), err)
		}
		if a, b := mustEval(t, ix, e, all), mustEval(t, ix, back, all); !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: compiled selects %v, its text %q selects %v", data, a, e.String(), b)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var tree any
		if err := dec.Decode(&tree); err != nil {
			t.Fatal(err)
		}
		for _, c := range allClauses(e) {
			path, ok := FieldPath(tree, c.Field)
			if got, found := follow(tree, path); !ok || !found || got != c.Field {
				t.Fatalf("%s: FieldPath(%q) = %q, %v; it leads to %v", data, c.Field, path, ok, got)
			}
		}
	})
}

// follow returns the value at path ("and[1].field") in a decoded JSON tree.
func follow(v any, path string) (any, bool) {
	for path != "" {
		switch {
		case path[0] == '.':
			path = path[1:]
		case path[0] == '[':
			end := strings.IndexByte(path, ']')
			i, err := strconv.Atoi(path[1:end])
			list, ok := v.([]any)
			if err != nil || !ok || i < 0 || i >= len(list) {
				return nil, false
			}
			v, path = list[i], path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			obj, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = obj[path[:end]]; !ok {
				return nil, false
			}
			path = path[end:]
		}
	}
	return v, true
}

func mustEval(t *testing.T, ix *Index, e Expr, all *bitset.Set) []uint32 {
	s, err := ix.Eval(e, all)
	if err != nil {
		return []uint32{1 << 31} // the same error on both sides compares equal
	}
	return s.AppendTo(nil)
}
