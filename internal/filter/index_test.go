package filter

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/bitset"
)

func nan() float64 { return math.NaN() }

func universeOf(ids ...uint32) *bitset.Set {
	s := &bitset.Set{}
	for _, id := range ids {
		s.Add(id)
	}
	return s
}

// sampleIndex holds five documents covering every kind of value.
func sampleIndex() *Index {
	ix := NewIndex()
	ix.Add(0, map[string]any{"year": 2019.0, "lang": "en", "tags": []any{"go", "search"}, "draft": true})
	ix.Add(1, map[string]any{"year": 2021, "lang": "de", "tags": []string{"go"}, "meta": map[string]any{"score": 0.5, "src": "wiki"}})
	ix.Add(2, map[string]any{"year": "2020", "lang": "en", "price": json.Number("1.50"), "meta": map[string]any{"score": -2.0}})
	ix.Add(3, map[string]any{"year": int64(2020), "lang": nil, "tags": []any{}, "draft": false, "price": "1.50"})
	ix.Add(4, map[string]any{"lang": "EN", "tags": []any{"rust", 3.0, []any{"nested"}, map[string]any{"x": 1}}})
	return ix
}

func TestEvalExamples(t *testing.T) {
	ix := sampleIndex()
	all := universeOf(0, 1, 2, 3, 4)
	cases := []struct {
		filter string
		want   []uint32
	}{
		{"", []uint32{0, 1, 2, 3, 4}},
		{"lang = en", []uint32{0, 2}}, // case-sensitive: doc 4 has "EN"
		{"lang != en", []uint32{1, 3, 4}},
		{"lang exists", []uint32{0, 1, 2, 4}}, // null does not exist
		{"year = 2020", []uint32{2, 3}},       // the string "2020" and the number 2020
		{`year = "2020"`, []uint32{2, 3}},
		{"year >= 2020", []uint32{1, 3}}, // ranges compare numbers only
		{"year < 2020.5", []uint32{0, 3}},
		{"year > 2019 AND year <= 2021", []uint32{1, 3}},
		{"tags = go", []uint32{0, 1}},
		{"tags in (rust, search)", []uint32{0, 4}},
		{"tags not in (go)", []uint32{2, 3, 4}},
		{"tags = 3", []uint32{4}},
		{"tags = nested", nil}, // nested arrays are not indexed
		{"draft = true", []uint32{0}},
		{"draft = false", []uint32{3}},
		{"draft != true", []uint32{1, 2, 3, 4}},
		{"meta.score < 0", []uint32{2}},
		{"meta.src = wiki OR draft = false", []uint32{1, 3}},
		{"price = 1.50", []uint32{2, 3}}, // json.Number 1.50 numerically, "1.50" textually
		{"price = 1.5", []uint32{2}},     // "1.5" is not the text "1.50"
		{"lang = en AND tags = go OR year = 2021", []uint32{0, 1}},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			e, err := Parse(c.filter)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ix.Eval(e, all)
			if err != nil {
				t.Fatal(err)
			}
			if ids := got.AppendTo(nil); !slices.Equal(ids, c.want) {
				t.Fatalf("got %v want %v", ids, c.want)
			}
		})
	}
	if got := ix.Fields(); !slices.Equal(got, []string{"draft", "lang", "meta.score", "meta.src", "price", "tags", "year"}) {
		t.Fatalf("Fields() = %v", got)
	}
}

func TestEvalUniverse(t *testing.T) {
	ix := sampleIndex()
	e, _ := Parse("lang != de")
	// doc 2 is deleted; doc 9 has no metadata at all and so matches "!=".
	got, err := ix.Eval(e, universeOf(0, 1, 3, 9))
	if err != nil {
		t.Fatal(err)
	}
	if ids := got.AppendTo(nil); !slices.Equal(ids, []uint32{0, 3, 9}) {
		t.Fatalf("got %v", ids)
	}
	// ids beyond the universe's capacity never appear
	got, err = ix.Eval(Expr{Clauses: []Clause{{Field: "lang", Op: OpExists}}}, universeOf(1))
	if err != nil {
		t.Fatal(err)
	}
	if ids := got.AppendTo(nil); !slices.Equal(ids, []uint32{1}) {
		t.Fatalf("got %v", ids)
	}
	got, err = ix.Eval(Expr{}, nil)
	if err != nil || got.Len() != 0 {
		t.Fatalf("nil universe: %v %v", got.AppendTo(nil), err)
	}
}

