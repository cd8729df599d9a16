package storage

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
)

// ErrFault reports a memory fault while reading a mapped file: the file shrank (another
// program truncated it) or its storage failed after it was mapped.
var ErrFault = errors.New("fault reading a memory-mapped file (truncated, or its storage lost?)")

// GuardFault makes a memory fault in the calling goroutine, such as the SIGBUS of reading a
// mapped page whose file was truncated, panic instead of killing the process, and turns that
// panic into *err (wrapping ErrFault) when the function it returns runs deferred:
//
//	defer storage.GuardFault(&err)()
//
// Other panics pass through unchanged.
func GuardFault(err *error) func() {
	old := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(old)
		// recover works only when called by the deferred function itself.
		if e, ok := FaultError(recover()); ok {
			*err = e
		}
	}
}

// FaultError converts the value of a recovered panic, for deferred functions that call
// recover themselves: a memory fault becomes an error wrapping ErrFault (ok true), nil
// stays nil (ok false), and any other panic is raised again.
func FaultError(r any) (error, bool) {
	if r == nil {
		return nil, false
	}
	if re, ok := r.(runtime.Error); ok {
		if _, hasAddr := r.(interface{ Addr() uintptr }); hasAddr {
			return fmt.Errorf("%w: %v", ErrFault, re), true
		}
	}
	panic(r)
}
