package storage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/vajrasearch/vajra/internal/binfile"
)

// ErrVersion reports a file written by a newer (or unknown) version of a format.
var ErrVersion = binfile.ErrVersion

// ErrLocked reports that another holder (in this process or another one) owns a lock file.
// Errors from FS.Lock wrap it with who holds the lock when they can tell.
var ErrLocked = errors.New("locked")

// File is an open file. Files from FS.Create are write-only, files from FS.Open read-only,
// and files from FS.OpenReadWrite both, with every write going to the end of the file.
type File interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.Closer
	// Sync makes the file's contents and size durable. It says nothing about the file's
	// name: that takes FS.SyncDir of its directory.
	Sync() error
	Stat() (fs.FileInfo, error)
	Truncate(size int64) error
}

// FS is every file-system operation Vajra performs. Code that touches the disk goes through
// it, so tests can run the same code on MemFS (and simulate crashes) or wrap it in an ErrorFS
// (and inject faults).
type FS interface {
	// Create creates the named file, or truncates it if it exists, and opens it write-only.
	Create(name string) (File, error)
	// Open opens an existing file read-only.
	Open(name string) (File, error)
	// OpenReadWrite opens an existing file for reading anywhere and appending: every write
	// goes to the current end of the file.
	OpenReadWrite(name string) (File, error)
	// Rename atomically replaces newname (if it exists) with oldname.
	Rename(oldname, newname string) error
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// RemoveAll removes name and everything below it; a missing name is not an error.
	RemoveAll(name string) error
	// MkdirAll creates dir and any missing parents.
	MkdirAll(dir string, perm fs.FileMode) error
	// List returns the names (not paths) of dir's entries, sorted.
	List(dir string) ([]string, error)
	// Stat describes the named file or directory.
	Stat(name string) (fs.FileInfo, error)
	// SyncDir makes the creates, renames and removes of names in dir durable.
	SyncDir(dir string) error
	// Lock takes an exclusive lock on the named file, creating it if needed. A second Lock on
	// the same path fails with an error wrapping ErrLocked until the first is closed, whether
	// it comes from this process or (for OS) another one; the error says which process holds
	// the lock when it can tell (OS keeps that in the lock file). A crash releases the lock.
	Lock(name string) (io.Closer, error)
	// PathJoin, PathDir and PathBase manipulate paths with this FS's separator.
	PathJoin(elem ...string) string
	PathDir(name string) string
	PathBase(name string) string
}

// ReadFile returns the whole contents of the named file, read sequentially from one handle.
func ReadFile(fsys FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if st, err := f.Stat(); err == nil && st.Size() > 0 && st.Size() < 1<<40 {
		buf.Grow(int(st.Size()) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// SyncMkdirAll creates dir and any missing parents, like FS.MkdirAll, and then syncs the
// parent of every directory it created, so that dir survives a crash once SyncMkdirAll returns.
func SyncMkdirAll(fsys FS, dir string, perm fs.FileMode) error {
	var missing []string
	for d := dir; ; {
		if _, err := fsys.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("mkdir %s: %w", dir, err)
		}
		missing = append(missing, d)
		parent := fsys.PathDir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if err := fsys.MkdirAll(dir, perm); err != nil {
		return fmt.Errorf("mkdir %s: %w", dir, err)
	}
	// Sync from the top down: a directory's entry is only useful once its parent's is durable.
	for i := len(missing) - 1; i >= 0; i-- {
		parent := fsys.PathDir(missing[i])
		if parent == missing[i] {
			continue
		}
		if err := fsys.SyncDir(parent); err != nil {
			return fmt.Errorf("mkdir %s: %w", dir, err)
		}
	}
	return nil
}
