package binfile

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// littleEndian is true on hosts whose native byte order matches the file format, where
// numeric arrays can be viewed in place instead of decoded.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// Float32Bytes returns the little-endian bytes of v. On little-endian hosts it aliases v.
func Float32Bytes(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	if littleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*4)
	}
	b := make([]byte, len(v)*4)
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[i*4:], math.Float32bits(x))
	}
	return b
}

// Uint32Bytes returns the little-endian bytes of v. On little-endian hosts it aliases v.
func Uint32Bytes(v []uint32) []byte {
	if len(v) == 0 {
		return nil
	}
	if littleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*4)
	}
	b := make([]byte, len(v)*4)
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[i*4:], x)
	}
	return b
}

// Uint64Bytes returns the little-endian bytes of v. On little-endian hosts it aliases v.
func Uint64Bytes(v []uint64) []byte {
	if len(v) == 0 {
		return nil
	}
	if littleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*8)
	}
	b := make([]byte, len(v)*8)
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[i*8:], x)
	}
	return b
}

// Float32s views b as float32 values, aliasing b when it is aligned and the host is
// little-endian, copying otherwise. len(b) must be a multiple of 4.
func Float32s(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a whole number of float32s", ErrCorrupt, len(b))
	}
	if len(b) == 0 {
		return []float32{}, nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%4 == 0 {
		return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4), nil
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[i*4:]))
	}
	return v, nil
}

// Uint32s views b as uint32 values, aliasing b when it is aligned and the host is
// little-endian, copying otherwise. len(b) must be a multiple of 4.
func Uint32s(b []byte) ([]uint32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a whole number of uint32s", ErrCorrupt, len(b))
	}
	if len(b) == 0 {
		return []uint32{}, nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%4 == 0 {
		return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), len(b)/4), nil
	}
	v := make([]uint32, len(b)/4)
	for i := range v {
		v[i] = binary.LittleEndian.Uint32(b[i*4:])
	}
	return v, nil
}

// Uint64s views b as uint64 values, aliasing b when it is aligned and the host is
// little-endian, copying otherwise. len(b) must be a multiple of 8.
func Uint64s(b []byte) ([]uint64, error) {
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a whole number of uint64s", ErrCorrupt, len(b))
	}
	if len(b) == 0 {
		return []uint64{}, nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%8 == 0 {
		return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), len(b)/8), nil
	}
	v := make([]uint64, len(b)/8)
	for i := range v {
		v[i] = binary.LittleEndian.Uint64(b[i*8:])
	}
	return v, nil
}
