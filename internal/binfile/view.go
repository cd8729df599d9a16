package binfile

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// littleEndian is true on hosts whose native byte order matches the file format, where
// numeric arrays can be viewed in place instead of decoded.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// word is a fixed-size numeric type stored little-endian.
type word interface{ ~float32 | ~uint32 | ~uint64 }

// put and get convert one value to and from its little-endian bytes.
func put[T word](b []byte, x T) {
	switch v := any(x).(type) {
	case float32:
		binary.LittleEndian.PutUint32(b, math.Float32bits(v))
	case uint32:
		binary.LittleEndian.PutUint32(b, v)
	case uint64:
		binary.LittleEndian.PutUint64(b, v)
	}
}

func get[T word](b []byte) T {
	var x T
	switch any(x).(type) {
	case float32:
		return T(math.Float32frombits(binary.LittleEndian.Uint32(b)))
	case uint32:
		return T(binary.LittleEndian.Uint32(b))
	default:
		return T(binary.LittleEndian.Uint64(b))
	}
}

// asBytes returns the little-endian bytes of v, aliasing v on little-endian hosts.
func asBytes[T word](v []T) []byte {
	if len(v) == 0 {
		return nil
	}
	size := int(unsafe.Sizeof(v[0]))
	if littleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*size)
	}
	b := make([]byte, len(v)*size)
	for i, x := range v {
		put(b[i*size:], x)
	}
	return b
}

// fromBytes views b as values of T, aliasing b when it is aligned and the host is
// little-endian, copying otherwise.
func fromBytes[T word](b []byte, name string) ([]T, error) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(b)%size != 0 {
		return nil, corruption.Errorf("%d bytes is not a whole number of %ss", len(b), name)
	}
	if len(b) == 0 {
		return []T{}, nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%uintptr(size) == 0 {
		return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/size), nil
	}
	v := make([]T, len(b)/size)
	for i := range v {
		v[i] = get[T](b[i*size:])
	}
	return v, nil
}

// Float32Bytes returns the little-endian bytes of v. On little-endian hosts it aliases v.
func Float32Bytes(v []float32) []byte { return asBytes(v) }

// Uint32Bytes returns the little-endian bytes of v. On little-endian hosts it aliases v.
func Uint32Bytes(v []uint32) []byte { return asBytes(v) }

// Uint64Bytes returns the little-endian bytes of v. On little-endian hosts it aliases v.
func Uint64Bytes(v []uint64) []byte { return asBytes(v) }

// Float32s views b as float32 values, aliasing b when it is aligned and the host is
// little-endian, copying otherwise. len(b) must be a multiple of 4.
func Float32s(b []byte) ([]float32, error) { return fromBytes[float32](b, "float32") }

// Uint32s views b as uint32 values, aliasing b when it is aligned and the host is
// little-endian, copying otherwise. len(b) must be a multiple of 4.
func Uint32s(b []byte) ([]uint32, error) { return fromBytes[uint32](b, "uint32") }

// Uint64s views b as uint64 values, aliasing b when it is aligned and the host is
// little-endian, copying otherwise. len(b) must be a multiple of 8.
func Uint64s(b []byte) ([]uint64, error) { return fromBytes[uint64](b, "uint64") }
