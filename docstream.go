package vajra

import (
	"io"

	"github.com/vajrasearch/vajra/internal/corpus"
)

// LineError locates a bad line of a JSON Lines input: the file (or stream name), the 1-based
// line, and the JSON field at fault ("" when the line as a whole is). It wraps the cause.
type LineError = corpus.LineError

// DocumentReader reads documents from a JSON Lines stream one at a time, in the shape
// LoadDocuments reads: `id`/`_id`, `title`, `content`/`text`, `metadata`, `vector`, other
// fields going to metadata. Memory use is bounded by the longest line, whatever the stream's
// length.
type DocumentReader struct{ r *corpus.Reader }

// NewDocumentReader returns a reader of the JSON Lines stream r. name labels errors;
// o.MaxLineBytes bounds a line (default 64 MiB); o.SkipBad is ignored, since the caller sees
// every bad line.
func NewDocumentReader(r io.Reader, name string, o LoadOptions) (*DocumentReader, error) {
	cr, err := corpus.NewReader(r, name, o)
	if err != nil {
		return nil, err
	}
	return &DocumentReader{cr}, nil
}

// Next returns the next document, or io.EOF at the end. A bad line gives a *LineError and the
// next call goes on with the following line, unless reading the stream itself failed (then
// every later call returns that error). ErrorCode maps line errors to CodeBadJSON (not JSON),
// CodeInvalidField (a field of the wrong type or value) or CodePayloadTooLarge (too long).
func (r *DocumentReader) Next() (Document, error) { return r.r.Next() }

// Line returns the line of the document or error Next last returned.
func (r *DocumentReader) Line() int { return r.r.Line() }

// ParseDocument reads one document from a JSON object in the shape DocumentReader reads; the
// object may span lines. Errors are *LineError values naming the field at fault.
func ParseDocument(data []byte) (Document, error) { return corpus.ParseDocument(data) }
