package vajra

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/vector"
	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// VectorIndexOptions configure a standalone vector index.
type VectorIndexOptions struct {
	// Dim is the vector dimension (required).
	Dim int
	// Metric is "cosine" (default), "l2" or "ip".
	Metric string
	// Profile is "quality" (default), "fast", "instant" or "exact" (a flat index: exact
	// answers, nothing to build). M, EfConstruction and EfSearch override the profile.
	Profile                     string
	M, EfConstruction, EfSearch int
	// Seed makes builds reproducible whatever the number of Threads (0 = all CPUs).
	Seed    uint64
	Threads int
	// Quantization is "none" (default: searches walk the float32 vectors), "sq8" (one byte
	// a dimension) or "bq" (one bit a dimension, for 768 dimensions and more): the graph is
	// walked on the codes and the best Rescore candidates are ranked by their float32
	// vectors, which an index opened with LoadVectorIndex reads from the mapped file.
	Quantization string
	// Rescore is how many candidates a quantised search ranks exactly (0 = 3·k for sq8,
	// 10·k for bq at 768 dimensions or more, 20·k below).
	Rescore int
	// SpillDir, for "sq8", keeps the float32 vectors of the index being built in an unnamed
	// file in this folder, memory-mapped, instead of the heap: an sq8 build reads only
	// codes, so its resident memory is about a third. It is not saved and changes nothing
	// built; "" keeps them in the heap.
	SpillDir string
}

// VectorIndex is an HNSW index over vectors identified by caller-chosen uint32 keys, for
// programs that manage their own documents (a Collection manages both). It is safe for
// concurrent use: searches run while writes and promotions proceed.
type VectorIndex struct {
	x *vector.Index
}

// VectorHit is one vector search result: the key and its distance (1−cos for cosine, −dot
// for ip, squared Euclidean for l2; smaller is closer).
type VectorHit = vector.Hit

// VectorSearchOptions tune one vector search: Ef (0 = the index default), Rescore (0 = the
// index default; quantised indexes only) and an optional Allow predicate restricting
// results to the keys it accepts.
type VectorSearchOptions struct {
	Ef      int
	Rescore int
	Allow   func(key uint32) bool
}

