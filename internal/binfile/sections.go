package binfile

import (
	"fmt"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// AnyLength, passed as the wanted count to the typed section readers, accepts a section of
// any whole number of values.
const AnyLength = -1

// Float32s returns the named section as float32 values, viewed in place where Float32s
// (the function) can. The error is marked as corruption and names the section when it is
// missing, is not a whole number of values, or does not hold want values (any number when
// want is AnyLength).
func (f *File) Float32s(tag string, want int) ([]float32, error) {
	return sectionOf[float32](f, tag, want, "float32")
}

// Uint32s is Float32s for uint32 values.
func (f *File) Uint32s(tag string, want int) ([]uint32, error) {
	return sectionOf[uint32](f, tag, want, "uint32")
}

// Uint64s is Float32s for uint64 values.
func (f *File) Uint64s(tag string, want int) ([]uint64, error) {
	return sectionOf[uint64](f, tag, want, "uint64")
}

func sectionOf[T word](f *File, tag string, want int, name string) ([]T, error) {
	raw, err := f.Section(tag)
	if err != nil {
		return nil, err
	}
	v, err := fromBytes[T](raw, name)
	if err != nil {
		return nil, fmt.Errorf("section %q: %w", tag, err)
	}
	if want >= 0 && len(v) != want {
		return nil, corruption.Errorf("section %q has %d %s values, want %d", tag, len(v), name, want)
	}
	return v, nil
}

// Written returns the number of bytes written so far: the file offset of whatever is
// written next.
func (w *Writer) Written() int64 { return int64(w.off) }

// Pad writes a section named tag, which readers ignore, sized so that the payload of the
// next section starts at a file offset that is a multiple of align (a positive multiple of
// 8). A reader holding the file in a page-aligned buffer (os.ReadFile, mmap) then sees that
// payload on the boundary it was written for, such as a cache line.
func (w *Writer) Pad(tag string, align uint64) error {
	if align == 0 || align%8 != 0 {
		return fmt.Errorf("binfile: alignment %d is not a positive multiple of 8", align)
	}
	// A section header is 12 bytes, its payload starts at the next multiple of 8 and is
	// followed by a 4-byte checksum; the next section's header comes right after.
	payload := (w.off + 12 + 7) &^ 7
	n := (align - (payload+16)%align) % align
	return w.Section(tag, make([]byte, n))
}
