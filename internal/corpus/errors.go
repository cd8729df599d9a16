package corpus

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, testable with errors.Is; the errors returned wrap them with the file,
// line and field concerned (see LineError).
var (
	// ErrSyntax: the line is not valid JSON, or a qrels line is not a valid row.
	ErrSyntax = errors.New("malformed")
	// ErrMissingField: a required field (the id, a query's text) is absent or null.
	ErrMissingField = errors.New("missing")
	// ErrEmptyField: a required field is an empty string.
	ErrEmptyField = errors.New("empty")
	// ErrFieldType: a field has the wrong JSON type.
	ErrFieldType = errors.New("wrong type")
	// ErrBadVector: a vector element is not a finite float32.
	ErrBadVector = errors.New("invalid vector")
	// ErrInvalidUTF8: the text is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrTooLong: a line (or a text file) exceeds ReadOptions.MaxLineBytes.
	ErrTooLong = errors.New("too long")
	// ErrRead: reading or decompressing the input failed part-way (a truncated gzip file,
	// for instance); the underlying error is wrapped too.
	ErrRead = errors.New("read failed")
	// ErrDuplicateID: an id occurs twice where that is not allowed (queries, qrels pairs).
	ErrDuplicateID = errors.New("duplicate id")
	// ErrNoDocuments: a directory holds neither a BEIR corpus nor any text files.
	ErrNoDocuments = errors.New("no documents found")
	// ErrInvalidOptions: ReadOptions.Validate rejected the options.
	ErrInvalidOptions = errors.New("invalid read options")
)

// LineError locates a problem in an input file. Line is 1-based; 0 means the whole file
// (a text file with invalid UTF-8, say). Field is the JSON field or qrels column concerned,
// or "".
type LineError struct {
	File  string
	Line  int
	Field string
	Err   error
}

// Error reads like `corpus.jsonl:12: field "_id": missing`.
func (e *LineError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *LineError) Unwrap() error { return e.Err }
