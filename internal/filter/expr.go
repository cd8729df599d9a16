// Package filter owns metadata filters: their text syntax (Parse, Expr.String), their Go form
// (Expr, Clause, Value) and the per-field inverted indexes that evaluate them into a set of
// allowed document ids without scanning documents (Index). It does not store metadata or
// decide how a search uses the allowed set.
//
//	e, err := filter.Parse(`year >= 2020 AND lang in (en, de)`)
//	allowed, err := ix.Eval(e, live)
//
// # Syntax
//
//	filter  = [ or ]                       blank input matches every document
//	or      = and { ("OR" | "||") and }
//	and     = clause { ("AND" | "&&" | ",") clause }
//	clause  = field op value
//	        | field "in" list | field "not" "in" list
//	        | field "exists"
//	op      = "=" | "==" | "!=" | "<" | "<=" | ">" | ">="
//	list    = "(" value { "," value } ")"
//	field   = word | string
//	value   = number | "true" | "false" | word | string
//
// AND binds tighter than OR; there are no grouping parentheses. Keywords (AND, OR, IN, NOT,
// EXISTS, TRUE, FALSE) are case-insensitive and are never field names or string values:
// quote them to mean the text. A
// word is a run of characters other than white space and = ! < > ( ) , " ' & | \; a word
// spelled as a decimal number ([+-]digits[.digits][e[+-]digits]) is a number. A string is
// double-quoted, with \" and \\ as its only escapes. Range operators need a number (or a
// string spelling one).
//
// # Matching
//
// A document's field may hold several values (an array); a positive clause matches when any
// value does, and "!=" and "not in" are the exact complements of "=" and "in", so they also
// match documents without the field. Numbers compare as float64. A filter value spelled as
// a number is compared numerically with numeric values and as its text with string values
// ("2020" matches both 2020 and "2020"); booleans match booleans only; string comparison is
// exact (case-sensitive). Ranges compare numbers only.
package filter

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors returned by this package, testable with errors.Is.
var (
	// ErrSyntax reports filter text that does not parse; the error is a *SyntaxError.
	ErrSyntax = errors.New("filter syntax error")
	// ErrInvalid reports an Expr built in Go that breaks the rules Parse enforces.
	ErrInvalid = errors.New("invalid filter")
	// ErrUnknownField reports a clause on a field no indexed document has.
	ErrUnknownField = errors.New("unknown filter field")
	// ErrType reports a range on a field without numeric values, or with a non-numeric bound.
	ErrType = errors.New("filter type mismatch")
)

// Op is a clause operator.
type Op string

// Clause operators.
const (
	OpEq     Op = "="
	OpNe     Op = "!="
	OpIn     Op = "in"
	OpNotIn  Op = "not in"
	OpLt     Op = "<"
	OpLe     Op = "<="
	OpGt     Op = ">"
	OpGe     Op = ">="
	OpExists Op = "exists"
)

func (op Op) isRange() bool { return op == OpLt || op == OpLe || op == OpGt || op == OpGe }

// Kind is the type of a Value. The zero Kind is invalid, so a zero Value is never mistaken for
// the empty string or 0.
type Kind uint8

// Value kinds.
const (
	KindString Kind = iota + 1
	KindNumber
	KindBool
)

// String names the kind, for messages.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindBool:
		return "bool"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Value is a literal in a clause.
type Value struct {
	// Str is the text of a string. For a number it is the spelling it was written with (kept
	// so that 1.50 matches the string "1.50" exactly); empty means the shortest spelling.
	Str  string
	Num  float64
	Bool bool
	Kind Kind
}

// StringValue returns a string literal.
func StringValue(s string) Value { return Value{Str: s, Kind: KindString} }

// NumberValue returns a number literal.
func NumberValue(f float64) Value { return Value{Num: f, Kind: KindNumber} }

// BoolValue returns a boolean literal.
func BoolValue(b bool) Value { return Value{Bool: b, Kind: KindBool} }

// number returns the numeric meaning of v: a number, or a string spelling a decimal number.
func (v Value) number() (float64, bool) {
	switch v.Kind {
	case KindNumber:
		return v.Num, true
	case KindString:
		return parseNumber(v.Str)
	}
	return 0, false
}

// text returns what v is compared with among string values; ok is false for booleans.
func (v Value) text() (string, bool) {
	switch v.Kind {
	case KindString:
		return v.Str, true
	case KindNumber:
		return v.numberSpelling(), true
	}
	return "", false
}

func (v Value) numberSpelling() string {
	if f, ok := parseNumber(v.Str); ok && f == v.Num {
		return v.Str
	}
	return strconv.FormatFloat(v.Num, 'g', -1, 64)
}

// Clause is one condition on one field.
type Clause struct {
	Field string
	Op    Op
	// Values holds one value for comparisons, one or more for in / not in, none for exists.
	Values []Value
}

// Expr is a filter. It matches a document when every clause in Clauses matches and, if Any
// is non-empty, at least one expression in Any matches. Parse produces either a single
// conjunction (Clauses only) or a disjunction of conjunctions (Any only); the zero Expr
// matches everything.
type Expr struct {
	Clauses []Clause
	Any     []Expr
}

// maxExprDepth bounds the nesting of Any in Go-built expressions.
const maxExprDepth = 64

// Validate reports whether e is well formed: known operators, the right number of values of
// valid kinds, finite numbers, non-empty field names, numeric range bounds. Errors wrap
// ErrInvalid, or ErrType for a non-numeric range bound.
func (e Expr) Validate() error { return e.validate(0) }

