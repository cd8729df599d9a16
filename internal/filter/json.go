package filter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// The JSON form of a filter is a tree, for programs that build filters rather than type them:
//
//	{"and": [{"field": "year", "op": ">=", "value": 2020},
//	         {"or": [{"field": "lang", "op": "=", "value": "en"}, {"not": {"field": "draft", "op": "=", "value": true}}]}]}
//
// A node is exactly one of {"and": [nodes]}, {"or": [nodes]}, {"not": node} or a clause
// {"field": name, "op": op, "value": v}: op is one of the text syntax's operators (=, ==, !=,
// <, <=, >, >=, in, not in, exists); value is a string, number or boolean, a non-empty array of
// them for in and not in, and absent for exists. It compiles to the same Expr as the text
// syntax: a clause means what it means there. NOT is pushed down to the clauses (De Morgan),
// where it turns = into != and in into not in and back; the negation of a range or of exists
// is refused, since no operator matches the documents without the field.

// JSONError is a ParseJSON failure at a node of the tree. Path locates the node from the
// root, like `and[1].or[0].op` ("" for the root itself).
type JSONError struct {
	Path string
	Msg  string
}

// Error formats the error as "filter: at <Path>: <Msg>".
func (e *JSONError) Error() string {
	if e.Path == "" {
		return "filter: " + e.Msg
	}
	return fmt.Sprintf("filter: at %s: %s", e.Path, e.Msg)
}

// Is makes every JSONError match ErrSyntax.
func (e *JSONError) Is(target error) bool { return target == ErrSyntax }

// maxJSONCost bounds the work of evaluating a compiled tree: the expression form has one OR
// group per conjunction, so AND over several ORs is distributed, and the cost of evaluating
// shared parts multiplies. Trees beyond it are refused rather than evaluated slowly.
const maxJSONCost = 4096

// ParseJSON compiles the JSON form of a filter (described above) to an Expr. Errors are
// *JSONError values wrapping ErrSyntax, naming the node at fault.
func ParseJSON(data []byte) (Expr, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return Expr{}, &JSONError{Msg: "not JSON: " + err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return Expr{}, &JSONError{Msg: "unexpected data after the filter"}
	}
	return FromJSONValue(v)
}

// FromJSONValue compiles a decoded JSON tree (as encoding/json decodes into an any, numbers
// as float64 or json.Number) to an Expr; see ParseJSON.
func FromJSONValue(v any) (Expr, error) {
	n, err := jsonNode(v, "", 0, false)
	if err != nil {
		return Expr{}, err
	}
	if c := n.cost(maxJSONCost + 1); c > maxJSONCost {
		return Expr{}, &JSONError{Msg: fmt.Sprintf("too complex: evaluating it would take %d+ clause steps (at most %d); write it as an OR of ANDs", c, maxJSONCost)}
	}
	if err := n.Validate(); err != nil {
		return Expr{}, &JSONError{Msg: err.Error()}
	}
	return n, nil
}