func TestEvalErrors(t *testing.T) {
	ix := sampleIndex()
	all := universeOf(0, 1, 2, 3, 4)
	cases := []struct {
		filter string
		want   error
		msg    string
	}{
		{"yaer = 2020", ErrUnknownField, `filter: unknown field yaer (fields: draft, lang, meta.score, meta.src, price, tags, year)`},
		{"lang = en OR colour exists", ErrUnknownField, "unknown field colour"},
		{"lang > 3", ErrType, `filter: lang > 3: field lang has no numeric values`},
		{"draft <= 1", ErrType, "field draft has no numeric values"},
	}
	for _, c := range cases {
		e, err := Parse(c.filter)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ix.Eval(e, all)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Fatalf("%s: err = %v, want %v containing %q", c.filter, err, c.want, c.msg)
		}
	}
	if _, err := ix.Eval(Expr{Clauses: []Clause{{Field: "lang", Op: "~"}}}, all); !errors.Is(err, ErrInvalid) {
		t.Fatalf("invalid expression: %v", err)
	}
	if _, err := NewIndex().Eval(Expr{Clauses: []Clause{{Field: "a", Op: OpExists}}}, all); !errors.Is(err, ErrUnknownField) ||
		!strings.Contains(err.Error(), "no document has metadata") {
		t.Fatalf("empty index: %v", err)
	}
}

// randomMeta builds metadata shaped like JSON documents, with mixed types per field.
func randomMeta(r *rand.Rand) map[string]any {
	words := []string{"a", "b", "c", "en", "2020", "1.50", "true", "x y"}
	scalarOf := func() any {
		switch r.IntN(6) {
		case 0, 1:
			return words[r.IntN(len(words))]
		case 2:
			return r.IntN(2) == 0
		case 3:
			return float64(r.IntN(7)) - 3
		case 4:
			return []float64{1.5, 2020, -0.0, 0.25}[r.IntN(4)]
		}
		return float64(r.IntN(400)) / 4 // many distinct values: exercises the delta merges
	}
	m := map[string]any{}
	for _, f := range []string{"f1", "f2", "f3", "num", "n.x"} {
		switch r.IntN(8) {
		case 0: // absent
		case 1:
			m[f] = nil
		case 2:
			arr := make([]any, r.IntN(4))
			for i := range arr {
				arr[i] = scalarOf()
			}
			m[f] = arr
		case 3:
			m[f] = map[string]any{"x": scalarOf(), "y": []any{scalarOf()}}
		default:
			m[f] = scalarOf()
		}
	}
	if r.IntN(3) == 0 {
		m["num"] = float64(r.IntN(1000)) / 8
	}
	if r.IntN(4) != 0 { // single-valued numbers: ranges may take the complement path
		m["one"] = float64(r.IntN(1000)) / 8
	}
	if r.IntN(2) == 0 { // a string-only field: ranges on it are type errors
		m["s"] = words[r.IntN(len(words))]
	}
	return m
}

// flatten is the brute-force reading of metadata: field → scalar values, following the
// rules of the Index documentation for JSON-decoded values.
func flatten(m map[string]any, prefix string, out map[string][]any) {
	flattenDepth(m, prefix, 0, out)
}

func flattenDepth(m map[string]any, prefix string, depth int, out map[string][]any) {
	if depth > maxMetaDepth {
		return
	}
	for k, v := range m {
		name := k
		if prefix != "" {
			name = prefix + "." + k
		}
		switch x := v.(type) {
		case string, bool:
			out[name] = append(out[name], x)
		case float64:
			if !math.IsNaN(x) {
				out[name] = append(out[name], x)
			}
		case map[string]any:
			flattenDepth(x, name, depth+1, out)
		case []any:
			for _, e := range x {
				switch e.(type) {
				case string, bool, float64:
					out[name] = append(out[name], e)
				}
			}
		}
	}
}

