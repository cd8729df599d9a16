//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package storage

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// flockCloser holds a flock(2) lock. flock locks belong to the open file description, not
// the process, so a second Lock from this same process conflicts too, and the kernel drops
// the lock when the process dies.
type flockCloser struct{ f *os.File }

func lockFile(name string) (*flockCloser, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	var lockErr error
	if err := raw.Control(func(fd uintptr) {
		for {
			lockErr = unix.Flock(int(fd), unix.LOCK_EX|unix.LOCK_NB)
			if lockErr != unix.EINTR {
				return
			}
		}
	}); err != nil {
		f.Close()
		return nil, err
	}
	if lockErr != nil {
		defer f.Close()
		if errors.Is(lockErr, unix.EWOULDBLOCK) {
			return nil, lockedBy(f)
		}
		return nil, fmt.Errorf("flock: %w", lockErr)
	}
	writeHolder(f)
	return &flockCloser{f: f}, nil
}

// Close releases the lock by closing the descriptor. The lock file stays: removing it would
// let a waiting locker and a newcomer lock two different files of the same name.
func (l *flockCloser) Close() error {
	if l.f == nil {
		return nil
	}
	// The holder line goes first, while the lock is still held: it names the holder only.
	l.f.Truncate(0)
	err := l.f.Close()
	l.f = nil
	return err
}
