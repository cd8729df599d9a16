package vector

import (
	"errors"
)

// Sentinel errors. Every error returned by this package wraps one of these or a context
// error, or (for a damaged file) carries the corruption mark of internal/corruption, so
// callers can tell bad input from corrupt files with errors.Is.
var (
	// ErrDimMismatch reports a vector or query whose length is not the index dimension.
	ErrDimMismatch = errors.New("dimension mismatch")
	// ErrZeroVector reports an all-zero vector under the cosine metric, which has no
	// direction to compare.
	ErrZeroVector = errors.New("zero vector under cosine metric")
	// ErrNotFinite reports a NaN or infinite component.
	ErrNotFinite = errors.New("vector has a NaN or infinite component")
	// ErrOverflow reports an L2 or inner-product vector so long (squared norm above
	// MaxNormSq) that distances to it could overflow float32.
	ErrOverflow = errors.New("vector too large: distances would overflow float32")
	// ErrNotFound reports a label that is not in the index.
	ErrNotFound = errors.New("label not found")
	// ErrBadOptions reports options that fail Validate.
	ErrBadOptions = errors.New("invalid options")
	// ErrBusy reports a Promote started while another promotion is running.
	ErrBusy = errors.New("promotion already running")
)
