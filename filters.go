package vajra

import (
	"errors"

	"github.com/vajrasearch/vajra/internal/filter"
)

// ParseFilterJSON compiles a filter written as a JSON tree, for programs that build filters:
//
//	{"and": [{"field": "year", "op": ">=", "value": 2020},
//	         {"or": [{"field": "lang", "op": "=", "value": "en"}, {"not": {"field": "draft", "op": "=", "value": true}}]}]}
//
// A node is {"and": [...]}, {"or": [...]}, {"not": {...}} or a clause with the text syntax's
// field, operator (=, !=, <, <=, >, >=, in, not in, exists) and value (an array for in and not
// in, none for exists). It compiles to the same Filter as the text syntax: NOT is pushed down
// to the clauses, turning = into != and in into not in; the negation of a range or of exists
// is refused, since no operator matches documents without the field. Errors wrap
// ErrInvalidFilter and name the node at fault (FilterErrorPath).
func ParseFilterJSON(data []byte) (Filter, error) {
	e, err := filter.ParseJSON(data)
	if err != nil {
		return Filter{}, invalidFilter{err}
	}
	return e, nil
}

// FilterFromJSONValue is ParseFilterJSON for a tree already decoded by encoding/json into an
// any (numbers as float64 or json.Number).
func FilterFromJSONValue(v any) (Filter, error) {
	e, err := filter.FromJSONValue(v)
	if err != nil {
		return Filter{}, invalidFilter{err}
	}
	return e, nil
}

// FilterErrorPosition returns the 0-based byte offset in the filter text at which a filter
// error was found, if err carries one: the offending token of a syntax error, or the field
// name of the first clause on the field of a FilterErrorField error (known when the query
// gave the filter as text, Query.Filter, or the error was located with FilterFieldPosition).
func FilterErrorPosition(err error) (int, bool) {
	var se *filter.SyntaxError
	if errors.As(err, &se) {
		return se.Pos, true
	}
	var fe *filter.FieldError
	if errors.As(err, &fe) && fe.Pos >= 0 {
		return fe.Pos, true
	}
	return 0, false
}

// FilterErrorPath returns the node of a JSON filter tree at which ParseFilterJSON failed, as
// a path from the root like "and[1].op" ("" for the root), if err carries one; for a
// FilterErrorField error located with FilterFieldPath, the path of the clause's "field".
func FilterErrorPath(err error) (string, bool) {
	var je *filter.JSONError
	if errors.As(err, &je) {
		return je.Path, true
	}
	var fe *filter.FieldError
	if errors.As(err, &fe) && fe.Path != "" {
		return fe.Path, true
	}
	return "", false
}

// FilterErrorField returns the metadata field a filter that parsed could not apply to, if
// err is such an error: a field no document has, or a range over a field without numbers.
// A Filter does not remember where its clauses were written; FilterFieldPosition and
// FilterFieldPath find the field in the filter's source.
func FilterErrorField(err error) (string, bool) {
	var fe *filter.FieldError
	if errors.As(err, &fe) {
		return fe.Field, true
	}
	return "", false
}

// FilterFieldPosition returns the 0-based byte offset in the filter text of the field name of
// the first clause on field, if text parses and has one.
func FilterFieldPosition(text, field string) (int, bool) {
	return filter.FieldPosition(text, field)
}

// FilterFieldPath returns the path of the "field" member of the first clause on field in a
// JSON filter tree (as FilterFromJSONValue takes it), like "and[1].field", if it has one.
func FilterFieldPath(tree any, field string) (string, bool) {
	return filter.FieldPath(tree, field)
}

// invalidFilter marks a filter package error as ErrInvalidFilter, keeping its message (which
// already says "filter: at ...").
type invalidFilter struct{ err error }

func (e invalidFilter) Error() string { return e.err.Error() }
func (e invalidFilter) Unwrap() error { return e.err }
func (e invalidFilter) Is(target error) bool {
	return target == ErrInvalidFilter || target == ErrInvalidQuery
}
