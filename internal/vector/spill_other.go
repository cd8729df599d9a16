//go:build !unix

package vector

import "errors"

// spillFile is not available without mmap: vectors stay in the heap.
type spillFile struct{ rows int }

func newSpill(string, int, int) (*spillFile, error) {
	return nil, errors.New("vector spill files need memory mapping, which this platform lacks")
}

func (s *spillFile) grow(int) error                    { return nil }
func (s *spillFile) append([]float32) error            { return nil }
func (s *spillFile) floats() []float32                 { return nil }
func (s *spillFile) readAt([]byte, int64) (int, error) { return 0, nil }
func (s *spillFile) close() error                      { return nil }
