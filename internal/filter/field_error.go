package filter

import "fmt"

// FieldError is an Eval failure about one field of the filter: a field no document has
// (it matches ErrUnknownField) or a range over a field without numbers (ErrType). An Expr
// does not remember where its clauses were written, so the error says where only once
// located in the filter's source (Located, LocatedJSON).
type FieldError struct {
	Field string
	// Pos is the byte offset of the first clause on Field in the filter text, or -1.
	Pos int
	// Path is the path of the first clause on Field in a JSON filter tree, like
	// "and[1].field", or "".
	Path string
	msg  string
	kind error
}

func newFieldError(field string, kind error, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Pos: -1, msg: fmt.Sprintf(format, args...), kind: kind}
}

// Error formats the error as Eval always has: "filter: unknown field x (fields: ...): ...".
func (e *FieldError) Error() string { return fmt.Sprintf("%s: %v", e.msg, e.kind) }

// Unwrap returns ErrUnknownField or ErrType.
func (e *FieldError) Unwrap() error { return e.kind }

// Located returns a copy of e placed at the first clause on e.Field in src, the filter text
// the failed Expr was parsed from; e itself when src has no such clause.
func (e *FieldError) Located(src string) *FieldError {
	pos, ok := FieldPosition(src, e.Field)
	if !ok {
		return e
	}
	c := *e
	c.Pos = pos
	return &c
}

// LocatedJSON is Located for a filter written as a JSON tree, decoded into an any.
func (e *FieldError) LocatedJSON(tree any) *FieldError {
	path, ok := FieldPath(tree, e.Field)
	if !ok {
		return e
	}
	c := *e
	c.Path = path
	return &c
}

// FieldPosition returns the byte offset in src of the field name of the first clause on
// field (its opening quote, when quoted), if src parses and has such a clause.
func FieldPosition(src, field string) (int, bool) {
	var at []fieldAt
	if _, err := parse(src, &at); err != nil {
		return 0, false
	}
	for _, f := range at {
		if f.field == field {
			return f.pos, true
		}
	}
	return 0, false
}

// FieldPath returns the path of the "field" member of the first clause on field in a JSON
// filter tree (in document order, as ParseJSON reads it), like "and[1].or[0].field".
func FieldPath(tree any, field string) (string, bool) {
	return fieldPath(tree, "", field, 0)
}

func fieldPath(v any, path, field string, depth int) (string, bool) {
	obj, ok := v.(map[string]any)
	if !ok || depth > maxExprDepth {
		return "", false
	}
	if sub, ok := obj["not"]; ok {
		return fieldPath(sub, child(path, "not"), field, depth+1)
	}
	for _, k := range []string{"and", "or"} {
		list, ok := obj[k].([]any)
		if !ok {
			continue
		}
		for i, s := range list {
			if p, ok := fieldPath(s, fmt.Sprintf("%s[%d]", child(path, k), i), field, depth+1); ok {
				return p, true
			}
		}
		return "", false
	}
	if f, ok := obj["field"].(string); ok && f == field {
		return child(path, "field"), true
	}
	return "", false
}
