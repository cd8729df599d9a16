package corpus

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// Reader reads the documents of a JSON Lines stream one at a time, for callers that decide
// line by line what to do with a bad one (a server answering which lines of an upload
// failed). Unlike ScanJSONL it does not decompress: the stream is the lines themselves.
type Reader struct {
	lr   *lineReader
	p    *lineParser
	name string
	max  int
	err  error // a read failure: every later call returns it
}

// NewReader returns a Reader of r. name labels errors; opts.SkipBad is ignored (the caller
// sees every bad line and may go on reading).
func NewReader(r io.Reader, name string, opts ReadOptions) (*Reader, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Reader{
		lr:   &lineReader{br: bufio.NewReaderSize(r, readBufferSize), max: opts.MaxLineBytes},
		p:    &lineParser{schema: documentSchema(opts.VectorField)},
		name: name,
		max:  opts.MaxLineBytes,
	}, nil
}

// Next returns the next document. At the end of the stream it returns io.EOF. A malformed
// line gives a *LineError naming the line and field, and the next call reads on from the
// following line; a failure to read the stream (wrapping ErrRead) ends it.
func (r *Reader) Next() (Document, error) {
	for {
		if r.err != nil {
			return Document{}, r.err
		}
		line, err := r.lr.next()
		switch {
		case err == io.EOF:
			r.err = io.EOF
			continue
		case err == errLineTooLong:
			return Document{}, &LineError{File: r.name, Line: r.lr.n, Err: fmt.Errorf("%w: line longer than %d bytes", ErrTooLong, r.max)}
		case err != nil:
			r.err = &LineError{File: r.name, Line: r.lr.n + 1, Err: fmt.Errorf("%w: %w", ErrRead, err)}
			continue
		}
		if r.lr.n == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if isBlank(line) {
			continue
		}
		d, err := r.parse(line)
		if err != nil {
			return Document{}, r.lineError(r.lr.n, err)
		}
		return d, nil
	}
}

// Line returns the number of lines read so far: after Next, the line of the document or
// error it returned.
func (r *Reader) Line() int { return r.lr.n }

func (r *Reader) parse(line []byte) (Document, error) {
	if err := r.p.split(line); err != nil {
		return Document{}, err
	}
	return r.p.document()
}

func (r *Reader) lineError(n int, err error) *LineError {
	lerr := &LineError{File: r.name, Line: n, Err: err}
	if fe, ok := err.(*fieldErr); ok {
		lerr.Field, lerr.Err = fe.field, fe.err
	}
	return lerr
}

// ParseDocument reads one document from a JSON object in the JSON Lines document shape (see
// ScanJSONL); the object may span several lines. Errors are *LineError values without a file
// or line, naming the field when one is at fault.
func ParseDocument(data []byte) (Document, error) {
	r := Reader{p: &lineParser{schema: documentSchema(DefaultVectorField)}}
	d, err := r.parse(data)
	if err != nil {
		return Document{}, r.lineError(0, err)
	}
	return d, nil
}
