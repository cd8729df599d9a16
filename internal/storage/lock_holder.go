package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
)

// maxHolderLen bounds the holder description read back from a lock file.
const maxHolderLen = 256

// holderDescription says who takes a lock, for the lock file: the process id, the program
// and its command word (never further arguments, which may hold secrets), the host and the
// time. A refused locker quotes it, so that "locked" comes with who holds the lock.
func holderDescription() string {
	prog := filepath.Base(os.Args[0])
	if len(os.Args) > 1 && os.Args[1] != "" && !strings.HasPrefix(os.Args[1], "-") {
		prog += " " + os.Args[1]
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "this host"
	}
	return fmt.Sprintf("pid %d (%s) on %s since %s", os.Getpid(), prog, host, time.Now().Format(time.RFC3339))
}

// writeHolder records this process as the holder of the lock file f (best effort: the lock
// itself does not depend on it). Releasing the lock empties the file again.
func writeHolder(f *os.File) {
	if f.Truncate(0) == nil {
		f.WriteAt([]byte(holderDescription()+"\n"), 0)
	}
}

// lockedBy returns the error for a lock that f's holder owns, quoting the holder's
// description when the file has one.
func lockedBy(f *os.File) error {
	buf := make([]byte, maxHolderLen)
	n, _ := f.ReadAt(buf, 0)
	return heldError(string(buf[:n]))
}

// heldError wraps ErrLocked with a cleaned-up holder description.
func heldError(holder string) error {
	holder = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, holder))
	if holder == "" {
		return fmt.Errorf("%w by another process", ErrLocked)
	}
	if strings.HasPrefix(holder, fmt.Sprintf("pid %d ", os.Getpid())) {
		holder += ", this very process"
	}
	return fmt.Errorf("%w by %s", ErrLocked, holder)
}