func (o VectorIndexOptions) internal() (vector.Options, error) {
	metric := o.Metric
	if metric == "" {
		metric = "cosine"
	}
	m, err := vector.ParseMetric(metric)
	if err != nil {
		return vector.Options{}, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	q, err := vector.ParseQuantization(o.Quantization)
	if err != nil {
		return vector.Options{}, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	return vector.Options{Dim: o.Dim, Metric: m, Profile: vector.Profile(o.Profile), M: o.M,
		EfConstruction: o.EfConstruction, EfSearch: o.EfSearch, Seed: o.Seed, Threads: o.Threads,
		Quantization: q, Rescore: o.Rescore, SpillDir: o.SpillDir}, nil
}

// NewVectorIndex returns an empty index.
func NewVectorIndex(o VectorIndexOptions) (*VectorIndex, error) {
	vo, err := o.internal()
	if err != nil {
		return nil, err
	}
	x, err := vector.NewIndex(vo)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	return &VectorIndex{x: x}, nil
}

// Add inserts len(keys) vectors, stored row after row in vecs; a key already present is
// replaced. Nothing is inserted if any vector is invalid (wrong length, NaN or infinity,
// zero under cosine, or under l2 and ip a squared norm above 2^125, whose distances could
// overflow float32); the error names its key. Queries are held to the same rules.
func (v *VectorIndex) Add(ctx context.Context, keys []uint32, vecs []float32) error {
	return v.x.Add(ctx, keys, vecs)
}

// Reserve makes room for n more vectors at once: adding many vectors in several calls then
// grows the index's arrays once instead of copying them as they grow.
func (v *VectorIndex) Reserve(n int) { v.x.Reserve(n) }

// Delete removes keys; it returns how many were present.
func (v *VectorIndex) Delete(keys []uint32) int { return v.x.Delete(keys) }

// Search returns the k nearest keys to q, nearest first.
func (v *VectorIndex) Search(q []float32, k int, o VectorSearchOptions) ([]VectorHit, error) {
	return v.SearchInto(nil, q, k, o)
}

// SearchInto is Search appending to dst[:0]; with a reused dst it does not allocate.
func (v *VectorIndex) SearchInto(dst []VectorHit, q []float32, k int, o VectorSearchOptions) ([]VectorHit, error) {
	so := vector.SearchOptions{Ef: o.Ef, Rescore: o.Rescore}
	if o.Allow != nil {
		so.Filter = vector.Predicate(o.Allow)
	}
	return v.x.SearchInto(dst, q, k, so)
}

// Len returns the number of live vectors.
func (v *VectorIndex) Len() int { return v.x.Len() }

// MemoryBytes returns the bytes held by the index's arrays.
func (v *VectorIndex) MemoryBytes() int64 { return v.x.MemoryBytes() }

// Promote rebuilds the index with another profile in the background of the caller's
// goroutine: searches and writes continue meanwhile, and the new graph replaces the old one
// atomically when it has caught up.
func (v *VectorIndex) Promote(ctx context.Context, profile string) error {
	return v.x.Promote(ctx, vector.Profile(profile))
}

// WriteTo writes the index in its binary format (versioned, checksummed).
func (v *VectorIndex) WriteTo(w io.Writer) (int64, error) { return v.x.WriteTo(w) }

// Save writes the index to path crash-safely (temporary file, fsync, rename).
func (v *VectorIndex) Save(path string) error {
	fsys := storage.OS()
	return storage.WriteFileAtomic(fsys, path, func(w io.Writer) error {
		_, err := v.x.WriteTo(w)
		return err
	})
}

// LoadVectorIndex opens an index written by Save or WriteTo. The file is memory-mapped
// where the platform allows: opening checks its structure and graph and reads nothing
// else, searches read what they touch (for a quantised index: the codes they walk and the
// vectors they rescore), and Verify checks the rest. Close releases the file; the file must
// not be modified meanwhile (Save writes a new file and renames it, which is safe).
func LoadVectorIndex(path string) (*VectorIndex, error) {
	x, err := vector.OpenFile(storage.OS(), path)
	if err != nil {
		return nil, fmt.Errorf("load vector index: %w", err)
	}
	return &VectorIndex{x: x}, nil
}

// Close releases the file of an index opened with LoadVectorIndex; any later call fails.
// It is a no-op for other indexes.
func (v *VectorIndex) Close() error { return v.x.Close() }

// Verify checks the checksums LoadVectorIndex left for later (vectors and codes) and that
// the file was not changed since it was opened; damage is an error wrapping ErrCorrupt.
func (v *VectorIndex) Verify() error { return v.x.Verify() }

// MappedBytes returns the bytes of the index read in place from its memory-mapped file
// (resident only once touched), beside the MemoryBytes held in the heap.
func (v *VectorIndex) MappedBytes() int64 { return v.x.MappedBytes() }

// ReadVectorIndex decodes an index from its binary form; data may be aliased.
func ReadVectorIndex(data []byte) (*VectorIndex, error) {
	x, err := vector.ReadIndex(data)
	if err != nil {
		return nil, fmt.Errorf("read vector index: %w", err)
	}
	return &VectorIndex{x: x}, nil
}

// Bytes returns the binary form of the index.
func (v *VectorIndex) Bytes() ([]byte, error) {
	var b bytes.Buffer
	_, err := v.x.WriteTo(&b)
	return b.Bytes(), err
}

// ResolvedVectorOptions are the parameters a VectorIndexOptions resolves to once its
// profile's defaults are applied.
type ResolvedVectorOptions struct {
	Profile                         string
	M, M0, EfConstruction, EfSearch int
	Quantization                    string
}

// Resolved reports the parameters an index built with o would use.
func (o VectorIndexOptions) Resolved() (ResolvedVectorOptions, error) {
	vo, err := o.internal()
	if err != nil {
		return ResolvedVectorOptions{}, err
	}
	vo.EnsureDefaults()
	p := string(vo.Profile)
	if p == "" {
		p = "custom"
	}
	return ResolvedVectorOptions{Profile: p, M: vo.M, M0: vo.M0, EfConstruction: vo.EfConstruction, EfSearch: vo.EfSearch,
		Quantization: string(vo.Quantization)}, nil
}

// KernelImplementation names the distance kernels chosen for this CPU ("avx2" or "generic").
func KernelImplementation() string { return kernel.Implementation() }
