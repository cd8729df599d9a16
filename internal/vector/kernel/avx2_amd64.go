//go:build !purego

package kernel

import "unsafe"

// The assembly entry points take raw pointers and lengths; the Go functions of the avx2
// implementation enforce the memory-safety part of the contract before calling them.

//go:noescape
func dotAVX2(a, b *float32, n int) float32

//go:noescape
func l2sqAVX2(a, b *float32, n int) float32

//go:noescape
func dotRowsAVX2(q *float32, dim int, base *float32, rows int, ids []uint32, out *float32, window int) int

//go:noescape
func l2sqRowsAVX2(q *float32, dim int, base *float32, rows int, ids []uint32, out *float32, window int) int

// avx2 needs AVX2 and FMA.
var avx2 = implementation{
	name: "avx2",
	dot: func(a, b []float32) float32 {
		if len(b) < len(a) {
			panicShort(len(a), len(b))
		}
		return dotAVX2(unsafe.SliceData(a), unsafe.SliceData(b), len(a))
	},
	l2sq: func(a, b []float32) float32 {
		if len(b) < len(a) {
			panicShort(len(a), len(b))
		}
		return l2sqAVX2(unsafe.SliceData(a), unsafe.SliceData(b), len(a))
	},
	dotRows: func(q, base []float32, ids []uint32, out []float32) {
		rowsAsm(dotRowsAVX2, q, base, ids, out)
	},
	l2sqRows: func(q, base []float32, ids []uint32, out []float32) {
		rowsAsm(l2sqRowsAVX2, q, base, ids, out)
	},
}

// prefetchBytes bounds how far ahead, in bytes of rows, the assembly row kernels prefetch
// into L2: enough to keep many cache misses in flight (all 32 neighbours of a 384-dim
// node at once), little enough to stay well inside the L2 caches of current CPUs
// (256 KiB and up). Measured on 200,000×384 random rows, 64 KiB ahead beat 16 KiB, 32 KiB
// and one row ahead, and 128-256 KiB gained nothing more.
const prefetchBytes = 64 << 10

// rowsAsm checks the row contract and runs an assembly row kernel, which stops at the
// first id outside base.
func rowsAsm(kernel func(q *float32, dim int, base *float32, rows int, ids []uint32, out *float32, window int) int,
	q, base []float32, ids []uint32, out []float32) {
	dim := len(q)
	rows := checkRows(dim, base, ids, out)
	if dim == 0 {
		clear(out[:len(ids)])
		return
	}
	window := max(1, prefetchBytes/(4*dim))
	if done := kernel(unsafe.SliceData(q), dim, unsafe.SliceData(base), rows, ids, unsafe.SliceData(out), window); done < len(ids) {
		panicRowRange(ids[done], rows)
	}
}
