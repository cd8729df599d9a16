package filter

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestFieldPosition(t *testing.T) {
	cases := []struct {
		src, field string
		pos        int
		ok         bool
	}{
		{"yaer = 2020", "yaer", 0, true},
		{"lang = en AND  yaer >= 2020", "yaer", 15, true},
		{"lang = en OR colour exists OR colour = red", "colour", 13, true},
		{`a = 1, "odd name" in (x)`, "odd name", 7, true},
		{`year = year`, "year", 0, true}, // the value is not a field
		{`x = year`, "year", 0, false},
		{"lang = en", "year", 0, false},
		{"lang = ", "lang", 0, false}, // does not parse
		{"", "x", 0, false},
	}
	for _, tc := range cases {
		pos, ok := FieldPosition(tc.src, tc.field)
		if ok != tc.ok || ok && pos != tc.pos {
			t.Errorf("FieldPosition(%q, %q) = %d, %v; want %d, %v", tc.src, tc.field, pos, ok, tc.pos, tc.ok)
		}
	}
}

func TestFieldPath(t *testing.T) {
	cases := []struct {
		tree, field, path string
		ok                bool
	}{
		{`{"field": "yaer", "op": "=", "value": 1}`, "yaer", "field", true},
		{`{"and": [{"field": "a", "op": "exists"}, {"or": [{"field": "b", "op": "exists"}, {"not": {"field": "c", "op": "=", "value": 1}}]}]}`, "c", "and[1].or[1].not.field", true},
		{`{"and": [{"field": "a", "op": "exists"}, {"field": "a", "op": "=", "value": 2}]}`, "a", "and[0].field", true},
		{`{"and": [{"field": "a", "op": "exists"}]}`, "b", "", false},
		{`{"field": "a", "op": "=", "value": "b"}`, "b", "", false},
		{`[1, 2]`, "a", "", false},
	}
	for _, tc := range cases {
		var tree any
		if err := json.Unmarshal([]byte(tc.tree), &tree); err != nil {
			t.Fatal(err)
		}
		path, ok := FieldPath(tree, tc.field)
		if ok != tc.ok || path != tc.path {
			t.Errorf("FieldPath(%s, %q) = %q, %v; want %q, %v", tc.tree, tc.field, path, ok, tc.path, tc.ok)
		}
	}
}

// TestEvalFieldErrors checks that an unknown field and a range over strings fail with a
// FieldError naming the field, which Located and LocatedJSON place in the filter's source.
func TestEvalFieldErrors(t *testing.T) {
	ix := NewIndex()
	ix.Add(1, map[string]any{"year": 2020.0, "lang": "en"})
	all := universeOf(1)
	cases := []struct {
		text, tree, field string
		kind              error
		pos               int
		path              string
	}{
		{"lang = en AND yaer > 3", `{"and": [{"field": "lang", "op": "=", "value": "en"}, {"field": "yaer", "op": ">", "value": 3}]}`,
			"yaer", ErrUnknownField, 14, "and[1].field"},
		{"year > 1 OR lang < 3", `{"or": [{"field": "year", "op": ">", "value": 1}, {"not": {"field": "lang", "op": ">=", "value": 3}}]}`,
			"lang", ErrType, 12, "or[1].not.field"},
	}
	for _, tc := range cases {
		e, err := Parse(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ix.Eval(e, all)
		var fe *FieldError
		if !errors.As(err, &fe) || !errors.Is(err, tc.kind) || fe.Field != tc.field || fe.Pos != -1 || fe.Path != "" {
			t.Fatalf("%q: %v (%+v)", tc.text, err, fe)
		}
		if at := fe.Located(tc.text); at.Pos != tc.pos || at.Error() != fe.Error() || !errors.Is(at, tc.kind) || fe.Pos != -1 {
			t.Errorf("%q: located at %d, want %d (%v)", tc.text, at.Pos, tc.pos, at)
		}
		var tree any
		json.Unmarshal([]byte(tc.tree), &tree)
		if at := fe.LocatedJSON(tree); at.Path != tc.path {
			t.Errorf("%s: located at %q, want %q", tc.tree, at.Path, tc.path)
		}
		if at := fe.Located("nothing = 1"); at != fe {
			t.Errorf("located in a filter without the field: %+v", at)
		}
	}
}
