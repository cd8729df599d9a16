package vajra

import (
	"errors"
	"fmt"

	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/embed"
	"github.com/vajrasearch/vajra/internal/filter"
	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/vector"
)

// Error codes: stable, machine-readable names for what went wrong, the same whichever way a
// program reaches Vajra (the HTTP API's problem documents, the C binding's error codes, the
// Python exceptions). ErrorCode maps an error returned by this package to one of them; the
// others name failures that only a front door can see (bad JSON, authentication, ...).
const (
	CodeBadJSON            = "bad_json"             // the body is not the JSON (or NDJSON) expected
	CodeInvalidField       = "invalid_field"        // a field has a wrong type or value
	CodeUnknownField       = "unknown_field"        // a request names a field that does not exist
	CodeCollectionNotFound = "collection_not_found" // no collection by that name
	CodeCollectionExists   = "collection_exists"    // a collection by that name already exists
	CodeDocumentNotFound   = "document_not_found"   // no document with that id
	CodeInvalidFilter      = "invalid_filter"       // a filter that does not parse or cannot apply
	CodeDimensionMismatch  = "dimension_mismatch"   // a vector of the wrong length
	CodeModeUnavailable    = "mode_unavailable"     // vector or hybrid search without vectors
	CodeEmbedderFailed     = "embedder_failed"      // the embedder could not embed the text
	CodePayloadTooLarge    = "payload_too_large"    // a request or write over the size limit
	CodeUnauthorized       = "unauthorized"         // no credentials or wrong ones
	CodeForbidden          = "forbidden"            // credentials that do not allow this
	CodeReadOnly           = "read_only"            // a write to a read-only collection
	CodeMethodNotAllowed   = "method_not_allowed"   // an HTTP method the route does not take
	CodeClosed             = "closed"               // a collection used after Close
	CodeCorrupt            = "corrupt"              // damaged collection files
	CodeLocked             = "locked"               // a collection another process has open
	CodeBusy               = "busy"                 // an operation already running (a promotion)
	CodeInternal           = "internal"             // anything else: a bug or an I/O failure
)

// kindError is a sentinel that also matches a broader one with errors.Is, so that (say) a
// dimension mismatch in a query is both ErrDimensionMismatch and ErrInvalidQuery.
type kindError struct {
	msg     string
	parents []error
}

func (e *kindError) Error() string { return e.msg }

func (e *kindError) Is(target error) bool {
	for _, p := range e.parents {
		if p == target {
			return true
		}
	}
	return false
}

// More errors, testable with errors.Is.
var (
	// ErrDimensionMismatch reports a vector whose length is not the collection's dimension.
	// It also matches ErrInvalidQuery or ErrInvalidDocument, depending on where it came from.
	ErrDimensionMismatch error = &kindError{msg: "dimension mismatch"}
	// ErrInvalidFilter reports a filter that does not parse (the error carries the position,
	// see FilterErrorPosition) or cannot apply to the collection (unknown field, a range over
	// a field without numbers). It also matches ErrInvalidQuery.
	ErrInvalidFilter error = &kindError{msg: "vajra: invalid filter", parents: []error{ErrInvalidQuery}}
	// ErrEmbedder reports an embedder that failed to embed a query or documents (a service
	// that is down or answers garbage). Nothing was written.
	ErrEmbedder error = &kindError{msg: "vajra: embedder failed"}
	// ErrReadOnly reports a write (Upsert, Delete, Flush, Promote) to a collection opened
	// read-only (OpenOptions.ReadOnly) or made read-only with SetReadOnly.
	ErrReadOnly error = &kindError{msg: "vajra: collection is read-only"}
)

// ErrorCode returns the stable code (one of the Code constants) for an error returned by this
// package: which kind of input was wrong (CodeInvalidField for invalid documents, queries and
// options, CodeInvalidFilter, CodeDimensionMismatch, ...), what state refused the call
// (CodeClosed, CodeReadOnly, CodeLocked, ...), or CodeInternal when the fault is not the
// caller's. It answers CodeDocumentNotFound for ErrNotFound; a caller that was looking up a
// collection says CodeCollectionNotFound itself. Messages may change between versions; codes
// do not. It returns "" for nil.
func ErrorCode(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrClosed):
		return CodeClosed
	case errors.Is(err, ErrCorrupt):
		return CodeCorrupt
	case errors.Is(err, storage.ErrLocked):
		return CodeLocked
	case errors.Is(err, vector.ErrBusy):
		return CodeBusy
	case errors.Is(err, ErrReadOnly):
		return CodeReadOnly
	case errors.Is(err, ErrDimensionMismatch), errors.Is(err, vector.ErrDimMismatch),
		errors.Is(err, embed.ErrDimensionChanged):
		return CodeDimensionMismatch
	case errors.Is(err, ErrInvalidFilter), errors.Is(err, filter.ErrSyntax), errors.Is(err, filter.ErrInvalid),
		errors.Is(err, filter.ErrUnknownField), errors.Is(err, filter.ErrType):
		return CodeInvalidFilter
	case errors.Is(err, ErrNoVectors), errors.Is(err, embed.ErrNoTextEmbedding):
		return CodeModeUnavailable
	case errors.Is(err, ErrEmbedder), errors.Is(err, embed.ErrUnavailable), errors.Is(err, embed.ErrBadResponse):
		return CodeEmbedderFailed
	case errors.Is(err, storage.ErrRecordTooLarge), errors.Is(err, corpus.ErrTooLong):
		return CodePayloadTooLarge
	case errors.Is(err, ErrNotFound), errors.Is(err, vector.ErrNotFound):
		return CodeDocumentNotFound
	case errors.Is(err, ErrExists):
		return CodeCollectionExists
	case errors.Is(err, corpus.ErrSyntax):
		return CodeBadJSON
	case errors.Is(err, ErrInvalidDocument), errors.Is(err, ErrInvalidQuery), errors.Is(err, ErrOptions),
		errors.Is(err, vector.ErrNotFinite), errors.Is(err, vector.ErrZeroVector), errors.Is(err, vector.ErrBadOptions),
		errors.Is(err, embed.ErrBadVector), errors.Is(err, embed.ErrEmptyText), errors.Is(err, embed.ErrBadOptions),
		errors.Is(err, embed.ErrIncompatible),
		errors.Is(err, corpus.ErrMissingField), errors.Is(err, corpus.ErrEmptyField),
		errors.Is(err, corpus.ErrFieldType), errors.Is(err, corpus.ErrBadVector), errors.Is(err, corpus.ErrInvalidUTF8):
		return CodeInvalidField
	}
	return CodeInternal
}

// embedFailed wraps an embedder's error: a text that cannot be embedded (nothing to embed,
// text sent to a collection of precomputed vectors) is the caller's mistake (kind:
// ErrInvalidQuery or ErrInvalidDocument); anything else is the embedder's failure.
func embedFailed(kind error, what string, err error) error {
	if errors.Is(err, embed.ErrEmptyText) || errors.Is(err, embed.ErrNoTextEmbedding) || errors.Is(err, embed.ErrBadVector) {
		return fmt.Errorf("%w: %s: %w", kind, what, err)
	}
	if errors.Is(err, embed.ErrDimensionChanged) {
		return fmt.Errorf("%w: %w: %s: %w", kind, ErrDimensionMismatch, what, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrEmbedder, what, err)
}
