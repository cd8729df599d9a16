//go:build windows

package storage

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// winLockCloser holds a LockFileEx lock, which belongs to the file handle: a second Lock from
// this same process conflicts too, and the system drops the lock when the process dies.
type winLockCloser struct{ f *os.File }

func lockFile(name string) (*winLockCloser, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	// Lock one byte far past the holder description, which must stay readable to a refused
	// locker: Windows locks forbid reading the locked range.
	ol := &windows.Overlapped{OffsetHigh: 1}
	err = windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err != nil {
		defer f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, lockedBy(f)
		}
		return nil, fmt.Errorf("LockFileEx: %w", err)
	}
	writeHolder(f)
	return &winLockCloser{f: f}, nil
}

// Close releases the lock by closing the handle; the lock file stays.
func (l *winLockCloser) Close() error {
	if l.f == nil {
		return nil
	}
	// The holder line goes first, while the lock is still held: it names the holder only.
	l.f.Truncate(0)
	err := l.f.Close()
	l.f = nil
	return err
}
