// Package kernel owns the float32 distance kernels under every vector index: dot product,
// squared Euclidean distance, their row-gathering forms used by graph search, and vector
// norms; a blocked float64 matrix product (Packed.MulAdd) for exact ground truth and data
// generation; a float32 matrix tile (MulPanel), softmax and GELU under the local
// transformer embedder; and the distance kernels of quantised codes (sq8 bytes, bits). It has a portable Go implementation and, on amd64 CPUs with AVX2 and
// FMA, an assembly one, chosen once at start-up. It does not own vector storage, metrics or
// index logic.
//
// Callers pass slices of equal length; the kernels check only what memory safety needs
// (b at least as long as a, row ids inside base, out long enough) and panic when that
// contract is broken, like an index expression would. Indexes validate dimensions once, at
// insert and at query time, not per distance.
//
// Results of one implementation are deterministic: the same inputs give the same bits, and
// the row forms give exactly the bits of the single-vector forms. Different implementations
// sum in different orders, so their results may differ in the last bits (and so may
// anything built from them, such as a graph on a CPU without AVX2). Over n elements each
// stays within γ·S + (n+8)·2⁻¹⁴⁹ of the exact value, where γ = (n+2)·2⁻²⁴ to first order
// and S is Σ|aᵢbᵢ| for Dot and Σ(aᵢ-bᵢ)² for L2Sq; the second term only matters when
// products or sums fall into the subnormal range. The tests hold every implementation to
// this bound.
//
// The pure-Go implementation alone is built with the purego build tag or on other
// architectures.
package kernel

import "fmt"

// active is the implementation chosen at start-up; it is never reassigned.
var active = implementations()[0]

// Dot returns the dot product of a and b. b must be at least as long as a; only the first
// len(a) elements of b are read.
func Dot(a, b []float32) float32 { return active.dot(a, b) }

// L2Sq returns the squared Euclidean distance between a and b. b must be at least as long
// as a; only the first len(a) elements of b are read.
func L2Sq(a, b []float32) float32 { return active.l2sq(a, b) }

// DotRows computes out[i] = Dot(q, row ids[i] of base), where base holds rows of len(q)
// float32s back to back. It is how a graph search scores a node's neighbours, whose rows
// are scattered over an arena far larger than the caches: the assembly path prefetches
// rows ahead of the one it computes, so their cache misses overlap instead of being waited
// for one by one (several times faster than calling Dot in a loop on such an arena). out
// must hold at least len(ids) elements; every id must name a whole row of base. Each
// out[i] has exactly the bits Dot would return for that row.
func DotRows(q, base []float32, ids []uint32, out []float32) { active.dotRows(q, base, ids, out) }

// L2SqRows computes out[i] = L2Sq(q, row ids[i] of base), with the contract of DotRows.
func L2SqRows(q, base []float32, ids []uint32, out []float32) {
	active.l2sqRows(q, base, ids, out)
}

// Implementation names the kernel implementation in use ("avx2" or "generic"),
// for benchmark reports and diagnostics.
func Implementation() string { return active.name }

// implementation is one complete set of kernels. Every function enforces the memory-safety
// part of the package contract itself, so tests can call any implementation directly.
type implementation struct {
	name     string
	dot      func(a, b []float32) float32
	l2sq     func(a, b []float32) float32
	dotRows  func(q, base []float32, ids []uint32, out []float32)
	l2sqRows func(q, base []float32, ids []uint32, out []float32)
}

// generic is the portable implementation, available everywhere.
var generic = implementation{
	name:     "generic",
	dot:      dotGeneric,
	l2sq:     l2sqGeneric,
	dotRows:  dotRowsGeneric,
	l2sqRows: l2sqRowsGeneric,
}

// checkRows enforces the length part of the row contract and returns how many whole rows
// of dim elements base holds (0 when dim is 0: every id then names the empty row).
func checkRows(dim int, base []float32, ids []uint32, out []float32) int {
	if len(out) < len(ids) {
		panic(fmt.Sprintf("kernel: out holds %d elements for %d ids", len(out), len(ids)))
	}
	if dim == 0 {
		return 0
	}
	return len(base) / dim
}

func panicRowRange(id uint32, rows int) {
	panic(fmt.Sprintf("kernel: row id %d out of range [0, %d)", id, rows))
}

func panicShort(na, nb int) {
	panic(fmt.Sprintf("kernel: second vector has %d elements, first has %d", nb, na))
}
