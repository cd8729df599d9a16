package filter

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SyntaxError is a Parse failure. Its message has the form
//
//	filter: at 7: expected value after ">="
//
// where 7 is the 0-based byte offset of the offending token (the input length at its end).
type SyntaxError struct {
	Pos int
	Msg string
}

// Error formats the error as "filter: at <Pos>: <Msg>".
func (e *SyntaxError) Error() string { return fmt.Sprintf("filter: at %d: %s", e.Pos, e.Msg) }

// Is makes every SyntaxError match ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokWord
	tokString
	tokOp // = == != < <= > >=
	tokLParen
	tokRParen
	tokComma
	tokAnd // &&
	tokOr  // ||
)

type token struct {
	kind tokenKind
	pos  int
	text string // word, unescaped string, or operator spelling
}

// describe names a token for "found ..." in error messages.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of filter"
	case tokString:
		return strconv.Quote(t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// lexer splits filter text into tokens on demand.
type lexer struct {
	src string
	pos int
}

func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		l.pos += size
	}
	start := l.pos
	if start == len(l.src) {
		return token{kind: tokEOF, pos: start}, nil
	}
	c := l.src[start]
	two := ""
	if start+1 < len(l.src) {
		two = l.src[start : start+2]
	}
	switch {
	case c == '(':
		l.pos++
		return token{kind: tokLParen, pos: start, text: "("}, nil
	case c == ')':
		l.pos++
		return token{kind: tokRParen, pos: start, text: ")"}, nil
	case c == ',':
		l.pos++
		return token{kind: tokComma, pos: start, text: ","}, nil
	case two == "&&":
		l.pos += 2
		return token{kind: tokAnd, pos: start, text: "&&"}, nil
	case two == "||":
		l.pos += 2
		return token{kind: tokOr, pos: start, text: "||"}, nil
	case two == "==" || two == "!=" || two == "<=" || two == ">=":
		l.pos += 2
		return token{kind: tokOp, pos: start, text: two}, nil
	case c == '=' || c == '<' || c == '>':
		l.pos++
		return token{kind: tokOp, pos: start, text: string(c)}, nil
	case c == '"':
		return l.quoted()
	case c == '&' || c == '|':
		return token{}, &SyntaxError{start, fmt.Sprintf("unexpected %q (did you mean %q?)", string(c), string(c)+string(c))}
	case c == '!':
		return token{}, &SyntaxError{start, `unexpected "!" (did you mean "!="?)`}
	case c == '\'':
		return token{}, &SyntaxError{start, "single-quoted strings are not supported; use double quotes"}
	case c == '\\':
		return token{}, &SyntaxError{start, `unexpected "\" outside a double-quoted string`}
	}
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !isWordRune(r) {
			break
		}
		l.pos += size
	}
	return token{kind: tokWord, pos: start, text: l.src[start:l.pos]}, nil
}

// quoted reads a double-quoted string starting at l.pos.
func (l *lexer) quoted() (token, error) {
	start := l.pos
	var b strings.Builder
	for i := start + 1; i < len(l.src); i++ {
		switch c := l.src[i]; c {
		case '"':
			l.pos = i + 1
			return token{kind: tokString, pos: start, text: b.String()}, nil
		case '\\':
			if i+1 < len(l.src) && (l.src[i+1] == '"' || l.src[i+1] == '\\') {
				i++
				b.WriteByte(l.src[i])
				continue
			}
			if i+1 == len(l.src) {
				return token{}, &SyntaxError{start, "unterminated string"}
			}
			r, _ := utf8.DecodeRuneInString(l.src[i+1:])
			return token{}, &SyntaxError{i, fmt.Sprintf(`unknown escape "\%c" in string (only \" and \\ are allowed)`, r)}
		default:
			b.WriteByte(c)
		}
	}
	return token{}, &SyntaxError{start, "unterminated string"}
}

// parser is a recursive-descent parser with one token of lookahead.
type parser struct {
	lex lexer
	tok token
	// fields, when not nil, collects where each clause's field name was written.
	fields *[]fieldAt
}

// fieldAt is a clause's field name and the byte offset of its token.
type fieldAt struct {
	field string
	pos   int
}

func (p *parser) advance() error {
	t, err := p.lex.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) fail(format string, args ...any) error {
	return &SyntaxError{p.tok.pos, fmt.Sprintf(format, args...)}
}

// isKeyword reports whether the current token is the unquoted keyword kw.
func (p *parser) isKeyword(kw string) bool {
	return p.tok.kind == tokWord && strings.EqualFold(p.tok.text, kw)
}

// Parse reads a filter in the syntax described in the package documentation. Errors are
// *SyntaxError values wrapping ErrSyntax. Blank input gives the zero Expr, which matches every
// document.
func Parse(s string) (Expr, error) {
	return parse(s, nil)
}

