package capi

/*
#include <stdlib.h>
#include "vajra.h"
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"unsafe"
)

// cError turns err into a malloc'd vajra_error (nil for nil).
func cError(err error) *C.vajra_error {
	if err == nil {
		return nil
	}
	e := (*C.vajra_error)(C.malloc(C.size_t(unsafe.Sizeof(C.vajra_error{}))))
	e.code = C.CString(codeOf(err))
	e.message = C.CString(err.Error())
	return e
}

// guard turns a panic in an exported function into an "internal" error, so that a bug
// cannot take the caller's process down.
func guard(e **C.vajra_error) {
	if r := recover(); r != nil {
		*e = cError(failf(codeInternal, "internal error: %v\n%s", r, debug.Stack()))
	}
}

// goString copies a pointer + length string.
func goString(p *C.char, n C.size_t) string {
	if p == nil || n == 0 {
		return ""
	}
	return C.GoStringN(p, C.int(n))
}

// goBytes views caller memory for the duration of the call.
func goBytes(p *C.char, n C.size_t) []byte {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

// floats views count×dim float32 values of caller memory for the duration of the call.
func floats(p *C.float, count, dim C.size_t, what string) ([]float32, error) {
	n := uint64(count) * uint64(dim)
	if n == 0 {
		return nil, nil
	}
	if p == nil {
		return nil, failf(codeInvalidField, "%s: NULL pointer for %d values", what, n)
	}
	if n > 1<<40 || (dim != 0 && uint64(count) > (1<<40)/uint64(dim)) {
		return nil, failf(codeInvalidField, "%s: %d×%d values is too many", what, count, dim)
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(p)), int(n)), nil
}

// putBytes hands b to the caller as a malloc'd buffer.
func putBytes(b []byte, out **C.char, outLen *C.size_t) error {
	if out == nil || outLen == nil {
		return failf(codeInvalidField, "NULL output pointer")
	}
	*out = (*C.char)(C.CBytes(b))
	*outLen = C.size_t(len(b))
	return nil
}

// putJSON hands v's JSON to the caller.
func putJSON(v any, out **C.char, outLen *C.size_t) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	return putBytes(b, out, outLen)
}

//export vajra_free
func vajra_free(p unsafe.Pointer) { C.free(p) }

//export vajra_error_free
func vajra_error_free(e *C.vajra_error) {
	if e == nil {
		return
	}
	C.free(unsafe.Pointer(e.code))
	C.free(unsafe.Pointer(e.message))
	C.free(unsafe.Pointer(e))
}
