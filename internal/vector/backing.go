package vector

import (
	"context"
	"fmt"
	"io"
	"sync"
)

// backing is an index an Index serves from: an HNSW graph or a Flat scan, and any other
// kind that stores labelled vectors (a graph over quantised codes that rescores with the
// full vectors, say, or one whose arenas are memory-mapped file sections). Index owns the
// locking, so a backing only promises that its reads may run concurrently with each other
// and that its writes, called one at a time, take publish (the lock that keeps searches
// out) around every step that changes what searches read, and may do their slow work (a
// graph's neighbour search) without it.
type backing interface {
	// options returns the options that describe the index; Profile names its kind
	// (ProfileExact for a Flat), and NewIndex with them builds an empty one like it.
	options() Options
	SetThreads(n int)

	Len() int
	Contains(label uint32) bool
	Vector(label uint32) ([]float32, bool)
	MemoryBytes() int64
	SearchInto(dst []Hit, q []float32, k int, o SearchOptions) ([]Hit, error)
	SearchByLabel(dst []Hit, label uint32, k int, o SearchOptions) ([]Hit, error)
	// WriteTo writes the index in its own file format, which readBacking recognises by
	// its magic.
	WriteTo(w io.Writer) (int64, error)

	// add validates the whole batch against acc, then inserts or replaces it. When ctx
	// stops it midway it returns ctx's error and the positions in labels that did take
	// effect, in order (with repeated labels only the last occurrence ever does);
	// otherwise nil positions: all of the batch or none of it.
	add(ctx context.Context, labels []uint32, vecs []float32, acc acceptance, publish sync.Locker) ([]int32, error)
	// Delete is called with publish held.
	Delete(labels []uint32) int
	// Reserve is called with publish held.
	Reserve(n int)
	// release frees what the backing holds outside the heap; nothing uses it afterwards.
	release() error
	// compact drops deleted entries when forced or when they have become due; on a
	// cancelled ctx it returns before changing anything.
	compact(ctx context.Context, force bool, publish sync.Locker) error
	// live copies the live labels and their stored vectors, in storage order.
	live() ([]uint32, []float32)
}

var (
	_ backing = (*HNSW)(nil)
	_ backing = (*Flat)(nil)
)

// newBacking returns an empty index for o: a Flat for ProfileExact, else an HNSW graph.
func newBacking(o Options) (backing, error) {
	if o.Profile == ProfileExact {
		return newFlat(o)
	}
	return NewHNSW(o)
}

// readBacking decodes what a backing's WriteTo wrote, choosing the reader by magic.
func readBacking(data []byte) (backing, error) {
	if len(data) >= len(flatMagic) && string(data[:len(flatMagic)]) == flatMagic {
		f, err := ReadFlat(data)
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	h, err := ReadHNSW(data)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// unlocked is the publish lock of an index that no one else can see (a standalone HNSW or
// Flat, or a promotion's new index before the swap).
type unlocked struct{}

func (unlocked) Lock()   {}
func (unlocked) Unlock() {}

// cancelled returns ctx's error wrapped with the operation, or nil.
func cancelled(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
