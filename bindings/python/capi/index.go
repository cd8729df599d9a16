package capi

/*
#include <stdlib.h>
#include "vajra.h"
*/
import "C"

import (
	"context"
	"math"
	"runtime"
	"sync"
	"unsafe"

	"github.com/vajrasearch/vajra"
)

// vectorIndex is a standalone index with its dimension (fixed for its life) and a pool of
// result buffers, so that a search allocates nothing.
type vectorIndex struct {
	x    *vajra.VectorIndex
	dim  int
	hits sync.Pool // *[]vajra.VectorHit
}

func newVectorIndex(x *vajra.VectorIndex) *vectorIndex {
	return &vectorIndex{x: x, dim: x.Options().Dim}
}

func (v *vectorIndex) search(q []float32, k, ef int, keys []C.int64_t, dists []C.float) (int, error) {
	buf, _ := v.hits.Get().(*[]vajra.VectorHit)
	if buf == nil {
		buf = new([]vajra.VectorHit)
	}
	hits, err := v.x.SearchInto((*buf)[:0], q, k, vajra.VectorSearchOptions{Ef: ef})
	if err == nil {
		for i, h := range hits {
			keys[i], dists[i] = C.int64_t(h.Label), C.float(h.Distance)
		}
		for i := len(hits); i < k; i++ {
			keys[i], dists[i] = -1, C.float(math.Inf(1))
		}
	}
	*buf = hits
	v.hits.Put(buf)
	return len(hits), err
}

type indexOptions struct {
	Dim            int    `json:"dim"`
	Metric         string `json:"metric"`
	Profile        string `json:"profile"`
	M              int    `json:"m"`
	EfConstruction int    `json:"ef_construction"`
	EfSearch       int    `json:"ef_search"`
	Seed           uint64 `json:"seed"`
	Threads        int    `json:"threads"`
	Quantization   string `json:"quantization"`
	Rescore        int    `json:"rescore"`
}

//export vajra_index_create
func vajra_index_create(opts *C.char, optsLen C.size_t, out *C.vajra_handle) (e *C.vajra_error) {
	defer guard(&e)
	var o indexOptions
	if err := decodeJSON(goBytes(opts, optsLen), &o, "index options"); err != nil {
		return cError(err)
	}
	if o.Dim <= 0 {
		return cError(failf(codeInvalidField, "index options: field \"dim\": want a positive dimension, got %d", o.Dim))
	}
	x, err := vajra.NewVectorIndex(vajra.VectorIndexOptions{Dim: o.Dim, Metric: o.Metric, Profile: o.Profile,
		M: o.M, EfConstruction: o.EfConstruction, EfSearch: o.EfSearch, Seed: o.Seed, Threads: o.Threads,
		Quantization: o.Quantization, Rescore: o.Rescore})
	if err != nil {
		return cError(err)
	}
	*out = C.vajra_handle(handles.add(newVectorIndex(x)))
	return nil
}

//export vajra_index_load
func vajra_index_load(path *C.char, pathLen C.size_t, out *C.vajra_handle) (e *C.vajra_error) {
	defer guard(&e)
	x, err := vajra.LoadVectorIndex(goString(path, pathLen))
	if err != nil {
		return cError(err)
	}
	*out = C.vajra_handle(handles.add(newVectorIndex(x)))
	return nil
}

//export vajra_index_close
func vajra_index_close(h C.vajra_handle) (e *C.vajra_error) {
	defer guard(&e)
	v, err := take[*vectorIndex](uint64(h), "vector index")
	if err != nil {
		return cError(err)
	}
	// Releases the mapped file of a loaded index.
	return cError(v.x.Close())
}

func (v *vectorIndex) checkDim(dim C.size_t, what string) error {
	if int(dim) != v.dim {
		return failf(codeDimension, "%s have dimension %d, the index %d", what, dim, v.dim)
	}
	return nil
}

//export vajra_index_add
func vajra_index_add(h C.vajra_handle, keys *C.uint32_t, vecs *C.float, count, dim C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	v, err := indexOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	if count == 0 {
		return nil
	}
	if err := v.checkDim(dim, "vectors"); err != nil {
		return cError(err)
	}
	if keys == nil {
		return cError(failf(codeInvalidField, "keys: NULL pointer for %d keys", count))
	}
	vs, err := floats(vecs, count, dim, "vectors")
	if err != nil {
		return cError(err)
	}
	ks := unsafe.Slice((*uint32)(unsafe.Pointer(keys)), int(count))
	return cError(v.x.Add(context.Background(), ks, vs))
}

//export vajra_index_delete
func vajra_index_delete(h C.vajra_handle, keys *C.uint32_t, count C.size_t, deleted *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	v, err := indexOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	n := 0
	if count > 0 {
		if keys == nil {
			return cError(failf(codeInvalidField, "keys: NULL pointer for %d keys", count))
		}
		n = v.x.Delete(unsafe.Slice((*uint32)(unsafe.Pointer(keys)), int(count)))
	}
	if deleted != nil {
		*deleted = C.size_t(n)
	}
	return nil
}

