package capi

import (
	"sync"
	"sync/atomic"

	"github.com/vajrasearch/vajra"
)

// table maps handles to objects. Handles count up from 1 and are never reused, so a stale
// handle cannot reach an object opened later.
type table struct {
	mu   sync.RWMutex
	next uint64
	objs map[uint64]any
}

var handles = &table{objs: map[uint64]any{}}

func (t *table) add(o any) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next++
	t.objs[t.next] = o
	return t.next
}

func (t *table) get(h uint64) (any, bool) {
	t.mu.RLock()
	o, ok := t.objs[h]
	t.mu.RUnlock()
	return o, ok
}

// lookup returns the object of handle h if it is a T.
func lookup[T any](h uint64, what string) (T, error) {
	var zero T
	o, ok := handles.get(h)
	if !ok {
		return zero, failf(codeClosed, "%s handle %d is closed or was never opened", what, h)
	}
	x, ok := o.(T)
	if !ok {
		return zero, failf(codeClosed, "handle %d is not a %s", h, what)
	}
	return x, nil
}

// take removes handle h, if it holds a T, so that every later use fails, and returns its
// object.
func take[T any](h uint64, what string) (T, error) {
	var zero T
	handles.mu.Lock()
	defer handles.mu.Unlock()
	o, ok := handles.objs[h]
	if !ok {
		return zero, failf(codeClosed, "%s handle %d is closed or was never opened", what, h)
	}
	x, ok := o.(T)
	if !ok {
		return zero, failf(codeClosed, "handle %d is not a %s", h, what)
	}
	delete(handles.objs, h)
	return x, nil
}

// collection is an open collection with its vector dimension, cached once known (it never
// changes after the first vector).
type collection struct {
	c   *vajra.Collection
	dim atomic.Int64
}

func (c *collection) vectorDim() int {
	if d := c.dim.Load(); d != 0 {
		return int(d)
	}
	d := c.c.Stats().VectorDim
	c.dim.Store(int64(d))
	return d
}

func collectionOf(h uint64) (*collection, error) {
	return lookup[*collection](h, "collection")
}

func indexOf(h uint64) (*vectorIndex, error) {
	return lookup[*vectorIndex](h, "vector index")
}
