// Package safetensors reads the safetensors format Hugging Face models are stored in: an
// 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
// byte range, then the raw little-endian tensor data.
//
// Every header is validated before any tensor is read: known dtypes, shapes whose sizes
// match their byte ranges, ranges that tile the data exactly (no holes, no overlaps, no
// byte past the end of the file), no duplicate names. Floating-point tensors (F32, F16,
// BF16, F64) are returned as float32. The package neither writes files nor maps them into
// memory; it reads the tensors it is asked for.
package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"unsafe"
)

// ErrFormat reports a file that is not valid safetensors, or a tensor that cannot be
// converted as asked.
var ErrFormat = errors.New("invalid safetensors file")

// maxHeaderBytes bounds the JSON header, as the reference implementation does.
const maxHeaderBytes = 100 << 20

// dtypeSizes gives the element size of every dtype the format defines.
var dtypeSizes = map[string]int64{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1,
	"I16": 2, "U16": 2, "F16": 2, "BF16": 2,
	"I32": 4, "U32": 4, "F32": 4,
	"I64": 8, "U64": 8, "F64": 8,
}

// Tensor describes one tensor of a file.
type Tensor struct {
	Name  string
	DType string
	Shape []int
	// Begin and End are byte offsets into the data section.
	Begin, End int64
}

// Elements is the number of values in t.
func (t Tensor) Elements() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		n *= int64(d)
	}
	return n
}

// File is an open safetensors file. It is safe for concurrent use.
type File struct {
	r         io.ReaderAt
	closer    io.Closer
	dataStart int64
	tensors   map[string]Tensor
	names     []string
	// Metadata holds the header's free-form string pairs (__metadata__).
	Metadata map[string]string
}

// Open opens and validates the safetensors file at path.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	sf, err := Parse(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sf.closer = f
	return sf, nil
}

// Close releases the file opened by Open.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// Parse validates the header of a safetensors file of size bytes read through r.
func Parse(r io.ReaderAt, size int64) (*File, error) {
	var lenBuf [8]byte
	if size < 8 {
		return nil, fmt.Errorf("%d bytes, too short for the header length: %w", size, ErrFormat)
	}
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, fmt.Errorf("read header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > maxHeaderBytes || n > uint64(size-8) {
		return nil, fmt.Errorf("header of %d bytes in a file of %d (at most %d): %w", n, size, maxHeaderBytes, ErrFormat)
	}
	header := make([]byte, n)
	if _, err := r.ReadAt(header, 8); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	f := &File{r: r, dataStart: 8 + int64(n), tensors: map[string]Tensor{}}
	if err := f.parseHeader(header, size-f.dataStart); err != nil {
		return nil, err
	}
	return f, nil
}

