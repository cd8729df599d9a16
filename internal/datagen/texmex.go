package datagen

import (
	"encoding/binary"
	"io"
	"math"
)

// TEXMEX rows: a little-endian int32 dimension, then that many little-endian float32
// (.fvecs) or int32 (.ivecs) values.

// appendFvecs appends the rows of data (row-major, dim values each) in .fvecs layout.
func appendFvecs(dst []byte, data []float32, dim int) []byte {
	for r := 0; r < len(data)/dim; r++ {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(dim))
		for _, v := range data[r*dim : (r+1)*dim] {
			dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
		}
	}
	return dst
}

// writeFvecsRows writes one .fvecs row per element of rows.
func writeFvecsRows(w io.Writer, rows [][]float32) error {
	var buf []byte
	for _, row := range rows {
		buf = appendFvecs(buf[:0], row, len(row))
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// writeIvecsRows writes one .ivecs row per element of rows.
func writeIvecsRows(w io.Writer, rows [][]int32) error {
	var buf []byte
	for _, row := range rows {
		buf = binary.LittleEndian.AppendUint32(buf[:0], uint32(len(row)))
		for _, v := range row {
			buf = binary.LittleEndian.AppendUint32(buf, uint32(v))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}