// checkSearch validates the arguments shared by both searches.
func checkSearch(k C.size_t, ef C.int64_t, keys *C.int64_t, dists *C.float) error {
	switch {
	case k == 0:
		return failf(codeInvalidField, "k must be at least 1")
	case k > 1<<16:
		return failf(codeInvalidField, "k %d is over the limit of %d", k, 1<<16)
	case ef < 0 || ef > 1<<16:
		return failf(codeInvalidField, "ef %d is outside [0, %d]", ef, 1<<16)
	case keys == nil || dists == nil:
		return failf(codeInvalidField, "NULL result array")
	}
	return nil
}

//export vajra_index_search
func vajra_index_search(h C.vajra_handle, q *C.float, dim, k C.size_t, ef C.int64_t, keys *C.int64_t, dists *C.float, found *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	v, err := indexOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	if err := checkSearch(k, ef, keys, dists); err != nil {
		return cError(err)
	}
	if err := v.checkDim(dim, "query values"); err != nil {
		return cError(err)
	}
	qs, err := floats(q, 1, dim, "query")
	if err != nil {
		return cError(err)
	}
	n, err := v.search(qs, int(k), int(ef), unsafe.Slice(keys, int(k)), unsafe.Slice(dists, int(k)))
	if err != nil {
		return cError(err)
	}
	if found != nil {
		*found = C.size_t(n)
	}
	return nil
}

//export vajra_index_search_batch
func vajra_index_search_batch(h C.vajra_handle, qs *C.float, count, dim, k C.size_t, ef, threads C.int64_t, keys *C.int64_t, dists *C.float, found *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	v, err := indexOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	if count == 0 {
		return nil
	}
	if err := checkSearch(k, ef, keys, dists); err != nil {
		return cError(err)
	}
	if found == nil {
		return cError(failf(codeInvalidField, "NULL found array"))
	}
	if err := v.checkDim(dim, "queries"); err != nil {
		return cError(err)
	}
	all, err := floats(qs, count, dim, "queries")
	if err != nil {
		return cError(err)
	}
	n, kk, d := int(count), int(k), int(dim)
	allKeys := unsafe.Slice(keys, n*kk)
	allDists := unsafe.Slice(dists, n*kk)
	allFound := unsafe.Slice(found, n)
	workers := int(threads)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	// Queries are dealt out in small chunks from a shared counter, so that a slow query does
	// not leave the other threads idle.
	const chunk = 16
	var next sync.Mutex
	pos := 0
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				lo := pos
				pos += chunk
				next.Unlock()
				if lo >= n || errs[w] != nil {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					got, err := v.search(all[i*d:(i+1)*d], kk, int(ef), allKeys[i*kk:(i+1)*kk], allDists[i*kk:(i+1)*kk])
					if err != nil {
						errs[w] = failf(codeOf(err), "query %d: %v", i, err)
						return
					}
					allFound[i] = C.size_t(got)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return cError(err)
		}
	}
	return nil
}

//export vajra_index_get
func vajra_index_get(h C.vajra_handle, key C.uint32_t, vec *C.float, dim C.size_t, found *C.int32_t) (e *C.vajra_error) {
	defer guard(&e)
	v, err := indexOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	if err := v.checkDim(dim, "the output array's values"); err != nil {
		return cError(err)
	}
	if vec == nil || found == nil {
		return cError(failf(codeInvalidField, "NULL output array"))
	}
	got, ok := v.x.Vector(uint32(key))
	*found = 0
	if ok {
		copy(unsafe.Slice((*float32)(unsafe.Pointer(vec)), v.dim), got)
		*found = 1
	}
	return nil
}

//export vajra_index_save
func vajra_index_save(h C.vajra_handle, path *C.char, pathLen C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	v, err := indexOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	return cError(v.x.Save(goString(path, pathLen)))
}

//export vajra_index_stats
func vajra_index_stats(h C.vajra_handle, out **C.char, outLen *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	v, err := indexOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	o := v.x.Options()
	return cError(putJSON(map[string]any{"len": v.x.Len(), "dim": o.Dim, "metric": o.Metric, "profile": o.Profile,
		"m": o.M, "ef_construction": o.EfConstruction, "ef_search": o.EfSearch, "seed": o.Seed,
		"threads": o.Threads, "memory_bytes": v.x.MemoryBytes(), "kernel": vajra.KernelImplementation(),
		"quantization": o.Quantization, "rescore": o.Rescore, "mapped_bytes": v.x.MappedBytes()}, out, outLen))
}

//export vajra_index_promote
func vajra_index_promote(h C.vajra_handle, profile *C.char, profileLen C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	v, err := indexOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	return cError(v.x.Promote(context.Background(), goString(profile, profileLen)))
}

//export vajra_version
func vajra_version(out **C.char, outLen *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	return cError(putJSON(map[string]any{"abi": abiVersion, "go": runtime.Version(),
		"kernel": vajra.KernelImplementation()}, out, outLen))
}

// abiVersion changes whenever a function of vajra.h changes its signature or meaning, so
// that a caller can refuse a library it was not written for.
const abiVersion = 1
