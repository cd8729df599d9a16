package corpus

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
)

// gzipMagic starts every gzip stream; inputs are recognised by it, whatever their name.
var gzipMagic = []byte{0x1f, 0x8b}

// readBufferSize is the bufio buffer for JSONL input; longer lines are assembled in a
// separate buffer.
const readBufferSize = 256 << 10

// ctxCheckLines is how often (in lines) a scan checks for cancellation.
const ctxCheckLines = 256

// maybeGunzip returns a reader of the decompressed stream when r starts with the gzip
// magic, else a buffered r.
func maybeGunzip(r io.Reader) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, readBufferSize)
	head, err := br.Peek(len(gzipMagic))
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%w: %w", ErrRead, err)
	}
	if !bytes.Equal(head, gzipMagic) {
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: gzip header: %w", ErrRead, err)
	}
	return bufio.NewReaderSize(zr, readBufferSize), nil
}

// lineReader yields the lines of a stream, without their line ending, bounded in length.
type lineReader struct {
	br   *bufio.Reader
	max  int
	long []byte // assembles lines longer than the bufio buffer
	n    int    // lines returned so far (including too-long ones)
}

// errLineTooLong is returned by next for a line over max; the line has been consumed.
var errLineTooLong = errors.New("line too long")

// next returns the next line, io.EOF at the end, errLineTooLong for a line over the limit
// (consumed and skipped), or a read error. The line is valid until the next call.
func (r *lineReader) next() ([]byte, error) {
	frag, err := r.br.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(frag) > 0) {
		r.n++
		if len(frag)-1 > r.max || (err == io.EOF && len(frag) > r.max) {
			return nil, errLineTooLong
		}
		return trimEOL(frag), nil
	}
	if err != bufio.ErrBufferFull {
		return nil, err
	}
	r.long = append(r.long[:0], frag...)
	tooLong := false
	for {
		frag, err = r.br.ReadSlice('\n')
		if !tooLong {
			if len(r.long)+len(frag) > r.max+1 { // +1: the newline does not count
				tooLong = true
				r.long = r.long[:0]
			} else {
				r.long = append(r.long, frag...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		break
	}
	r.n++
	if tooLong || (err == io.EOF && len(r.long) > r.max) {
		return nil, errLineTooLong
	}
	return trimEOL(r.long), nil
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// scanLines drives a JSONL stream: it reads lines, skips blank ones, hands the others to
// parse, and turns problems into LineErrors, skipped or fatal per opts.SkipBad. A read
// failure part-way (a truncated gzip stream) is a bad file: with SkipBad, reading stops
// and what was read is kept.
func scanLines(ctx context.Context, r io.Reader, name string, opts ReadOptions, rep *Report, parse func(line []byte, lineNo int) error) error {
	br, err := maybeGunzip(r)
	if err != nil {
		return &LineError{File: name, Err: err}
	}
	lr := &lineReader{br: br, max: opts.MaxLineBytes}
	for {
		if lr.n%ctxCheckLines == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil && err != errLineTooLong {
			if err == io.ErrUnexpectedEOF {
				err = fmt.Errorf("%w: %w (truncated file?)", ErrRead, err)
			} else {
				err = fmt.Errorf("%w: %w", ErrRead, err)
			}
			lerr := &LineError{File: name, Line: lr.n + 1, Err: err}
			if !opts.SkipBad {
				return lerr
			}
			rep.addBad(lerr)
			return nil
		}
		rep.Lines++
		if err == errLineTooLong {
			lerr := &LineError{File: name, Line: lr.n, Err: fmt.Errorf("%w: line longer than %d bytes", ErrTooLong, opts.MaxLineBytes)}
			if !opts.SkipBad {
				return lerr
			}
			rep.addBad(lerr)
			continue
		}
		if lr.n == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if isBlank(line) {
			continue
		}
		if err := parse(line, lr.n); err != nil {
			if stop, ok := err.(stopErr); ok {
				return stop.err
			}
			lerr := &LineError{File: name, Line: lr.n, Err: err}
			if fe, ok := err.(*fieldErr); ok {
				lerr.Field, lerr.Err = fe.field, fe.err
			}
			if !opts.SkipBad {
				return lerr
			}
			rep.addBad(lerr)
		}
	}
}

// stopErr carries an error from the caller's callback through scanLines: it ends the scan
// and is returned unchanged.
type stopErr struct{ err error }

func (e stopErr) Error() string { return e.err.Error() }

// ScanJSONL streams the documents of a JSON Lines stream (gzip'd or not, detected by its
// magic bytes) to fn, in input order. name labels errors and the report. An error from fn
// stops the scan and is returned unchanged. Duplicate ids are not detected (see Load).
func ScanJSONL(ctx context.Context, r io.Reader, name string, opts ReadOptions, fn func(Document) error) (Report, error) {
	rep := Report{Source: name}
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return rep, err
	}
	p := &lineParser{schema: documentSchema(opts.VectorField)}
	err := scanLines(ctx, r, name, opts, &rep, func(line []byte, _ int) error {
		if err := p.split(line); err != nil {
			return err
		}
		d, err := p.document()
		if err != nil {
			return err
		}
		if opts.Check != nil {
			if err := opts.Check(&d); err != nil {
				return err
			}
		}
		rep.Read++
		if err := fn(d); err != nil {
			return stopErr{err}
		}
		rep.Kept++
		return nil
	})
	return rep, err
}
