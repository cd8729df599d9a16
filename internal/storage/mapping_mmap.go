//go:build (linux || darwin || freebsd || netbsd || openbsd || dragonfly) && !vajra_nommap

package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// Map maps the named file read-only and shared, so that its pages are the page cache's: they
// count towards resident memory only once touched, and the kernel may drop them again under
// pressure. The file stays open, so that Changed can ask the kernel about the very file that
// is mapped, even once its name is removed.
func (osFS) Map(name string) (Mapping, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	size := st.Size()
	if size == 0 {
		f.Close()
		return heapMapping(nil), nil
	}
	if size < 0 || size > math.MaxInt {
		f.Close()
		return nil, fmt.Errorf("%d bytes cannot be mapped", size)
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("mmap: %w", err)
	}
	return &fileMapping{name: name, f: f, st: st, data: data}, nil
}

// fileMapping is a memory-mapped file.
type fileMapping struct {
	name string
	f    *os.File
	st   fs.FileInfo // the file as mapped

	mu   sync.Mutex
	data []byte // nil once closed
}

func (m *fileMapping) Bytes() []byte { return m.data }

func (m *fileMapping) Changed() error {
	now, err := m.f.Stat()
	if err != nil {
		return fmt.Errorf("%s: %w", m.name, err)
	}
	if now.Size() != m.st.Size() || !now.ModTime().Equal(m.st.ModTime()) {
		return corruption.Errorf("%s changed while mapped: it had %d bytes modified at %s, it has %d modified at %s",
			m.name, m.st.Size(), m.st.ModTime().UTC().Format("2006-01-02T15:04:05.000000000Z"),
			now.Size(), now.ModTime().UTC().Format("2006-01-02T15:04:05.000000000Z"))
	}
	// A name that now leads to another file means the file was replaced. A missing name is
	// not a change: a writer removes the files of older snapshots, which readers keep using.
	if byName, err := os.Stat(m.name); err == nil && !os.SameFile(byName, m.st) {
		return corruption.Errorf("%s was replaced by another file while mapped", m.name)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", m.name, err)
	}
	return nil
}

func (m *fileMapping) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.data == nil {
		return nil
	}
	err := unix.Munmap(m.data)
	m.data = nil
	return errors.Join(err, m.f.Close())
}

// adviseRandom tells the kernel that bytes [off, off+n) of m are read at random, so that a
// fault loads that page alone, without read-ahead or mapping its cached neighbours:
// resident memory then grows with what is read.
func adviseRandom(m Mapping, off, n int) error {
	fm, ok := m.(*fileMapping)
	if !ok || n <= 0 {
		return nil
	}
	fm.mu.Lock()
	defer fm.mu.Unlock()
	if fm.data == nil || off < 0 || off+n > len(fm.data) {
		return nil
	}
	page := os.Getpagesize()
	lo := off / page * page
	hi := min((off+n+page-1)/page*page, len(fm.data))
	return unix.Madvise(fm.data[lo:hi], unix.MADV_RANDOM)
}
