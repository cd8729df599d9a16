package filter

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func num(spelling string, f float64) Value { return Value{Str: spelling, Num: f, Kind: KindNumber} }

func str(s string) Value { return StringValue(s) }

func TestParseValid(t *testing.T) {
	cases := []struct {
		in   string
		want Expr
		text string // canonical String(); empty means same as in
	}{
		{
			in: "year>=2020 AND lang=en",
			want: Expr{Clauses: []Clause{
				{Field: "year", Op: OpGe, Values: []Value{num("2020", 2020)}},
				{Field: "lang", Op: OpEq, Values: []Value{str("en")}},
			}},
			text: "year >= 2020 AND lang = en",
		},
		{
			in:   `lang in (en, "de", 3)`,
			want: Expr{Clauses: []Clause{{Field: "lang", Op: OpIn, Values: []Value{str("en"), str("de"), num("3", 3)}}}},
			text: "lang in (en, de, 3)",
		},
		{
			in:   "tag NOT IN (a,b)",
			want: Expr{Clauses: []Clause{{Field: "tag", Op: OpNotIn, Values: []Value{str("a"), str("b")}}}},
			text: "tag not in (a, b)",
		},
		{
			in:   "author exists",
			want: Expr{Clauses: []Clause{{Field: "author", Op: OpExists}}},
		},
		{
			in: "a = 1 OR b = 2 && c = TRUE",
			want: Expr{Any: []Expr{
				{Clauses: []Clause{{Field: "a", Op: OpEq, Values: []Value{num("1", 1)}}}},
				{Clauses: []Clause{
					{Field: "b", Op: OpEq, Values: []Value{num("2", 2)}},
					{Field: "c", Op: OpEq, Values: []Value{BoolValue(true)}},
				}},
			}},
			text: "a = 1 OR b = 2 AND c = true",
		},
		{
			in:   "x=1||y=false",
			want: Expr{Any: []Expr{{Clauses: []Clause{{Field: "x", Op: OpEq, Values: []Value{num("1", 1)}}}}, {Clauses: []Clause{{Field: "y", Op: OpEq, Values: []Value{BoolValue(false)}}}}}},
			text: "x = 1 OR y = false",
		},
		{
			in:   `a == "x \"y\" \\z"`,
			want: Expr{Clauses: []Clause{{Field: "a", Op: OpEq, Values: []Value{str(`x "y" \z`)}}}},
			text: `a = "x \"y\" \\z"`,
		},
		{
			in:   `"my field" != false`,
			want: Expr{Clauses: []Clause{{Field: "my field", Op: OpNe, Values: []Value{BoolValue(false)}}}},
		},
		{
			in: "x > -1.5e3, y <= .5",
			want: Expr{Clauses: []Clause{
				{Field: "x", Op: OpGt, Values: []Value{num("-1.5e3", -1500)}},
				{Field: "y", Op: OpLe, Values: []Value{num(".5", 0.5)}},
			}},
			text: "x > -1.5e3 AND y <= .5",
		},
		{in: "   ", want: Expr{}, text: ""},
		{in: "", want: Expr{}},
		{
			in:   "price = 1.50",
			want: Expr{Clauses: []Clause{{Field: "price", Op: OpEq, Values: []Value{num("1.50", 1.5)}}}},
		},
		{
			// quoted: a string that happens to spell a number
			in:   `year = "2020"`,
			want: Expr{Clauses: []Clause{{Field: "year", Op: OpEq, Values: []Value{str("2020")}}}},
		},
		{
			// a quoted number is a valid range bound
			in:   `year > "2020"`,
			want: Expr{Clauses: []Clause{{Field: "year", Op: OpGt, Values: []Value{str("2020")}}}},
		},
		{
			in:   "date = 2020-01-01 and a.b.c = ü-wort",
			want: Expr{Clauses: []Clause{{Field: "date", Op: OpEq, Values: []Value{str("2020-01-01")}}, {Field: "a.b.c", Op: OpEq, Values: []Value{str("ü-wort")}}}},
			text: "date = 2020-01-01 AND a.b.c = ü-wort",
		},
		{
			// keywords as names or values must be quoted
			in:   `"exists" exists, x = "and"`,
			want: Expr{Clauses: []Clause{{Field: "exists", Op: OpExists}, {Field: "x", Op: OpEq, Values: []Value{str("and")}}}},
			text: `"exists" exists AND x = "and"`,
		},
		{
			in:   "w = 1e999",
			want: Expr{Clauses: []Clause{{Field: "w", Op: OpEq, Values: []Value{str("1e999")}}}},
		},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := Parse(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("Parse(%q)\n got %#v\nwant %#v", c.in, got, c.want)
			}
			if err := got.Validate(); err != nil {
				t.Fatalf("parsed expression does not validate: %v", err)
			}
			text := c.text
			if text == "" {
				text = strings.TrimSpace(c.in)
			}
			if s := got.String(); s != text {
				t.Fatalf("String() = %q, want %q", s, text)
			}
			again, err := Parse(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("round trip of %q: %#v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"year >=", `filter: at 7: expected value after ">="`},
		{"year >= AND x = 1", `filter: at 8: expected value after ">=", found keyword AND (quote it to mean the text)`},
		{"year", `filter: at 4: expected operator (=, !=, <, <=, >, >=, in, not in, exists) after field year, found end of filter`},
		{"year 2020", `filter: at 5: expected operator (=, !=, <, <=, >, >=, in, not in, exists) after field year, found "2020"`},
		{"= 3", `filter: at 0: expected field name, found "="`},
		{"a = 1 b = 2", `filter: at 6: expected AND, OR or end of filter, found "b"`},
		{"a in 1", `filter: at 5: expected "(" after "in", found "1"`},
		{"a not in x", `filter: at 9: expected "(" after "not in", found "x"`},
		{"a in ()", `filter: at 6: expected value in list`},
		{"a in (1 2)", `filter: at 8: expected "," or ")" in list, found "2"`},
		{"a in (1,", `filter: at 8: expected value in list`},
		{"a not (1)", `filter: at 6: expected "in" after "not", found "("`},
		{`a = "abc`, `filter: at 4: unterminated string`},
		{`a = "abc\`, `filter: at 4: unterminated string`},
		{`a = "a\nb"`, `filter: at 6: unknown escape "\n" in string (only \" and \\ are allowed)`},
		{"a > abc", `filter: at 4: expected number after ">"`},
		{"a <= true", `filter: at 5: expected number after "<="`},
		{"a = 1 & b = 2", `filter: at 6: unexpected "&" (did you mean "&&"?)`},
		{"a = 1 | b = 2", `filter: at 6: unexpected "|" (did you mean "||"?)`},
		{"a ! b", `filter: at 2: unexpected "!" (did you mean "!="?)`},
		{"a = 'x'", `filter: at 4: single-quoted strings are not supported; use double quotes`},
		{`a = x\y`, `filter: at 5: unexpected "\" outside a double-quoted string`},
		{"a = 1 AND", `filter: at 9: expected field name, found end of filter`},
		{"a = 1 OR OR b = 2", `filter: at 9: expected field name, found keyword OR (quote it to mean the text)`},
		{"in = 1", `filter: at 0: expected field name, found keyword IN (quote it to mean the text)`},
		{`"" = 1`, `filter: at 0: empty field name`},
		{"a = (", `filter: at 4: expected value after "="`},
		{"(a = 1)", `filter: at 0: expected field name, found "("`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			_, err := Parse(c.in)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded", c.in)
			}
			if err.Error() != c.want {
				t.Fatalf("Parse(%q)\n got %s\nwant %s", c.in, err, c.want)
			}
			var se *SyntaxError
			if !errors.Is(err, ErrSyntax) || !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError wrapping ErrSyntax", err)
			}
		})
	}
}

func TestStringOfBuiltExpr(t *testing.T) {
	eq := func(f string, v Value) Clause { return Clause{Field: f, Op: OpEq, Values: []Value{v}} }
	cases := []struct {
		name string
		e    Expr
		want string
	}{
		{
			// a AND (b OR (c AND (d OR e))) expands to three alternatives.
			name: "nested alternatives",
			e: Expr{Clauses: []Clause{eq("a", NumberValue(1))}, Any: []Expr{
				{Clauses: []Clause{eq("b", NumberValue(2))}},
				{Clauses: []Clause{eq("c", NumberValue(3))}, Any: []Expr{
					{Clauses: []Clause{eq("d", NumberValue(4))}},
					{Clauses: []Clause{eq("e", NumberValue(5))}},
				}},
			}},
			want: "a = 1 AND b = 2 OR a = 1 AND c = 3 AND d = 4 OR a = 1 AND c = 3 AND e = 5",
		},
		{
			name: "an empty alternative matches everything",
			e:    Expr{Any: []Expr{{Clauses: []Clause{eq("a", NumberValue(1))}}, {}}},
			want: "",
		},
		{
			name: "strings that need quotes",
			e: Expr{Clauses: []Clause{
				eq("k", StringValue("12")), eq("k", StringValue("")), eq("k", StringValue("TRUE")),
				eq("k", StringValue("a b")), eq("k", StringValue("x=y")), eq("k", StringValue("\xff")),
				eq("k", NumberValue(1e21)), eq("k", Value{Str: "bogus", Num: 0.25, Kind: KindNumber}),
			}},
			want: `k = "12" AND k = "" AND k = "TRUE" AND k = "a b" AND k = "x=y" AND k = "` + "\xff" + `" AND k = 1e+21 AND k = 0.25`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.e.String()
			if got != c.want {
				t.Fatalf("String() = %q, want %q", got, c.want)
			}
			// The text parses back to an expression that prints the same.
			back, err := Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if back.String() != got {
				t.Fatalf("re-printed as %q", back.String())
			}
		})
	}
}