func (e Expr) validate(depth int) error {
	if depth > maxExprDepth {
		return fmt.Errorf("filter: expression nested deeper than %d: %w", maxExprDepth, ErrInvalid)
	}
	for _, c := range e.Clauses {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	for _, a := range e.Any {
		if err := a.validate(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

// Validate reports whether the clause is well formed (see Expr.Validate).
func (c Clause) Validate() error {
	if c.Field == "" {
		return fmt.Errorf("filter: clause with empty field name: %w", ErrInvalid)
	}
	want := 1
	switch c.Op {
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
	case OpIn, OpNotIn:
		want = -1
		if len(c.Values) == 0 {
			return fmt.Errorf("filter: %q %s needs at least one value: %w", c.Field, c.Op, ErrInvalid)
		}
	case OpExists:
		want = 0
	default:
		return fmt.Errorf("filter: %q: unknown operator %q: %w", c.Field, c.Op, ErrInvalid)
	}
	if want >= 0 && len(c.Values) != want {
		return fmt.Errorf("filter: %q %s takes %d value(s), got %d: %w", c.Field, c.Op, want, len(c.Values), ErrInvalid)
	}
	for _, v := range c.Values {
		switch v.Kind {
		case KindString, KindBool:
		case KindNumber:
			if math.IsNaN(v.Num) || math.IsInf(v.Num, 0) {
				return fmt.Errorf("filter: %q %s: number %v is not finite: %w", c.Field, c.Op, v.Num, ErrInvalid)
			}
		default:
			return fmt.Errorf("filter: %q %s: value of invalid kind %v: %w", c.Field, c.Op, v.Kind, ErrInvalid)
		}
		if _, ok := v.number(); c.Op.isRange() && !ok {
			return fmt.Errorf("filter: %q %s needs a number, got %s %s: %w", c.Field, c.Op, v.Kind, v, ErrType)
		}
	}
	return nil
}

// String writes v as filter syntax: numbers and booleans bare, strings bare when they read
// back as the same string, otherwise double-quoted.
func (v Value) String() string {
	switch v.Kind {
	case KindNumber:
		return v.numberSpelling()
	case KindBool:
		return strconv.FormatBool(v.Bool)
	}
	return quoteIfNeeded(v.Str)
}

// String writes the clause as filter syntax.
func (c Clause) String() string {
	var b strings.Builder
	c.write(&b)
	return b.String()
}

func (c Clause) write(b *strings.Builder) {
	b.WriteString(quoteIfNeeded(c.Field))
	switch c.Op {
	case OpExists:
		b.WriteString(" exists")
	case OpIn, OpNotIn:
		b.WriteString(" " + string(c.Op) + " (")
		for i, v := range c.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.String())
		}
		b.WriteString(")")
	default:
		b.WriteString(" " + string(c.Op) + " ")
		if len(c.Values) > 0 {
			b.WriteString(c.Values[0].String())
		}
	}
}

// String writes e as filter syntax that Parse reads back to an equivalent expression (equal
// to e when e came from Parse). Since the syntax has no parentheses, a Go-built expression
// with nested alternatives is written in its expanded form (a AND (b OR c) as
// a AND b OR a AND c): one alternative per innermost Any entry, so it grows with the size of
// e, never exponentially.
// An expression that matches everything is written as the empty string.
func (e Expr) String() string {
	terms := e.disjuncts(nil, nil, 0)
	var b strings.Builder
	for i, t := range terms {
		if len(t) == 0 {
			return "" // one alternative matches everything
		}
		if i > 0 {
			b.WriteString(" OR ")
		}
		for j, c := range t {
			if j > 0 {
				b.WriteString(" AND ")
			}
			c.write(&b)
		}
	}
	return b.String()
}

// disjuncts appends to out the conjunctions whose OR is equivalent to prefix AND e.
func (e Expr) disjuncts(out [][]Clause, prefix []Clause, depth int) [][]Clause {
	all := append(prefix[:len(prefix):len(prefix)], e.Clauses...)
	if len(e.Any) == 0 || depth > maxExprDepth {
		return append(out, all)
	}
	for _, a := range e.Any {
		out = a.disjuncts(out, all, depth+1)
	}
	return out
}

// keywords are the words that cannot be bare values or unquoted strings.
var keywords = [...]string{"and", "or", "in", "not", "exists", "true", "false"}

func isKeyword(s string) bool {
	for _, k := range keywords {
		if strings.EqualFold(s, k) {
			return true
		}
	}
	return false
}

// isWordRune reports whether r may appear in a bare word.
func isWordRune(r rune) bool {
	if unicode.IsSpace(r) {
		return false
	}
	switch r {
	case '=', '!', '<', '>', '(', ')', ',', '"', '\'', '&', '|', '\\':
		return false
	}
	return true
}

// quoteIfNeeded returns s bare when it reads back as the string s, else quoted.
func quoteIfNeeded(s string) string {
	bare := s != "" && utf8.ValidString(s) && !isKeyword(s)
	if bare {
		if _, isNum := parseNumber(s); isNum {
			bare = false
		}
	}
	for _, r := range s {
		if !bare {
			break
		}
		bare = isWordRune(r)
	}
	if bare {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// parseNumber parses a decimal number literal: [+-] digits [. digits] [e [+-] digits], or
// with the integer part omitted (.5). It rejects what strconv.ParseFloat would also take
// (inf, nan, hex, underscores) so that such words stay strings, and out-of-range values.
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
