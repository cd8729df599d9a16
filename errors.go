package vajra

import (
	"errors"

	"github.com/vajrasearch/vajra/internal/corruption"
	"github.com/vajrasearch/vajra/internal/storage"
)

// Errors returned by collections, testable with errors.Is. Errors from reading files match
// ErrCorrupt when the bytes on disk are damaged.
var (
	// ErrNotFound reports a document id that is not in the collection.
	ErrNotFound = errors.New("vajra: not found")
	// ErrInvalidDocument reports a document that cannot be stored (no id, bad vector, ...).
	ErrInvalidDocument = errors.New("vajra: invalid document")
	// ErrInvalidQuery reports a query that cannot run (unknown mode, no text, bad vector, ...).
	ErrInvalidQuery = errors.New("vajra: invalid query")
	// ErrNoVectors reports a vector or hybrid request to a collection without a vector index.
	ErrNoVectors = errors.New("vajra: collection has no vector index")
	// ErrCorrupt reports damaged collection files. Every error about damaged bytes, from
	// whichever file or check found it, matches it.
	ErrCorrupt = corruption.Err
	// ErrClosed reports use of a closed collection.
	ErrClosed = errors.New("vajra: collection is closed")
	// ErrExists reports Create or Build on a directory that already holds a collection.
	ErrExists = errors.New("vajra: collection already exists")
	// ErrNotCollection reports a path that holds something other than a collection (a file,
	// or a directory with other entries) where one was to be created, replaced or dropped.
	// Vajra never deletes or replaces such a path.
	ErrNotCollection = errors.New("vajra: not a collection")
	// ErrLocked reports a collection that another writer holds open, in this process or
	// another one; the error says which process when it can tell. Read-only opens
	// (OpenOptions.ReadOnly) and Check never meet it.
	ErrLocked = storage.ErrLocked

	// ErrOptions reports invalid options.
	ErrOptions = errors.New("vajra: invalid options")
)
