package storage

import (
	"fmt"
)

// Mapping is the contents of a file as read-only memory: memory-mapped where the FS can, read
// into the heap otherwise. Its bytes must never be written to, and never used after Close.
type Mapping interface {
	// Bytes returns the file's contents as they were when it was mapped.
	Bytes() []byte
	// Changed reports a file that is no longer the one mapped: another size or modification
	// time, or another file under its name. The error is marked as corruption (see
	// internal/corruption). A mapping read into the heap never changes: it reports nil.
	Changed() error
	// Close releases the mapping.
	Close() error
}

// Mapper is an optional capability of an FS, discovered by type assertion (as
// database/sql/driver discovers its optional interfaces): an FS that can map files into
// memory implements it, and MapFile uses it. An FS without it (MemFS, ErrorFS) gets its files
// read into the heap, through its ordinary Open and Read.
type Mapper interface {
	// Map maps the named file read-only. The file must not be truncated while mapped: reading
	// a page past its new end faults (SIGBUS), which callers guard against (see
	// runtime/debug.SetPanicOnFault) but cannot prevent.
	Map(name string) (Mapping, error)
}

// MapFile maps the named file through fsys's Mapper when it has one, and reads it into the
// heap otherwise.
func MapFile(fsys FS, name string) (Mapping, error) {
	if m, ok := fsys.(Mapper); ok {
		mp, err := m.Map(name)
		if err != nil {
			return nil, fmt.Errorf("map %s: %w", name, err)
		}
		return mp, nil
	}
	data, err := ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return heapMapping(data), nil
}

// heapMapping is a file read into memory.
type heapMapping []byte

func (h heapMapping) Bytes() []byte  { return h }
func (h heapMapping) Changed() error { return nil }
func (h heapMapping) Close() error   { return nil }

// IsMapped reports whether m is a memory mapping of its file rather than a copy in the heap.
func IsMapped(m Mapping) bool {
	_, heap := m.(heapMapping)
	return !heap
}

// AdviseRandom tells the operating system that bytes [off, off+n) of a memory-mapped file
// are read at random (madvise MADV_RANDOM): a fault then loads that page alone, with no
// read-ahead and none of its cached neighbours mapped along, so resident memory grows with
// what is read. It does nothing for a mapping held in the heap.
func AdviseRandom(m Mapping, off, n int) error { return adviseRandom(m, off, n) }
