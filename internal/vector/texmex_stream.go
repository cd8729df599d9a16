package vector

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// FvecsReader reads an .fvecs file a block of rows at a time, so that a file larger than
// memory can be indexed in pieces.
type FvecsReader struct {
	path      string
	f         *os.File
	r         *bufio.Reader
	dim, rows int
	next      int // rows read so far
	rec       []byte
}

// OpenFvecs opens an .fvecs file, checks that its length is a whole number of rows of the
// first row's dimension, and positions the reader at its first row.
func OpenFvecs(path string) (*FvecsReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read fvecs: %w", err)
	}
	fr := &FvecsReader{path: path, f: f, r: bufio.NewReaderSize(f, 1<<20)}
	if err := fr.shape(); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return fr, nil
}

func (fr *FvecsReader) shape() error {
	st, err := fr.f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if size == 0 {
		return nil
	}
	head, err := fr.r.Peek(4)
	if err != nil {
		return corruption.Errorf("row 0: %d bytes is too short for a header", size)
	}
	d := int32(binary.LittleEndian.Uint32(head))
	if d <= 0 || d > maxTexmexDim {
		return corruption.Errorf("row 0: dimension %d out of range [1, %d]", d, maxTexmexDim)
	}
	row := 4 + 4*int64(d)
	if size%row != 0 {
		return corruption.Errorf("row %d: truncated (%d bytes is not a whole number of %d-byte rows)", size/row, size, row)
	}
	fr.dim, fr.rows = int(d), int(size/row)
	fr.rec = make([]byte, row)
	return nil
}

// Dim returns the dimension of the rows (0 for an empty file).
func (fr *FvecsReader) Dim() int { return fr.dim }

// Rows returns the number of rows in the file.
func (fr *FvecsReader) Rows() int { return fr.rows }

// Read fills dst with the next rows, as many whole rows as dst holds or as remain, and
// returns how many it read: 0 and io.EOF once every row has been read. Errors name the file
// and the row.
func (fr *FvecsReader) Read(dst []float32) (int, error) {
	if fr.next == fr.rows {
		return 0, io.EOF
	}
	n := 0
	if fr.dim > 0 {
		n = min(len(dst)/fr.dim, fr.rows-fr.next)
	}
	for i := range n {
		if _, err := io.ReadFull(fr.r, fr.rec); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				err = corruption.Errorf("row %d: file shorter than when opened", fr.next)
			}
			return i, fmt.Errorf("%s: %w", fr.path, err)
		}
		if d := int32(binary.LittleEndian.Uint32(fr.rec)); int(d) != fr.dim {
			return i, fmt.Errorf("%s: %w", fr.path, corruption.Errorf("row %d has dimension %d, row 0 has %d", fr.next, d, fr.dim))
		}
		v := dst[i*fr.dim : (i+1)*fr.dim]
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(fr.rec[4+4*j:]))
		}
		fr.next++
	}
	return n, nil
}

// Close closes the file.
func (fr *FvecsReader) Close() error { return fr.f.Close() }