// bruteMatch decides a clause on one document's values from the rules in the package doc.
func bruteMatch(c Clause, vals []any) bool {
	if c.Op == OpExists {
		return len(vals) > 0
	}
	if c.Op == OpNe || c.Op == OpNotIn {
		pos := c
		pos.Op = OpIn
		return !bruteMatch(pos, vals)
	}
	for _, val := range vals {
		for _, v := range c.Values {
			vNum, vIsNum := v.number()
			switch x := val.(type) {
			case string:
				if !c.Op.isRange() && ((v.Kind == KindString && x == v.Str) ||
					(v.Kind == KindNumber && x == strconv.FormatFloat(v.Num, 'g', -1, 64) && v.Str == "") ||
					(v.Kind == KindNumber && v.Str != "" && x == v.Str)) {
					return true
				}
			case bool:
				if !c.Op.isRange() && v.Kind == KindBool && x == v.Bool {
					return true
				}
			case float64:
				if !vIsNum {
					continue
				}
				switch c.Op {
				case OpEq, OpIn:
					if x == vNum {
						return true
					}
				case OpLt:
					if x < vNum {
						return true
					}
				case OpLe:
					if x <= vNum {
						return true
					}
				case OpGt:
					if x > vNum {
						return true
					}
				case OpGe:
					if x >= vNum {
						return true
					}
				}
			}
		}
	}
	return false
}

// flattenAll reads every document's metadata as field → values.
func flattenAll(docs map[uint32]map[string]any) map[uint32]map[string][]any {
	flat := map[uint32]map[string][]any{}
	for id, m := range docs {
		f := map[string][]any{}
		flatten(m, "", f)
		flat[id] = f
	}
	return flat
}

func bruteEval(flat map[uint32]map[string][]any, e Expr, universe *bitset.Set) ([]uint32, error) {
	known := map[string]bool{}
	numeric := map[string]bool{}
	for _, f := range flat {
		for name, vals := range f {
			known[name] = true
			for _, v := range vals {
				if _, ok := v.(float64); ok {
					numeric[name] = true
				}
			}
		}
	}
	var check func(e Expr) error
	check = func(e Expr) error {
		for _, c := range e.Clauses {
			if !known[c.Field] {
				return ErrUnknownField
			}
			if c.Op.isRange() && !numeric[c.Field] {
				return ErrType
			}
		}
		for _, a := range e.Any {
			if err := check(a); err != nil {
				return err
			}
		}
		return nil
	}
	if err := check(e); err != nil {
		return nil, err
	}
	var match func(e Expr, f map[string][]any) bool
	match = func(e Expr, f map[string][]any) bool {
		for _, c := range e.Clauses {
			if !bruteMatch(c, f[c.Field]) {
				return false
			}
		}
		if len(e.Any) == 0 {
			return true
		}
		for _, a := range e.Any {
			if match(a, f) {
				return true
			}
		}
		return false
	}
	var out []uint32
	universe.ForEach(func(id uint32) bool {
		if match(e, flat[id]) {
			out = append(out, id)
		}
		return true
	})
	return out, nil
}

func randomValue(r *rand.Rand) Value {
	switch r.IntN(7) {
	case 0:
		return StringValue([]string{"a", "b", "en", "2020", "1.50", "x y", "zz"}[r.IntN(7)])
	case 1:
		return BoolValue(r.IntN(2) == 0)
	case 2:
		return Value{Str: "1.50", Num: 1.5, Kind: KindNumber}
	case 3:
		return NumberValue([]float64{2020, 1.5, 0, -0.0, 0.25}[r.IntN(5)])
	case 4:
		return NumberValue(float64(r.IntN(1000)) / 8)
	}
	return NumberValue(float64(r.IntN(9)) - 4)
}

