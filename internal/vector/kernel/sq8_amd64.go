//go:build !purego

package kernel

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:noescape
func dotSQ8AVX2(q *int16, c *uint8, n int) int32

//go:noescape
func dotSQ8RowsAVX2(q *int16, dim int, codes *uint8, rows int, ids []uint32, out *int32, window int) int

var sq8AVX2 = sq8Impl{
	name:    "avx2",
	pairDot: dotSQ8PairAsm,
	pairL2:  l2SQ8PairAsm,
	dot: func(q []int16, c []uint8) int32 {
		if len(c) < len(q) {
			panicShort(len(q), len(c))
		}
		return dotSQ8AVX2(unsafe.SliceData(q), unsafe.SliceData(c), len(q))
	},
	dotRows: func(q []int16, codes []uint8, ids []uint32, out []int32) {
		dim := len(q)
		rows := checkCodeRows(dim, len(codes), len(ids), len(out))
		if dim == 0 {
			clear(out[:len(ids)])
			return
		}
		window := max(1, prefetchBytes/dim)
		if done := dotSQ8RowsAVX2(unsafe.SliceData(q), dim, unsafe.SliceData(codes), rows, ids, unsafe.SliceData(out), window); done < len(ids) {
			panicRowRange(ids[done], rows)
		}
	},
}

// sq8Implementations lists the sq8 implementations this CPU can run, fastest first.
func sq8Implementations() []sq8Impl {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		return []sq8Impl{sq8AVX2, sq8Generic}
	}
	return []sq8Impl{sq8Generic}
}
