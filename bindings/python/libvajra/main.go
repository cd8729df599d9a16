// Command libvajra is built as the shared library of the C interface:
//
//	go build -buildmode=c-shared -o vajra/libvajra.so ./libvajra
//
// Its exported functions come from package capi (declared in capi/vajra.h).
package main

import _ "github.com/vajrasearch/vajra/bindings/python/capi"

func main() {}
