package kernel

import (
	"testing"
	"unsafe"
)

// TestCodeKernelsNoReadsOutsideSlices is TestNoReadsOutsideSlices for the sq8 and bit
// kernels: codes, weights and words of every length that fits in a page, flush against
// an inaccessible page after and before them.
func TestCodeKernelsNoReadsOutsideSlices(t *testing.T) {
	pa, pb := guarded(t), guarded(t)
	codes := unsafe.Slice((*uint8)(unsafe.Pointer(&pa[0])), 4*len(pa))
	weights := unsafe.Slice((*int16)(unsafe.Pointer(&pb[0])), 2*len(pb))
	for i := range codes {
		codes[i] = 1
	}
	for i := range weights {
		weights[i] = 2
	}
	for _, im := range sq8Kernels(t) {
		for n := 0; n <= len(weights); n++ {
			for _, at := range []string{"end", "start"} {
				q, c := weights[len(weights)-n:], codes[len(codes)-n:]
				if at == "start" {
					q, c = weights[:n], codes[:n]
				}
				if got := im.dot(q, c); got != int32(2*n) {
					t.Fatalf("%s n=%d at page %s = %d, want %d", im.name, n, at, got, 2*n)
				}
			}
		}
		for _, dim := range []int{1, 5, 8, 13, 16, 64, 100, 384} {
			rows := len(codes) / dim
			arena := codes[len(codes)-rows*dim:]
			out := make([]int32, 2)
			im.dotRows(weights[:dim], arena, []uint32{uint32(rows - 1), 0}, out)
			if out[0] != int32(2*dim) || out[1] != int32(2*dim) {
				t.Fatalf("%s rows dim=%d = %v, want %d", im.name, dim, out, 2*dim)
			}
		}
	}
	words := unsafe.Slice((*uint64)(unsafe.Pointer(&pa[0])), len(pa)/2)
	other := unsafe.Slice((*uint64)(unsafe.Pointer(&pb[0])), len(pb)/2)
	for i := range words {
		words[i], other[i] = 1, 3
	}
	for n := 0; n <= len(words); n++ {
		a, b := words[len(words)-n:], other[:n]
		if got := Hamming(a, b); got != n {
			t.Fatalf("Hamming n=%d = %d, want %d", n, got, n)
		}
		if got := DotBits(b, 1, a); got != int32(n) {
			t.Fatalf("DotBits n=%d = %d, want %d", n, got, n)
		}
	}
	out := make([]int32, 2)
	HammingRows(other[:6], words[len(words)-6*(len(words)/6):], []uint32{uint32(len(words)/6 - 1), 0}, out)
	if out[0] != 6 || out[1] != 6 {
		t.Fatalf("HammingRows = %v, want 6 6", out)
	}
}