func randomClause(r *rand.Rand) Clause {
	fields := []string{"f1", "f2", "f3", "num", "n.x", "n.x.x", "n.x.y", "f1.x", "f2.y", "s", "s", "missing", "one", "one"}
	c := Clause{Field: fields[r.IntN(len(fields))]}
	ops := []Op{OpEq, OpNe, OpIn, OpNotIn, OpLt, OpLe, OpGt, OpGe, OpExists}
	c.Op = ops[r.IntN(len(ops))]
	switch {
	case c.Op == OpExists:
	case c.Op == OpIn || c.Op == OpNotIn:
		for range 1 + r.IntN(3) {
			c.Values = append(c.Values, randomValue(r))
		}
	case c.Op.isRange():
		v := randomValue(r)
		for _, ok := v.number(); !ok; _, ok = v.number() {
			v = randomValue(r)
		}
		c.Values = []Value{v}
	default:
		c.Values = []Value{randomValue(r)}
	}
	return c
}

func randomExpr(r *rand.Rand, depth int) Expr {
	var e Expr
	for range r.IntN(3) {
		e.Clauses = append(e.Clauses, randomClause(r))
	}
	if depth < 2 && r.IntN(3) == 0 {
		for range 1 + r.IntN(3) {
			e.Any = append(e.Any, randomExpr(r, depth+1))
		}
	}
	return e
}

// TestEvalAgainstBruteForce checks Eval against a direct reading of the metadata on random
// documents, random additions and removals, and random expressions.
func TestEvalAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 1))
	var errs, empty, partial, queries int
	for round := range 6 {
		ix := NewIndex()
		docs := map[uint32]map[string]any{}
		n := 50 + round*60
		for id := range uint32(n) {
			m := randomMeta(r)
			docs[id] = m
			ix.Add(id, m)
		}
		// remove a third, re-add some with new metadata (the update path)
		for id := range uint32(n) {
			if r.IntN(3) == 0 {
				ix.Remove(id, docs[id])
				delete(docs, id)
				if r.IntN(2) == 0 {
					docs[id] = randomMeta(r)
					ix.Add(id, docs[id])
				}
			}
		}
		universe := &bitset.Set{}
		for id := range uint32(n + 5) { // ids without metadata too
			if r.IntN(6) != 0 {
				universe.Add(id)
			}
		}
		flat := flattenAll(docs)
		for q := range 300 {
			e := randomExpr(r, 0)
			want, wantErr := bruteEval(flat, e, universe)
			got, err := ix.Eval(e, universe)
			queries++
			switch {
			case wantErr != nil:
				errs++
			case len(want) == 0:
				empty++
			case len(want) < universe.Len():
				partial++
			}
			if wantErr != nil {
				if !errors.Is(err, wantErr) {
					t.Fatalf("round %d query %d %q: err %v, want %v", round, q, e, err, wantErr)
				}
				continue
			}
			if err != nil {
				t.Fatalf("round %d query %d %q: %v", round, q, e, err)
			}
			if ids := got.AppendTo(nil); !slices.Equal(ids, want) {
				t.Fatalf("round %d query %d %q:\n got %v\nwant %v", round, q, e, ids, want)
			}
			// the text form evaluates the same
			back, err := Parse(e.String())
			if err != nil {
				t.Fatalf("Parse(%q): %v", e.String(), err)
			}
			if again, _ := ix.Eval(back, universe); !slices.Equal(again.AppendTo(nil), want) {
				t.Fatalf("text form %q evaluates differently", e.String())
			}
		}
	}
	// The generator must exercise every outcome, mostly selective matches.
	t.Logf("%d queries: %d errors, %d empty, %d selective", queries, errs, empty, partial)
	if errs == 0 || empty == 0 || partial < queries/4 {
		t.Fatalf("random queries too degenerate: %d errors, %d empty, %d selective of %d", errs, empty, partial, queries)
	}
}

