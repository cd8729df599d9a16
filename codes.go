package vajra

import (
	"errors"

	"github.com/vajrasearch/vajra/internal/embed"
	"github.com/vajrasearch/vajra/internal/filter"
	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/vector"
)

// ErrDimensionMismatch reports a vector whose length differs from the collection's or the
// index's dimension. It is wrapped together with ErrInvalidDocument or ErrInvalidQuery.
var ErrDimensionMismatch = errors.New("dimension mismatch")

// Error codes: stable names for kinds of failure, the same through every way into Vajra
// (the HTTP API's problem "code", the C library, the Python package's exception classes).
// Messages may change between versions; codes do not.
const (
	CodeBadJSON            = "bad_json"
	CodeInvalidField       = "invalid_field"
	CodeUnknownField       = "unknown_field"
	CodeInvalidFilter      = "invalid_filter"
	CodeDocumentNotFound   = "document_not_found"
	CodeCollectionNotFound = "collection_not_found"
	CodeCollectionExists   = "collection_exists"
	CodeDimensionMismatch  = "dimension_mismatch"
	CodeModeUnavailable    = "mode_unavailable"
	CodeEmbedderFailed     = "embedder_failed"
	CodeClosed             = "closed"
	CodeCorrupt            = "corrupt"
	CodeBusy               = "busy"
	CodeLocked             = "locked"
	CodeInternal           = "internal"
)

// ErrorCode returns the code of an error returned by this package: which kind of input was
// wrong, or that the fault is not the caller's (CodeInternal). It answers
// CodeDocumentNotFound for ErrNotFound; a caller that was looking up a collection rather
// than a document says CodeCollectionNotFound itself.
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
	case errors.Is(err, ErrExists):
		return CodeCollectionExists
	case errors.Is(err, ErrNotFound), errors.Is(err, vector.ErrNotFound):
		return CodeDocumentNotFound
	case errors.Is(err, ErrNoVectors), errors.Is(err, embed.ErrNoTextEmbedding):
		return CodeModeUnavailable
	case errors.Is(err, ErrDimensionMismatch), errors.Is(err, vector.ErrDimMismatch),
		errors.Is(err, embed.ErrDimensionChanged):
		return CodeDimensionMismatch
	case errors.Is(err, filter.ErrSyntax), errors.Is(err, filter.ErrInvalid),
		errors.Is(err, filter.ErrUnknownField), errors.Is(err, filter.ErrType):
		return CodeInvalidFilter
	case errors.Is(err, embed.ErrUnavailable), errors.Is(err, embed.ErrBadResponse):
		return CodeEmbedderFailed
	case errors.Is(err, ErrInvalidDocument), errors.Is(err, ErrInvalidQuery), errors.Is(err, ErrOptions),
		errors.Is(err, vector.ErrNotFinite), errors.Is(err, vector.ErrZeroVector),
		errors.Is(err, vector.ErrBadOptions), errors.Is(err, embed.ErrBadVector),
		errors.Is(err, embed.ErrEmptyText), errors.Is(err, embed.ErrBadOptions),
		errors.Is(err, embed.ErrIncompatible):
		return CodeInvalidField
	}
	return CodeInternal
}