type entry struct {
	DType       string  `json:"dtype"`
	Shape       []int64 `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

func (f *File) parseHeader(header []byte, dataSize int64) error {
	if len(header) == 0 || header[0] != '{' {
		return fmt.Errorf("header is not a JSON object: %w", ErrFormat)
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("header: %w: %w", ErrFormat, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("header: %w: %w", ErrFormat, err)
		}
		name, _ := tok.(string)
		if _, dup := f.tensors[name]; dup || name == "__metadata__" && f.Metadata != nil {
			return fmt.Errorf("header names %q twice: %w", name, ErrFormat)
		}
		if name == "__metadata__" {
			if err := dec.Decode(&f.Metadata); err != nil {
				return fmt.Errorf("header __metadata__ is not a map of strings: %w", ErrFormat)
			}
			if f.Metadata == nil {
				f.Metadata = map[string]string{}
			}
			continue
		}
		var e entry
		if err := dec.Decode(&e); err != nil {
			return fmt.Errorf("header entry %q: %w: %w", name, ErrFormat, err)
		}
		t, err := checkEntry(name, e, dataSize)
		if err != nil {
			return err
		}
		f.tensors[name] = t
		f.names = append(f.names, name)
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("header: %w: %w", ErrFormat, err)
	}
	if rest := strings.TrimRight(string(header[dec.InputOffset():]), " "); rest != "" {
		return fmt.Errorf("header has %d bytes after its JSON object: %w", len(rest), ErrFormat)
	}
	return f.checkTiling(dataSize)
}

func checkEntry(name string, e entry, dataSize int64) (Tensor, error) {
	size, ok := dtypeSizes[e.DType]
	if !ok {
		return Tensor{}, fmt.Errorf("tensor %q: unknown dtype %q: %w", name, e.DType, ErrFormat)
	}
	if len(e.DataOffsets) != 2 {
		return Tensor{}, fmt.Errorf("tensor %q: data_offsets has %d values, want 2: %w", name, len(e.DataOffsets), ErrFormat)
	}
	begin, end := e.DataOffsets[0], e.DataOffsets[1]
	if begin < 0 || end < begin || end > dataSize {
		return Tensor{}, fmt.Errorf("tensor %q: data_offsets [%d, %d] outside the %d data bytes: %w", name, begin, end, dataSize, ErrFormat)
	}
	elems := int64(1)
	shape := make([]int, len(e.Shape))
	for i, d := range e.Shape {
		if d < 0 || d > math.MaxInt32 {
			return Tensor{}, fmt.Errorf("tensor %q: dimension %d is %d: %w", name, i, d, ErrFormat)
		}
		if d != 0 && elems > (math.MaxInt64/8)/d {
			return Tensor{}, fmt.Errorf("tensor %q: shape %v overflows: %w", name, e.Shape, ErrFormat)
		}
		elems *= d
		shape[i] = int(d)
	}
	if elems*size != end-begin {
		return Tensor{}, fmt.Errorf("tensor %q: shape %v of %s needs %d bytes, data_offsets give %d: %w", name, e.Shape, e.DType, elems*size, end-begin, ErrFormat)
	}
	return Tensor{Name: name, DType: e.DType, Shape: shape, Begin: begin, End: end}, nil
}

// checkTiling requires the tensors to cover the data section exactly, in some order.
func (f *File) checkTiling(dataSize int64) error {
	ts := make([]Tensor, 0, len(f.tensors))
	for _, t := range f.tensors {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b Tensor) int {
		if c := cmp.Compare(a.Begin, b.Begin); c != 0 {
			return c
		}
		return cmp.Compare(a.End, b.End)
	})
	pos := int64(0)
	for _, t := range ts {
		if t.Begin != pos {
			return fmt.Errorf("tensor %q starts at data byte %d, the previous one ends at %d (holes and overlaps are not allowed): %w", t.Name, t.Begin, pos, ErrFormat)
		}
		pos = t.End
	}
	if pos != dataSize {
		return fmt.Errorf("tensors end at data byte %d, the file holds %d: %w", pos, dataSize, ErrFormat)
	}
	return nil
}

// Names lists the tensors in header order.
func (f *File) Names() []string { return slices.Clone(f.names) }

// Tensor describes the tensor called name.
func (f *File) Tensor(name string) (Tensor, bool) {
	t, ok := f.tensors[name]
	return t, ok
}

// Float32 reads the tensor called name as float32 values, converting F16, BF16 and F64.
// Other dtypes are refused with ErrFormat.
func (f *File) Float32(name string) ([]float32, Tensor, error) {
	t, ok := f.tensors[name]
	if !ok {
		return nil, Tensor{}, fmt.Errorf("no tensor %q: %w", name, ErrFormat)
	}
	out := make([]float32, t.Elements())
	if t.DType == "F32" && nativeLittleEndian() {
		// The file's bytes are the values: read them straight into place.
		raw := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), 4*len(out))
		if _, err := f.r.ReadAt(raw, f.dataStart+t.Begin); err != nil && len(raw) > 0 {
			return nil, t, fmt.Errorf("read tensor %q: %w", name, err)
		}
		return out, t, nil
	}
	raw := make([]byte, t.End-t.Begin)
	if _, err := f.r.ReadAt(raw, f.dataStart+t.Begin); err != nil && len(raw) > 0 {
		return nil, t, fmt.Errorf("read tensor %q: %w", name, err)
	}
	switch t.DType {
	case "F32":
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	case "F16":
		for i := range out {
			out[i] = Float16(binary.LittleEndian.Uint16(raw[2*i:]))
		}
	case "BF16":
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(raw[2*i:])) << 16)
		}
	case "F64":
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:])))
		}
	default:
		return nil, t, fmt.Errorf("tensor %q has dtype %s, not a floating-point type: %w", name, t.DType, ErrFormat)
	}
	return out, t, nil
}

// Float16 converts IEEE 754 half-precision bits to float32, exactly (every half value is
// a float32 value), subnormals, infinities and NaNs included.
func Float16(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	case frac == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal half: frac · 2^-24, normal as a float32.
	v := float32(frac) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}

// nativeLittleEndian reports whether float32 values in memory have the file's byte order.
func nativeLittleEndian() bool {
	var probe [4]byte
	binary.NativeEndian.PutUint32(probe[:], 1)
	return probe[0] == 1
}
