package vector

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// TEXMEX files (.fvecs, .ivecs, as in the ANN benchmark sets): each row is a little-endian
// int32 dimension d followed by d little-endian values (float32 or int32). Every row of a
// file must have the same dimension.

// maxTexmexDim bounds a row's claimed dimension so a corrupt header cannot ask for a huge
// allocation.
const maxTexmexDim = 1 << 20

// ReadFvecs reads a .fvecs file into one row-major slice and returns it with the dimension.
// Errors name the file and the row.
func ReadFvecs(path string) (data []float32, dim int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, fmt.Errorf("read fvecs: %w", err)
	}
	data, dim, err = ParseFvecs(b)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return data, dim, nil
}

// ReadIvecs reads an .ivecs file (ground truth: one row of neighbour ids per query).
func ReadIvecs(path string) ([][]int32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read ivecs: %w", err)
	}
	rows, err := ParseIvecs(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

// ParseFvecs decodes .fvecs bytes. An empty input is zero rows of dimension 0.
func ParseFvecs(b []byte) ([]float32, int, error) {
	dim, rows, err := texmexShape(b)
	if err != nil {
		return nil, 0, err
	}
	data := make([]float32, 0, rows*dim)
	row := 4 + 4*dim
	for r := 0; r < rows; r++ {
		rec := b[r*row : (r+1)*row]
		if d := int32(binary.LittleEndian.Uint32(rec)); int(d) != dim {
			return nil, 0, corruption.Errorf("row %d has dimension %d, row 0 has %d", r, d, dim)
		}
		for j := 0; j < dim; j++ {
			data = append(data, math.Float32frombits(binary.LittleEndian.Uint32(rec[4+4*j:])))
		}
	}
	return data, dim, nil
}

// ParseIvecs decodes .ivecs bytes.
func ParseIvecs(b []byte) ([][]int32, error) {
	dim, rows, err := texmexShape(b)
	if err != nil {
		return nil, err
	}
	out := make([][]int32, rows)
	flat := make([]int32, rows*dim)
	row := 4 + 4*dim
	for r := 0; r < rows; r++ {
		rec := b[r*row : (r+1)*row]
		if d := int32(binary.LittleEndian.Uint32(rec)); int(d) != dim {
			return nil, corruption.Errorf("row %d has dimension %d, row 0 has %d", r, d, dim)
		}
		v := flat[r*dim : (r+1)*dim : (r+1)*dim]
		for j := range v {
			v[j] = int32(binary.LittleEndian.Uint32(rec[4+4*j:]))
		}
		out[r] = v
	}
	return out, nil
}

// texmexShape reads the dimension from the first row and checks that the length is a whole
// number of rows.
func texmexShape(b []byte) (dim, rows int, err error) {
	if len(b) == 0 {
		return 0, 0, nil
	}
	if len(b) < 4 {
		return 0, 0, corruption.Errorf("row 0: %d bytes is too short for a header", len(b))
	}
	d := int32(binary.LittleEndian.Uint32(b))
	if d <= 0 || d > maxTexmexDim {
		return 0, 0, corruption.Errorf("row 0: dimension %d out of range [1, %d]", d, maxTexmexDim)
	}
	row := 4 + 4*int(d)
	if len(b)%row != 0 {
		return 0, 0, corruption.Errorf("row %d: truncated (%d bytes is not a whole number of %d-byte rows)", len(b)/row, len(b), row)
	}
	return int(d), len(b) / row, nil
}
