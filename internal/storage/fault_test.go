package storage

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestGuardFaultTruncated reads a mapped page whose file was truncated: unguarded that is a
// SIGBUS that kills the process; guarded, an error.
func TestGuardFaultTruncated(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	if err := WriteFileAtomic(OS(), name, func(w io.Writer) error {
		_, err := w.Write(bytes.Repeat([]byte{1}, 3*4096))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	m, err := MapFile(OS(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !IsMapped(m) {
		t.Skip("no memory mapping on this platform")
	}
	if err := os.Truncate(name, 100); err != nil {
		t.Fatal(err)
	}
	read := func() (sum int, err error) {
		defer GuardFault(&err)()
		for _, b := range m.Bytes()[8192:] {
			sum += int(b)
		}
		return sum, nil
	}
	if _, err := read(); !errors.Is(err, ErrFault) {
		t.Fatalf("reading a truncated mapping: err = %v, want ErrFault", err)
	}
	// Other panics are not swallowed.
	defer func() {
		if r := recover(); r != "boom" {
			t.Fatalf("recovered %v, want the original panic", r)
		}
	}()
	func() {
		var err error
		defer GuardFault(&err)()
		panic("boom")
	}()
}
