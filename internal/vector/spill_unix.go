//go:build unix

package vector

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// spillFile keeps the float32 vectors of a quantised index out of the heap while it is
// built: an unlinked temporary file, written with pwrite a batch at a time and read through
// a read-only shared mapping. Its pages live in the page cache, where the kernel writes
// them back and drops them under memory pressure, and count towards the process's resident
// memory only when read, which a build on codes does not do. The file has no name, so it
// vanishes with the process, whatever happens.
type spillFile struct {
	f       *os.File
	data    []byte // mapping of capRows rows (the file is that long, sparse beyond rows)
	rowSize int    // bytes a row
	capRows int
	rows    int // rows written
}

func newSpill(dir string, dim, capRows int) (*spillFile, error) {
	f, err := os.CreateTemp(dir, ".vajra-vectors-*")
	if err != nil {
		return nil, fmt.Errorf("vector spill file: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("vector spill file: %w", err)
	}
	s := &spillFile{f: f, rowSize: 4 * dim}
	if err := s.grow(max(capRows, 1)); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// grow makes room for capRows rows: a longer file and a new mapping of it.
func (s *spillFile) grow(capRows int) error {
	if capRows <= s.capRows {
		return nil
	}
	size := int64(capRows) * int64(s.rowSize)
	if err := s.f.Truncate(size); err != nil {
		return fmt.Errorf("vector spill file: %d rows: %w", capRows, err)
	}
	data, err := unix.Mmap(int(s.f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("vector spill file: mmap: %w", err)
	}
	// Rows are read one by one, scattered: no read-ahead, no neighbours mapped along.
	_ = unix.Madvise(data, unix.MADV_RANDOM)
	if s.data != nil {
		_ = unix.Munmap(s.data)
	}
	s.data, s.capRows = data, capRows
	return nil
}

// append writes rows (whole rows of float32) after the rows written so far.
func (s *spillFile) append(rows []float32) error {
	n := len(rows) * 4 / s.rowSize
	if n == 0 {
		return nil
	}
	if s.rows+n > s.capRows {
		if err := s.grow(max(s.rows+n, s.capRows+s.capRows/8)); err != nil {
			return err
		}
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&rows[0])), n*s.rowSize)
	if _, err := s.f.WriteAt(b, int64(s.rows)*int64(s.rowSize)); err != nil {
		return fmt.Errorf("vector spill file: %w", err)
	}
	s.rows += n
	return nil
}

// floats returns the rows written, read through the mapping.
func (s *spillFile) floats() []float32 {
	if s.rows == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&s.data[0])), s.rows*s.rowSize/4)
}

// readAt reads bytes of the written rows from the file, not the mapping (so that a
// sequential copy does not make them resident).
func (s *spillFile) readAt(b []byte, off int64) (int, error) { return s.f.ReadAt(b, off) }

func (s *spillFile) close() error {
	if s.data != nil {
		_ = unix.Munmap(s.data)
		s.data = nil
	}
	return s.f.Close()
}
