// Package capi exports the Vajra engine as a C interface (vajra.h): collections and
// standalone vector indexes reached through integer handles, errors as a stable code plus a
// message, documents and requests as JSON, vectors as raw float32 arrays. The libvajra
// package builds it into a shared library (go build -buildmode=c-shared); the Python package
// loads that library with ctypes.
//
// A C caller holds no Go pointer: objects live in a process-wide handle table (the one piece
// of global state, as a shared library has no other place to keep what its caller opened),
// and a handle used after close is an error. Pointers the caller passes in are read during
// the call only.
package capi
