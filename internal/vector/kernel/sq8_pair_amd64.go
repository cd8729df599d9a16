//go:build !purego

package kernel

import "unsafe"

//go:noescape
func dotSQ8PairAVX2(lo, step *float32, a, b *uint8, n int) float32

//go:noescape
func l2SQ8PairAVX2(step *float32, a, b *uint8, n int) float32

// dotSQ8PairAsm runs the assembly over whole blocks of 8 dimensions and adds the rest, in
// that order.
func dotSQ8PairAsm(lo, step []float32, a, b []uint8) float32 {
	n := len(lo)
	checkPair(n, len(step), len(a), len(b))
	body := n &^ 7
	var s float32
	if body > 0 {
		s = dotSQ8PairAVX2(unsafe.SliceData(lo), unsafe.SliceData(step), unsafe.SliceData(a), unsafe.SliceData(b), body)
	}
	for i := body; i < n; i++ {
		s += (lo[i] + step[i]*float32(a[i])) * (lo[i] + step[i]*float32(b[i]))
	}
	return s
}

func l2SQ8PairAsm(step []float32, a, b []uint8) float32 {
	n := len(step)
	checkPair(n, len(a), len(b))
	body := n &^ 7
	var s float32
	if body > 0 {
		s = l2SQ8PairAVX2(unsafe.SliceData(step), unsafe.SliceData(a), unsafe.SliceData(b), body)
	}
	for i := body; i < n; i++ {
		d := step[i] * float32(int32(a[i])-int32(b[i]))
		s += d * d
	}
	return s
}
