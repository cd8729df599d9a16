//go:build !purego

package kernel

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:noescape
func softmaxAVX2(x *float32, n int, scale float32)

//go:noescape
func geluAVX2(x *float32, n int)

// The activation kernels are chosen once: AVX2+FMA when the CPU has them.
var softmax, gelu = func() (func([]float32, float32), func([]float32)) {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		return func(x []float32, scale float32) { softmaxAVX2(unsafe.SliceData(x), len(x), scale) },
			func(x []float32) { geluAVX2(unsafe.SliceData(x), len(x)) }
	}
	return softmaxGeneric, geluGeneric
}()
