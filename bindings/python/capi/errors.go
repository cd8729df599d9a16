package capi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/vajrahttp"
)

// Codes this package gives besides those vajra.ErrorCode finds.
const (
	codeBadJSON      = vajra.CodeBadJSON
	codeInvalidField = vajra.CodeInvalidField
	codeUnknownField = vajra.CodeUnknownField
	codeInvalidFilt  = vajra.CodeInvalidFilter
	codeDimension    = vajra.CodeDimensionMismatch
	codeNoCollection = vajra.CodeCollectionNotFound
	codeEmbedder     = vajra.CodeEmbedderFailed
	codeClosed       = vajra.CodeClosed
	codeInternal     = vajra.CodeInternal
)

// codedError is an error whose code this package decided.
type codedError struct {
	code string
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

func failf(code, format string, args ...any) error {
	return &codedError{code: code, err: fmt.Errorf(format, args...)}
}

// withCode gives err the code code, keeping its message and chain.
func withCode(code string, err error) error { return &codedError{code: code, err: err} }

// codeOf names the kind of err.
func codeOf(err error) string {
	var ce *codedError
	if errors.As(err, &ce) {
		return ce.code
	}
	var he *vajrahttp.Error
	if errors.As(err, &he) {
		return he.Code
	}
	return vajra.ErrorCode(err)
}

// decodeJSON decodes one JSON value from data into v, refusing unknown fields and trailing
// data. what names the value in messages.
func decodeJSON(data []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = what
			}
			return failf(codeInvalidField, "%s: field %q: want %s, got JSON %s", what, field, te.Type, te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return failf(codeUnknownField, "%s: %s", what, strings.TrimPrefix(err.Error(), "json: "))
		case errors.Is(err, io.EOF):
			return failf(codeBadJSON, "%s: empty input", what)
		}
		return failf(codeBadJSON, "%s: %v", what, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return failf(codeBadJSON, "%s: data after the JSON value", what)
	}
	return nil
}
