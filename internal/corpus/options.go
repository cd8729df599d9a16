package corpus

import "fmt"

// Defaults of ReadOptions.
const (
	DefaultVectorField  = "vector"
	DefaultMaxLineBytes = 64 << 20
	maxMaxLineBytes     = 1 << 30
)

// ReadOptions control how documents are read. The zero value is ready to use.
type ReadOptions struct {
	// SkipBad skips malformed lines (and unreadable text files, and the rest of a file that
	// fails to decompress) instead of failing: they are counted in Report.Bad and the first
	// few errors are kept in Report.BadErrors.
	SkipBad bool
	// VectorField names the JSON field holding a document's vector (default "vector"). It
	// may not be one of the fields with another meaning (_id, id, title, content, text,
	// metadata).
	VectorField string
	// MaxLineBytes bounds one JSONL line, and one text file of a text directory
	// (default 64 MiB, at most 1 GiB). Longer ones are errors, never silently truncated.
	MaxLineBytes int
	// Check, when set, vets each well-formed document; its error makes the line (or text
	// file) bad, named by file and line like a malformed one, and skipped with SkipBad.
	Check func(*Document) error
}

// EnsureDefaults fills zero fields with their defaults.
func (o *ReadOptions) EnsureDefaults() {
	if o.VectorField == "" {
		o.VectorField = DefaultVectorField
	}
	if o.MaxLineBytes == 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
}

// Validate reports options that cannot work. Zero fields are valid (they mean the defaults).
func (o ReadOptions) Validate() error {
	switch o.VectorField {
	case "_id", "id", "title", "content", "text", "metadata":
		return fmt.Errorf("%w: VectorField %q is a field with another meaning", ErrInvalidOptions, o.VectorField)
	}
	if o.MaxLineBytes < 0 || o.MaxLineBytes > maxMaxLineBytes {
		return fmt.Errorf("%w: MaxLineBytes %d out of range [0, %d]", ErrInvalidOptions, o.MaxLineBytes, maxMaxLineBytes)
	}
	return nil
}
