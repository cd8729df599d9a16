// Package capitest calls the C interface of package capi through cgo, the way a C program
// would, so that its tests catch a broken export. It holds no code used elsewhere.
package capitest

/*
#cgo CFLAGS: -I${SRCDIR}/../capi
#include <stdlib.h>
#include "vajra.h"
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"unsafe"

	_ "github.com/vajrasearch/vajra/bindings/python/capi"
)

// Error is an error returned through the C interface.
type Error struct{ Code, Message string }

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func check(e *C.vajra_error) error {
	if e == nil {
		return nil
	}
	defer C.vajra_error_free(e)
	return &Error{Code: C.GoString(e.code), Message: C.GoString(e.message)}
}

// cstr copies s to C memory; the caller frees it.
func cstr(s string) (*C.char, C.size_t) {
	return (*C.char)(C.CBytes([]byte(s))), C.size_t(len(s))
}

func take(p *C.char, n C.size_t) []byte {
	defer C.free(unsafe.Pointer(p))
	return C.GoBytes(unsafe.Pointer(p), C.int(n))
}

// cfloats copies v to C memory; the caller frees it.
func cfloats(v []float32) *C.float {
	if len(v) == 0 {
		return nil
	}
	p := (*C.float)(C.malloc(C.size_t(4 * len(v))))
	copy(unsafe.Slice((*float32)(unsafe.Pointer(p)), len(v)), v)
	return p
}

func free[T any](p *T) { C.free(unsafe.Pointer(p)) }

// Version returns vajra_version's JSON.
func Version() (map[string]any, error) {
	var out *C.char
	var n C.size_t
	if err := check(C.vajra_version(&out, &n)); err != nil {
		return nil, err
	}
	var v map[string]any
	return v, json.Unmarshal(take(out, n), &v)
}

// Create calls vajra_collection_create.
func Create(path, options string) (uint64, error) {
	p, pn := cstr(path)
	defer free(p)
	o, on := cstr(options)
	defer free(o)
	var h C.vajra_handle
	err := check(C.vajra_collection_create(p, pn, o, on, &h))
	return uint64(h), err
}

// Open calls vajra_collection_open.
func Open(path, options string) (uint64, error) {
	p, pn := cstr(path)
	defer free(p)
	o, on := cstr(options)
	defer free(o)
	var h C.vajra_handle
	err := check(C.vajra_collection_open(p, pn, o, on, &h))
	return uint64(h), err
}

// Close calls vajra_collection_close.
func Close(h uint64) error { return check(C.vajra_collection_close(C.vajra_handle(h))) }

// Upsert calls vajra_collection_upsert with rows of dim vectors.
func Upsert(h uint64, docs string, vecs []float32, dim int) (string, error) {
	d, dn := cstr(docs)
	defer free(d)
	v := cfloats(vecs)
	defer free(v)
	count := 0
	if dim > 0 {
		count = len(vecs) / dim
	}
	var out *C.char
	var n C.size_t
	if err := check(C.vajra_collection_upsert(C.vajra_handle(h), d, dn, v, C.size_t(count), C.size_t(dim), &out, &n)); err != nil {
		return "", err
	}
	return string(take(out, n)), nil
}

// Delete calls vajra_collection_delete.
func Delete(h uint64, ids string) (string, error) {
	d, dn := cstr(ids)
	defer free(d)
	var out *C.char
	var n C.size_t
	if err := check(C.vajra_collection_delete(C.vajra_handle(h), d, dn, &out, &n)); err != nil {
		return "", err
	}
	return string(take(out, n)), nil
}

// Get calls vajra_collection_get.
func Get(h uint64, id string) (string, []float32, error) {
	d, dn := cstr(id)
	defer free(d)
	var out *C.char
	var n, dim C.size_t
	var vec *C.float
	if err := check(C.vajra_collection_get(C.vajra_handle(h), d, dn, &out, &n, &vec, &dim)); err != nil {
		return "", nil, err
	}
	var v []float32
	if vec != nil {
		v = append(v, unsafe.Slice((*float32)(unsafe.Pointer(vec)), int(dim))...)
		free(vec)
	}
	return string(take(out, n)), v, nil
}

// Search calls vajra_collection_search.
func Search(h uint64, req string, vec []float32) (string, error) {
	r, rn := cstr(req)
	defer free(r)
	v := cfloats(vec)
	defer free(v)
	var out *C.char
	var n C.size_t
	if err := check(C.vajra_collection_search(C.vajra_handle(h), r, rn, v, C.size_t(len(vec)), &out, &n)); err != nil {
		return "", err
	}
	return string(take(out, n)), nil
}

// Explain calls vajra_collection_explain.
func Explain(h uint64, req, id string) (string, error) {
	r, rn := cstr(req)
	defer free(r)
	d, dn := cstr(id)
	defer free(d)
	var out *C.char
	var n C.size_t
	if err := check(C.vajra_collection_explain(C.vajra_handle(h), r, rn, nil, 0, d, dn, &out, &n)); err != nil {
		return "", err
	}
	return string(take(out, n)), nil
}

// jsonCall runs one of the functions that only write JSON out.
func jsonCall(call func(out **C.char, n *C.size_t) *C.vajra_error) (string, error) {
	var out *C.char
	var n C.size_t
	if err := check(call(&out, &n)); err != nil {
		return "", err
	}
	return string(take(out, n)), nil
}

// Stats calls vajra_collection_stats.
func Stats(h uint64) (string, error) {
	return jsonCall(func(o **C.char, n *C.size_t) *C.vajra_error { return C.vajra_collection_stats(C.vajra_handle(h), o, n) })
}

// IDs calls vajra_collection_ids.
func IDs(h uint64) (string, error) {
	return jsonCall(func(o **C.char, n *C.size_t) *C.vajra_error { return C.vajra_collection_ids(C.vajra_handle(h), o, n) })
}

// Flush calls vajra_collection_flush.
func Flush(h uint64) error { return check(C.vajra_collection_flush(C.vajra_handle(h))) }

// Embed calls vajra_collection_embed.
func Embed(h uint64, texts string) ([][]float32, error) {
	t, tn := cstr(texts)
	defer free(t)
	var out *C.float
	var count, dim C.size_t
	if err := check(C.vajra_collection_embed(C.vajra_handle(h), t, tn, &out, &count, &dim)); err != nil {
		return nil, err
	}
	defer free(out)
	flat := unsafe.Slice((*float32)(unsafe.Pointer(out)), int(count*dim))
	vs := make([][]float32, count)
	for i := range vs {
		vs[i] = append([]float32(nil), flat[i*int(dim):(i+1)*int(dim)]...)
	}
	return vs, nil
}

// Promote calls vajra_collection_promote.
func Promote(h uint64, profile string) error {
	p, pn := cstr(profile)
	defer free(p)
	return check(C.vajra_collection_promote(C.vajra_handle(h), p, pn))
}

// Check calls vajra_check.
func Check(path string) (string, error) {
	p, pn := cstr(path)
	defer free(p)
	return jsonCall(func(o **C.char, n *C.size_t) *C.vajra_error { return C.vajra_check(p, pn, o, n) })
}

// IndexCreate calls vajra_index_create.
func IndexCreate(options string) (uint64, error) {
	o, on := cstr(options)
	defer free(o)
	var h C.vajra_handle
	err := check(C.vajra_index_create(o, on, &h))
	return uint64(h), err
}

// IndexLoad calls vajra_index_load.
func IndexLoad(path string) (uint64, error) {
	p, pn := cstr(path)
	defer free(p)
	var h C.vajra_handle
	err := check(C.vajra_index_load(p, pn, &h))
	return uint64(h), err
}

// IndexClose calls vajra_index_close.
func IndexClose(h uint64) error { return check(C.vajra_index_close(C.vajra_handle(h))) }

// IndexAdd calls vajra_index_add.
func IndexAdd(h uint64, keys []uint32, vecs []float32, dim int) error {
	var k *C.uint32_t
	if len(keys) > 0 {
		k = (*C.uint32_t)(C.malloc(C.size_t(4 * len(keys))))
		copy(unsafe.Slice((*uint32)(unsafe.Pointer(k)), len(keys)), keys)
		defer free(k)
	}
	v := cfloats(vecs)
	defer free(v)
	return check(C.vajra_index_add(C.vajra_handle(h), k, v, C.size_t(len(keys)), C.size_t(dim)))
}

// IndexDelete calls vajra_index_delete.
func IndexDelete(h uint64, keys []uint32) (int, error) {
	k := (*C.uint32_t)(C.malloc(C.size_t(4*len(keys) + 4)))
	defer free(k)
	copy(unsafe.Slice((*uint32)(unsafe.Pointer(k)), len(keys)), keys)
	var n C.size_t
	err := check(C.vajra_index_delete(C.vajra_handle(h), k, C.size_t(len(keys)), &n))
	return int(n), err
}

// IndexSearch calls vajra_index_search.
func IndexSearch(h uint64, q []float32, k, ef int) ([]int64, []float32, error) {
	v := cfloats(q)
	defer free(v)
	keys := (*C.int64_t)(C.malloc(C.size_t(8*k + 8)))
	defer free(keys)
	dists := (*C.float)(C.malloc(C.size_t(4*k + 4)))
	defer free(dists)
	var n C.size_t
	if err := check(C.vajra_index_search(C.vajra_handle(h), v, C.size_t(len(q)), C.size_t(k), C.int64_t(ef), keys, dists, &n)); err != nil {
		return nil, nil, err
	}
	ks := append([]int64(nil), unsafe.Slice((*int64)(unsafe.Pointer(keys)), k)...)
	ds := append([]float32(nil), unsafe.Slice((*float32)(unsafe.Pointer(dists)), k)...)
	if int(n) > k {
		return nil, nil, fmt.Errorf("found %d > k %d", n, k)
	}
	return ks[:n], ds[:n], nil
}

// IndexSearchBatch calls vajra_index_search_batch; it returns count×k keys and distances
// and the count of each query's results.
func IndexSearchBatch(h uint64, qs []float32, dim, k, ef, threads int) ([]int64, []float32, []int, error) {
	count := len(qs) / dim
	v := cfloats(qs)
	defer free(v)
	keys := (*C.int64_t)(C.malloc(C.size_t(8*count*k + 8)))
	defer free(keys)
	dists := (*C.float)(C.malloc(C.size_t(4*count*k + 4)))
	defer free(dists)
	found := (*C.size_t)(C.malloc(C.size_t(8*count + 8)))
	defer free(found)
	if err := check(C.vajra_index_search_batch(C.vajra_handle(h), v, C.size_t(count), C.size_t(dim), C.size_t(k),
		C.int64_t(ef), C.int64_t(threads), keys, dists, found)); err != nil {
		return nil, nil, nil, err
	}
	ks := append([]int64(nil), unsafe.Slice((*int64)(unsafe.Pointer(keys)), count*k)...)
	ds := append([]float32(nil), unsafe.Slice((*float32)(unsafe.Pointer(dists)), count*k)...)
	fs := make([]int, count)
	for i, f := range unsafe.Slice((*C.size_t)(found), count) {
		fs[i] = int(f)
	}
	return ks, ds, fs, nil
}

// IndexGet calls vajra_index_get.
func IndexGet(h uint64, key uint32, dim int) ([]float32, bool, error) {
	v := (*C.float)(C.malloc(C.size_t(4*dim + 4)))
	defer free(v)
	var found C.int32_t
	if err := check(C.vajra_index_get(C.vajra_handle(h), C.uint32_t(key), v, C.size_t(dim), &found)); err != nil {
		return nil, false, err
	}
	return append([]float32(nil), unsafe.Slice((*float32)(unsafe.Pointer(v)), dim)...), found != 0, nil
}

// IndexSave calls vajra_index_save.
func IndexSave(h uint64, path string) error {
	p, pn := cstr(path)
	defer free(p)
	return check(C.vajra_index_save(C.vajra_handle(h), p, pn))
}

// IndexStats calls vajra_index_stats.
func IndexStats(h uint64) (string, error) {
	return jsonCall(func(o **C.char, n *C.size_t) *C.vajra_error { return C.vajra_index_stats(C.vajra_handle(h), o, n) })
}

// IndexPromote calls vajra_index_promote.
func IndexPromote(h uint64, profile string) error {
	p, pn := cstr(profile)
	defer free(p)
	return check(C.vajra_index_promote(C.vajra_handle(h), p, pn))
}