func TestValidate(t *testing.T) {
	one := []Value{NumberValue(1)}
	cases := []struct {
		name string
		e    Expr
		want error
	}{
		{"ok", Expr{Clauses: []Clause{{Field: "a", Op: OpIn, Values: []Value{StringValue("x"), BoolValue(true)}}}}, nil},
		{"empty field", Expr{Clauses: []Clause{{Op: OpEq, Values: one}}}, ErrInvalid},
		{"unknown op", Expr{Clauses: []Clause{{Field: "a", Op: "~", Values: one}}}, ErrInvalid},
		{"two values for =", Expr{Clauses: []Clause{{Field: "a", Op: OpEq, Values: []Value{NumberValue(1), NumberValue(2)}}}}, ErrInvalid},
		{"empty in", Expr{Clauses: []Clause{{Field: "a", Op: OpIn}}}, ErrInvalid},
		{"exists with value", Expr{Clauses: []Clause{{Field: "a", Op: OpExists, Values: one}}}, ErrInvalid},
		{"zero value", Expr{Clauses: []Clause{{Field: "a", Op: OpEq, Values: []Value{{}}}}}, ErrInvalid},
		{"NaN", Expr{Clauses: []Clause{{Field: "a", Op: OpEq, Values: []Value{NumberValue(nan())}}}}, ErrInvalid},
		{"string range", Expr{Clauses: []Clause{{Field: "a", Op: OpLt, Values: []Value{StringValue("abc")}}}}, ErrType},
		{"nested invalid", Expr{Any: []Expr{{Clauses: []Clause{{Field: "a", Op: "~", Values: one}}}}}, ErrInvalid},
	}
	for _, c := range cases {
		err := c.e.Validate()
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Fatalf("%s: Validate() = %v, want %v", c.name, err, c.want)
		}
	}
	deep := Expr{}
	for range maxExprDepth + 2 {
		deep = Expr{Any: []Expr{deep}}
	}
	if err := deep.Validate(); !errors.Is(err, ErrInvalid) {
		t.Fatalf("deep nesting: %v", err)
	}
}