func child(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonNode compiles node v at path; negate says an odd number of NOTs is above it.
func jsonNode(v any, path string, depth int, negate bool) (Expr, error) {
	if depth > maxExprDepth {
		return Expr{}, &JSONError{path, fmt.Sprintf("nested deeper than %d", maxExprDepth)}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return Expr{}, &JSONError{path, "expected an object ({\"and\"|\"or\": [...]}, {\"not\": {...}} or {\"field\", \"op\", \"value\"}), found " + jsonKind(v)}
	}
	for _, k := range []string{"and", "or", "not"} {
		sub, ok := obj[k]
		if !ok {
			continue
		}
		if len(obj) != 1 {
			return Expr{}, &JSONError{path, fmt.Sprintf("%q must be the only key of its object", k)}
		}
		p := child(path, k)
		if k == "not" {
			return jsonNode(sub, p, depth+1, !negate)
		}
		list, ok := sub.([]any)
		if !ok || len(list) == 0 {
			return Expr{}, &JSONError{p, "expected a non-empty array of filters, found " + jsonKind(sub)}
		}
		parts := make([]Expr, len(list))
		for i, s := range list {
			e, err := jsonNode(s, fmt.Sprintf("%s[%d]", p, i), depth+1, negate)
			if err != nil {
				return Expr{}, err
			}
			parts[i] = e
		}
		if (k == "and") != negate { // NOT over OR is an AND of NOTs
			return conjoin(parts), nil
		}
		if len(parts) == 1 {
			return parts[0], nil
		}
		return Expr{Any: parts}, nil
	}
	c, err := jsonClause(obj, path)
	if err != nil {
		return Expr{}, err
	}
	if negate {
		neg, ok := negatedOp[c.Op]
		if !ok {
			return Expr{}, &JSONError{child(path, "op"), fmt.Sprintf("NOT of %q cannot be expressed: no operator matches the documents without field %s", c.Op, quoteIfNeeded(c.Field))}
		}
		c.Op = neg
	}
	return Expr{Clauses: []Clause{c}}, nil
}

var negatedOp = map[Op]Op{OpEq: OpNe, OpNe: OpEq, OpIn: OpNotIn, OpNotIn: OpIn}

// conjoin returns the AND of parts. An Expr holds one OR group, so a second group is
// distributed over the first: (a OR b) AND rest = (a AND rest) OR (b AND rest), with rest
// shared, not copied.
func conjoin(parts []Expr) Expr {
	var out Expr
	var groups [][]Expr
	for _, p := range parts {
		out.Clauses = append(out.Clauses, p.Clauses...)
		if len(p.Any) > 0 {
			groups = append(groups, p.Any)
		}
	}
	switch len(groups) {
	case 0:
	case 1:
		out.Any = groups[0]
	default:
		rest := Expr{Any: groups[len(groups)-1]}
		for i := len(groups) - 2; i >= 0; i-- {
			alts := make([]Expr, len(groups[i]))
			for j, a := range groups[i] {
				alts[j] = conjoin([]Expr{a, rest})
			}
			rest = Expr{Any: alts}
		}
		out.Any = rest.Any
	}
	return out
}

// cost counts the clause evaluations of e, stopping once it reaches limit.
func (e Expr) cost(limit int) int {
	n := len(e.Clauses) + 1
	for _, a := range e.Any {
		if n >= limit {
			return n
		}
		n += a.cost(limit - n)
	}
	return n
}

func jsonClause(obj map[string]any, path string) (Clause, error) {
	for k := range obj {
		if k != "field" && k != "op" && k != "value" {
			return Clause{}, &JSONError{child(path, k), "unknown key (a clause has \"field\", \"op\" and \"value\")"}
		}
	}
	field, ok := obj["field"].(string)
	if !ok || field == "" {
		return Clause{}, &JSONError{child(path, "field"), "expected a non-empty string, found " + jsonKind(obj["field"])}
	}
	opText, ok := obj["op"].(string)
	if !ok {
		return Clause{}, &JSONError{child(path, "op"), "expected an operator string, found " + jsonKind(obj["op"])}
	}
	c := Clause{Field: field, Op: Op(opText)}
	switch c.Op {
	case "==":
		c.Op = OpEq
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpIn, OpNotIn, OpExists:
	default:
		return Clause{}, &JSONError{child(path, "op"), fmt.Sprintf("unknown operator %q (want =, !=, <, <=, >, >=, in, not in or exists)", opText)}
	}
	raw, has := obj["value"]
	vpath := child(path, "value")
	switch c.Op {
	case OpExists:
		if has {
			return Clause{}, &JSONError{vpath, "exists takes no value"}
		}
	case OpIn, OpNotIn:
		list, ok := raw.([]any)
		if !ok || len(list) == 0 {
			return Clause{}, &JSONError{vpath, fmt.Sprintf("%s needs a non-empty array, found %s", c.Op, jsonKind(raw))}
		}
		for i, x := range list {
			v, err := jsonValue(x, fmt.Sprintf("%s[%d]", vpath, i))
			if err != nil {
				return Clause{}, err
			}
			c.Values = append(c.Values, v)
		}
	default:
		if !has {
			return Clause{}, &JSONError{vpath, "missing"}
		}
		v, err := jsonValue(raw, vpath)
		if err != nil {
			return Clause{}, err
		}
		if _, ok := v.number(); c.Op.isRange() && !ok {
			return Clause{}, &JSONError{vpath, fmt.Sprintf("%s needs a number, found %s", c.Op, jsonKind(raw))}
		}
		c.Values = []Value{v}
	}
	return c, nil
}

func jsonValue(x any, path string) (Value, error) {
	switch x := x.(type) {
	case string:
		return StringValue(x), nil
	case bool:
		return BoolValue(x), nil
	case json.Number:
		f, ok := parseNumber(string(x))
		if !ok {
			return Value{}, &JSONError{path, fmt.Sprintf("number %s is out of range", x)}
		}
		return Value{Str: string(x), Num: f, Kind: KindNumber}, nil
	case float64:
		return Value{Str: strconv.FormatFloat(x, 'g', -1, 64), Num: x, Kind: KindNumber}, nil
	}
	return Value{}, &JSONError{path, "expected a string, number or boolean, found " + jsonKind(x)}
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}
