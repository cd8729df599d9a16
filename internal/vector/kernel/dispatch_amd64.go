//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

// implementations lists the implementations this CPU can run, fastest first.
//
// An AVX-512F version of the kernels measured no faster than AVX2 on the AMD Zen 4 hosts
// Vajra targets (they split 512-bit operations into two 256-bit halves, and the kernels
// are bound by loads, not arithmetic), so there is none.
func implementations() []implementation {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		return []implementation{avx2, generic}
	}
	return []implementation{generic}
}
