//go:build !purego

package kernel

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:noescape
func mulPanelAVX2(c *float32, ldc int, a *float32, lda int, rows int, panel *float32, k int, init *float32)

// mulPanel is chosen once: the AVX2+FMA tile when the CPU has it.
var mulPanel = func() func(c []float32, ldc int, a []float32, lda int, rows int, panel []float32, k int, init []float32) {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		return mulPanelAsm
	}
	return mulPanelGeneric
}()

func mulPanelAsm(c []float32, ldc int, a []float32, lda int, rows int, panel []float32, k int, init []float32) {
	pa, pp := unsafe.SliceData(a), unsafe.SliceData(panel)
	if k == 0 {
		// a and panel may be empty; the loop reads neither, but the pointers must be valid.
		pa, pp = &init[0], &init[0]
	}
	mulPanelAVX2(unsafe.SliceData(c), ldc, pa, lda, rows, pp, k, unsafe.SliceData(init))
}