// parse is Parse, appending the clauses' field positions to fields when it is not nil.
func parse(s string, fields *[]fieldAt) (Expr, error) {
	p := &parser{lex: lexer{src: s}, fields: fields}
	if err := p.advance(); err != nil {
		return Expr{}, err
	}
	if p.tok.kind == tokEOF {
		return Expr{}, nil
	}
	var alts []Expr
	for {
		conj, err := p.conjunction()
		if err != nil {
			return Expr{}, err
		}
		alts = append(alts, Expr{Clauses: conj})
		if p.tok.kind == tokEOF {
			break
		}
		if p.tok.kind != tokOr && !p.isKeyword("or") {
			return Expr{}, p.fail("expected AND, OR or end of filter, found %s", p.tok.describe())
		}
		if err := p.advance(); err != nil {
			return Expr{}, err
		}
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return Expr{Any: alts}, nil
}

func (p *parser) conjunction() ([]Clause, error) {
	var clauses []Clause
	for {
		c, err := p.clause()
		if err != nil {
			return nil, err
		}
		clauses = append(clauses, c)
		if p.tok.kind != tokAnd && p.tok.kind != tokComma && !p.isKeyword("and") {
			return clauses, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
}

func (p *parser) clause() (Clause, error) {
	if p.tok.kind != tokWord && p.tok.kind != tokString {
		return Clause{}, p.fail("expected field name, found %s", p.tok.describe())
	}
	if p.tok.kind == tokWord && isKeyword(p.tok.text) {
		return Clause{}, p.fail("expected field name, found keyword %s (quote it to mean the text)", strings.ToUpper(p.tok.text))
	}
	if p.tok.text == "" {
		return Clause{}, p.fail("empty field name")
	}
	c := Clause{Field: p.tok.text}
	if p.fields != nil {
		*p.fields = append(*p.fields, fieldAt{c.Field, p.tok.pos})
	}
	if err := p.advance(); err != nil {
		return Clause{}, err
	}
	opTok := p.tok
	switch {
	case p.tok.kind == tokOp:
		c.Op = Op(p.tok.text)
		if c.Op == "==" {
			c.Op = OpEq
		}
		if err := p.advance(); err != nil {
			return Clause{}, err
		}
		v, err := p.value(fmt.Sprintf("after %q", opTok.text))
		if err != nil {
			return Clause{}, err
		}
		if _, ok := v.number(); c.Op.isRange() && !ok {
			return Clause{}, &SyntaxError{p.tok.pos, fmt.Sprintf("expected number after %q", opTok.text)}
		}
		c.Values = []Value{v}
		if err := p.advance(); err != nil {
			return Clause{}, err
		}
		return c, nil
	case p.isKeyword("exists"):
		c.Op = OpExists
		return c, p.advance()
	case p.isKeyword("in"):
		c.Op = OpIn
	case p.isKeyword("not"):
		if err := p.advance(); err != nil {
			return Clause{}, err
		}
		if !p.isKeyword("in") {
			return Clause{}, p.fail(`expected "in" after "not", found %s`, p.tok.describe())
		}
		c.Op = OpNotIn
	default:
		return Clause{}, p.fail("expected operator (=, !=, <, <=, >, >=, in, not in, exists) after field %s, found %s",
			quoteIfNeeded(c.Field), p.tok.describe())
	}
	// value list of in / not in
	if err := p.advance(); err != nil {
		return Clause{}, err
	}
	if p.tok.kind != tokLParen {
		return Clause{}, p.fail(`expected "(" after %q, found %s`, string(c.Op), p.tok.describe())
	}
	for {
		if err := p.advance(); err != nil {
			return Clause{}, err
		}
		v, err := p.value("in list")
		if err != nil {
			return Clause{}, err
		}
		c.Values = append(c.Values, v)
		if err := p.advance(); err != nil {
			return Clause{}, err
		}
		if p.tok.kind == tokRParen {
			return c, p.advance()
		}
		if p.tok.kind != tokComma {
			return Clause{}, p.fail(`expected "," or ")" in list, found %s`, p.tok.describe())
		}
	}
}

// value converts the current token into a Value, without advancing. where completes the
// message "expected value ...".
func (p *parser) value(where string) (Value, error) {
	t := p.tok
	switch t.kind {
	case tokString:
		return StringValue(t.text), nil
	case tokWord:
		if f, ok := parseNumber(t.text); ok {
			return Value{Str: t.text, Num: f, Kind: KindNumber}, nil
		}
		switch {
		case strings.EqualFold(t.text, "true"):
			return BoolValue(true), nil
		case strings.EqualFold(t.text, "false"):
			return BoolValue(false), nil
		case isKeyword(t.text):
			return Value{}, p.fail("expected value %s, found keyword %s (quote it to mean the text)", where, strings.ToUpper(t.text))
		}
		return StringValue(t.text), nil
	}
	return Value{}, p.fail("expected value %s", where)
}
