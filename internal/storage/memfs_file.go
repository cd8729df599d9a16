package storage

import (
	"io"
	"io/fs"
)

// memFile is an open handle on a MemFS file.
type memFile struct {
	m          *MemFS
	n          *memNode
	name       string
	epoch      uint64
	read       bool
	write      bool
	appendOnly bool
	pos        int64
	closed     bool
}

// check reports why the handle cannot be used, if it cannot. Callers hold m.mu.
func (f *memFile) check(op string) error {
	switch {
	case f.closed:
		return pathErr(op, f.name, fs.ErrClosed)
	case f.epoch != f.m.epoch:
		return pathErr(op, f.name, errStale)
	}
	return nil
}

func (f *memFile) Read(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("read"); err != nil {
		return 0, err
	}
	if !f.read {
		return 0, pathErr("read", f.name, errNoRead)
	}
	if f.pos >= int64(len(f.n.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.n.data[f.pos:])
	f.pos += int64(n)
	return n, nil
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("read"); err != nil {
		return 0, err
	}
	if !f.read {
		return 0, pathErr("read", f.name, errNoRead)
	}
	if off < 0 {
		return 0, pathErr("read", f.name, fs.ErrInvalid)
	}
	if off >= int64(len(f.n.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.n.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("write"); err != nil {
		return 0, err
	}
	if !f.write {
		return 0, pathErr("write", f.name, errReadOnly)
	}
	n := f.n
	if f.appendOnly {
		f.pos = int64(len(n.data))
	}
	end := int(f.pos) + len(p)
	n.markDirty(min(int(f.pos), len(n.data)))
	if end > len(n.data) {
		n.data = grow(n.data, end)
	}
	copy(n.data[f.pos:], p)
	f.pos = int64(end)
	return len(p), nil
}

// grow extends b to length size, zero-filling the new bytes as a file hole reads.
func grow(b []byte, size int) []byte {
	old := len(b)
	if size <= cap(b) {
		b = b[:size]
		clear(b[old:])
		return b
	}
	nb := make([]byte, size, max(size, 2*cap(b)))
	copy(nb, b)
	return nb
}

func (n *memNode) markDirty(from int) { n.dirtyFrom = min(n.dirtyFrom, from) }

func (f *memFile) Truncate(size int64) error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("truncate"); err != nil {
		return err
	}
	if !f.write {
		return pathErr("truncate", f.name, errReadOnly)
	}
	if size < 0 || size > 1<<40 {
		return pathErr("truncate", f.name, fs.ErrInvalid)
	}
	n := f.n
	n.markDirty(min(int(size), len(n.data)))
	if int(size) <= len(n.data) {
		n.data = n.data[:size]
	} else {
		n.data = grow(n.data, int(size))
	}
	return nil
}

// Sync makes the file's current bytes its durable bytes, copying only what changed since the
// last Sync.
func (f *memFile) Sync() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("sync"); err != nil {
		return err
	}
	n := f.n
	k := min(n.dirtyFrom, len(n.data), len(n.synced))
	n.synced = append(n.synced[:k], n.data[k:]...)
	n.dirtyFrom = len(n.data)
	return nil
}

func (f *memFile) Stat() (fs.FileInfo, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("stat"); err != nil {
		return nil, err
	}
	return f.n.info(f.m.PathBase(f.name)), nil
}

// Close releases the handle. Closing a handle that a simulated crash already killed is not an
// error: the process it belonged to is gone.
func (f *memFile) Close() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.closed {
		return pathErr("close", f.name, fs.ErrClosed)
	}
	f.closed = true
	return nil
}
