//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// exclCloser is the lock on systems without flock(2) or LockFileEx: the lock is the
// existence of the file, created with O_EXCL. Unlike the kernel locks it survives a crash of
// its holder, so the error says how to clear it.
type exclCloser struct {
	name string
	f    *os.File
}

func lockFile(name string) (*exclCloser, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			holder, _ := os.ReadFile(name)
			return nil, fmt.Errorf("%w (the lock file %s stays after a crash: remove it if that process is gone)",
				heldError(string(holder[:min(len(holder), maxHolderLen)])), name)
		}
		return nil, err
	}
	writeHolder(f)
	return &exclCloser{name: name, f: f}, nil
}

func (l *exclCloser) Close() error {
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	if rerr := os.Remove(l.name); err == nil {
		err = rerr
	}
	l.f = nil
	return err
}