// FuzzParse: any input either fails with a positioned *SyntaxError, or parses to a valid
// expression whose String() parses back to the same expression.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"year>=2020 AND lang=en", `lang in (en, "de", 3)`, "tag not in (a,b)", "author exists",
		"a = 1 OR b = 2 && c = TRUE", `a == "x \"y\" \\z"`, "x > -1.5e3, y <= .5", "w = 1e999",
		`"" = 1`, "a = 'x'", "a in (1,", "\xff = \xfe", "a = +.5e-3", "ä=ö||ü!=ß",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) || se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("Parse(%q) gave an invalid expression: %v", s, err)
		}
		text := e.String()
		again, err := Parse(text)
		if err != nil {
			t.Fatalf("String() of Parse(%q) = %q does not parse: %v", s, text, err)
		}
		if !reflect.DeepEqual(again, e) {
			t.Fatalf("round trip of %q via %q:\n%#v\n%#v", s, text, e, again)
		}
		for _, c := range allClauses(e) {
			pos, ok := FieldPosition(s, c.Field)
			if !ok {
				t.Fatalf("FieldPosition(%q, %q) finds nothing", s, c.Field)
			}
			tok, err := (&lexer{src: s, pos: pos}).next()
			if err != nil || tok.pos != pos || tok.text != c.Field {
				t.Fatalf("FieldPosition(%q, %q) = %d, where %+v (%v) is written", s, c.Field, pos, tok, err)
			}
		}
	})
}

// allClauses lists the clauses of e and of its alternatives.
func allClauses(e Expr) []Clause {
	out := append([]Clause(nil), e.Clauses...)
	for _, a := range e.Any {
		out = append(out, allClauses(a)...)
	}
	return out
}