// dump writes an index's content canonically: what Add/Remove consistency is judged on.
func dump(ix *Index) string {
	var b strings.Builder
	for _, name := range ix.Fields() {
		f := ix.fields[name]
		fmt.Fprintf(&b, "%s has=%v false=%v true=%v\n", name, f.has.appendTo(nil), f.bools[0].appendTo(nil), f.bools[1].appendTo(nil))
		vals := make([]string, 0, len(f.strs))
		for v := range f.strs {
			vals = append(vals, v)
		}
		slices.Sort(vals)
		for _, v := range vals {
			fmt.Fprintf(&b, "  s %q %v\n", v, f.strs[v].appendTo(nil))
		}
		var nums []numEntry
		for _, es := range [][]numEntry{f.nums.main, f.nums.delta} {
			for _, e := range es {
				if f.nums.posts[e.slot].len() > 0 {
					nums = append(nums, e)
				}
			}
		}
		slices.SortFunc(nums, func(a, b numEntry) int { return cmpFloat(a.val, b.val) })
		pairs := 0
		for _, e := range nums {
			fmt.Fprintf(&b, "  n %v %v\n", e.val, f.nums.posts[e.slot].appendTo(nil))
			pairs += f.nums.posts[e.slot].len()
		}
		fmt.Fprintf(&b, "  numeric docs %v\n", f.nums.docs.appendTo(nil))
		if pairs != f.nums.pairs {
			fmt.Fprintf(&b, "  PAIRS %d != %d\n", f.nums.pairs, pairs)
		}
	}
	return b.String()
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestAddRemoveConsistency(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	ix := NewIndex()
	docs := map[uint32]map[string]any{}
	ids := r.Perm(800) // out-of-order ids exercise sorted insertion
	for _, id := range ids {
		m := randomMeta(r)
		docs[uint32(id)] = m
		ix.Add(uint32(id), m)
	}
	snapshot := ix.Clone()
	before := dump(ix)
	for _, id := range ids[:700] {
		ix.Remove(uint32(id), docs[uint32(id)])
		delete(docs, uint32(id))
	}
	fresh := NewIndex()
	for _, id := range ids[700:] {
		fresh.Add(uint32(id), docs[uint32(id)])
	}
	if got, want := dump(ix), dump(fresh); got != want {
		t.Fatalf("after removals the index differs from one built from the remaining documents:\n%s\nvs\n%s", got, want)
	}
	if dump(snapshot) != before {
		t.Fatal("Clone shares state with the original")
	}
	for _, id := range ids[700:] {
		ix.Remove(uint32(id), docs[uint32(id)])
	}
	if f := ix.Fields(); len(f) != 0 {
		t.Fatalf("empty index still has fields %v", f)
	}
	// adding a value twice, removing values never added, NaN and cyclic maps are harmless
	cyclic := map[string]any{"a": 1.0}
	cyclic["self"] = cyclic
	ix.Add(1, cyclic)
	ix.Add(1, map[string]any{"a": 1.0, "n": nan(), "arr": []float64{nan()}})
	ix.Remove(1, map[string]any{"a": 2.0, "b": "zz"})
	fields := ix.Fields()
	if !slices.Contains(fields, "a") || !slices.Contains(fields, "self.a") || slices.Contains(fields, "n") || slices.Contains(fields, "arr") {
		t.Fatalf("fields %v", fields)
	}
	for _, f := range fields {
		if strings.Count(f, ".") > maxMetaDepth+1 {
			t.Fatalf("field %q nested beyond the depth limit", f)
		}
	}
}

func TestNumericIndexCompaction(t *testing.T) {
	var n numericIndex
	for i := range 5000 {
		n.add(float64((i*7919)%5000), uint32(i))
	}
	if len(n.delta) > max(minDelta, isqrt(len(n.main))) {
		t.Fatalf("delta %d not merged (main %d)", len(n.delta), len(n.main))
	}
	for i := range 4000 {
		n.remove(float64((i*7919)%5000), uint32(i))
	}
	if n.pairs != 1000 || n.empty > len(n.main)/2+minDelta {
		t.Fatalf("pairs %d, empty %d of %d", n.pairs, n.empty, len(n.main))
	}
	for _, op := range []Op{OpGe, OpLt, OpGt, OpLe} {
		for _, bound := range []float64{-1, 0, 2500, 4999, 5000} {
			s := bitset.New(5000)
			n.rangeInto(op, bound, s)
			want := 0
			for i := 4000; i < 5000; i++ {
				v := float64((i * 7919) % 5000)
				if (op == OpGe && v >= bound) || (op == OpLt && v < bound) || (op == OpGt && v > bound) || (op == OpLe && v <= bound) {
					want++
					if !s.Contains(uint32(i)) {
						t.Fatalf("%s %v: missing doc %d (value %v)", op, bound, i, v)
					}
				}
			}
			if s.Len() != want {
				t.Fatalf("%s %v: %d documents, want %d", op, bound, s.Len(), want)
			}
		}
	}
	// a second number on one document disables the complement shortcut; results stay exact
	n.add(-7, 4500)
	s := bitset.New(5000)
	n.rangeInto(OpGe, -1, s)
	if s.Len() != 1000 {
		t.Fatalf("multi-valued range: %d documents", s.Len())
	}
	s = bitset.New(5000)
	n.rangeInto(OpLt, 0, s)
	if got := s.AppendTo(nil); !slices.Equal(got, []uint32{4500}) {
		t.Fatalf("multi-valued range: %v", got)
	}
}

// FuzzEval indexes arbitrary JSON metadata and evaluates arbitrary filters, holding Eval to
// the brute-force reading; it also removes the documents again and expects an empty index.
func FuzzEval(f *testing.F) {
	f.Add(`{"year": 2020, "lang": "en", "tags": ["a", 1, true, null, {"x": 1}], "n": {"m": {"k": -0.5}}}`, "year >= 2020 AND tags = a OR n.m.k < 0")
	f.Add(`{"a": "1.50", "b": [1.5, "x y"], "a.b": false}`, `a = 1.50 OR b != "x y", a.b exists`)
	f.Add(`{"x": [[1], {"y": 2}], "": 3}`, "x exists OR x not in (1, 2)")
	f.Fuzz(func(t *testing.T, doc, text string) {
		var m map[string]any
		if json.Unmarshal([]byte(doc), &m) != nil {
			return
		}
		e, err := Parse(text)
		if err != nil {
			return
		}
		other := map[string]any{"year": 2019.0, "lang": "de", "tags": []any{"b"}}
		docs := map[uint32]map[string]any{3: m, 70: other}
		ix := NewIndex()
		for id, meta := range docs {
			ix.Add(id, meta)
		}
		universe := universeOf(0, 3, 70)
		got, err := ix.Eval(e, universe)
		want, wantErr := bruteEval(flattenAll(docs), e, universe)
		if wantErr != nil || err != nil {
			if !errors.Is(err, wantErr) {
				t.Fatalf("%q on %s: err %v, want %v", text, doc, err, wantErr)
			}
		} else if ids := got.AppendTo(nil); !slices.Equal(ids, want) {
			t.Fatalf("%q on %s: got %v want %v", text, doc, ids, want)
		}
		for id, meta := range docs {
			ix.Remove(id, meta)
		}
		if fields := ix.Fields(); len(fields) != 0 {
			t.Fatalf("fields left after removing everything: %v", fields)
		}
	})
}

// TestConcurrentEval runs readers in parallel on one index; under -race it proves Eval,
// Fields and Clone never write shared state.
func TestConcurrentEval(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	ix := NewIndex()
	universe := &bitset.Set{}
	for id := range uint32(300) {
		ix.Add(id, randomMeta(r))
		universe.Add(id)
	}
	exprs := make([]Expr, 50)
	for i := range exprs {
		exprs[i] = randomExpr(r, 0)
	}
	want := make([][]uint32, len(exprs))
	for i, e := range exprs {
		if s, err := ix.Eval(e, universe); err == nil {
			want[i] = s.AppendTo(nil)
		}
	}
	done := make(chan error)
	for w := range 4 {
		go func() {
			for i := range exprs {
				j := (i + w*13) % len(exprs)
				s, err := ix.Eval(exprs[j], universe)
				if err == nil && !slices.Equal(s.AppendTo(nil), want[j]) {
					done <- fmt.Errorf("expression %d: result changed under concurrency", j)
					return
				}
				_ = ix.Fields()
				if j%10 == 0 {
					_ = ix.Clone()
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
