package kernel

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// pairInputs returns lo and step for n dimensions and two code rows, each starting off
// elements into arrays filled with large values, which a kernel reading outside its slices
// would add.
func pairInputs(r *rand.Rand, n, off int) (lo, step []float32, a, b []uint8) {
	lb := make([]float32, off+n+16)
	sb := make([]float32, off+n+16)
	ab := make([]uint8, off+n+16)
	bb := make([]uint8, off+n+16)
	for i := range lb {
		lb[i], sb[i], ab[i], bb[i] = 1e6, 1e6, 255, 255
	}
	lo, step, a, b = lb[off:off+n], sb[off:off+n], ab[off:off+n], bb[off:off+n]
	for i := range n {
		lo[i] = float32(r.NormFloat64())
		step[i] = float32(r.Float64() * 0.02)
		a[i], b[i] = uint8(r.IntN(256)), uint8(r.IntN(256))
	}
	return lo, step, a, b
}

// pairRef returns the exact dot product and squared distance of the decoded vectors, with
// the sums of magnitudes that bound float32 rounding.
func pairRef(lo, step []float32, a, b []uint8) (dot, dotMag, l2 float64) {
	for i := range lo {
		x := float64(lo[i]) + float64(step[i])*float64(a[i])
		y := float64(lo[i]) + float64(step[i])*float64(b[i])
		dot += x * y
		dotMag += math.Abs(x*y) + math.Abs(x)*math.Abs(y)
		d := float64(step[i]) * (float64(a[i]) - float64(b[i]))
		l2 += d * d
	}
	return dot, dotMag, l2
}

// TestSQ8PairAgainstReference holds every implementation to the float64 value of the
// decoded vectors within float32 rounding, at every length and alignment.
func TestSQ8PairAgainstReference(t *testing.T) {
	r := newRand(41)
	for _, im := range sq8Kernels(t) {
		for _, n := range testLengths() {
			if n > 1100 && n != 4099 {
				continue
			}
			for off := range 3 {
				lo, step, a, b := pairInputs(r, n, off)
				dot, mag, l2 := pairRef(lo, step, a, b)
				gamma := float64(n+4) * 0x1p-23
				if got := im.pairDot(lo, step, a, b); math.Abs(float64(got)-dot) > gamma*mag+1e-30 {
					t.Fatalf("%s n=%d off %d: DotSQ8Pair %g, want %g", im.name, n, off, got, dot)
				}
				if got := im.pairL2(step, a, b); math.Abs(float64(got)-l2) > gamma*l2+1e-30 {
					t.Fatalf("%s n=%d off %d: L2SQ8Pair %g, want %g", im.name, n, off, got, l2)
				}
			}
		}
	}
	if got := DotSQ8Pair([]float32{1}, []float32{2, 9}, []uint8{3, 9}, []uint8{4, 9}); got != 63 {
		t.Errorf("DotSQ8Pair reads past len(lo): %g, want 63", got)
	}
}

func TestSQ8PairContractViolationsPanic(t *testing.T) {
	for _, im := range sq8Kernels(t) {
		for name, call := range map[string]func(){
			"dot short step": func() { im.pairDot(make([]float32, 9), make([]float32, 8), make([]uint8, 9), make([]uint8, 9)) },
			"dot short b":    func() { im.pairDot(make([]float32, 17), make([]float32, 17), make([]uint8, 17), make([]uint8, 16)) },
			"l2 short a":     func() { im.pairL2(make([]float32, 8), make([]uint8, 7), make([]uint8, 8)) },
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s %s: no panic", im.name, name)
					}
				}()
				call()
			}()
		}
	}
}

// FuzzSQ8Pair compares every implementation with the float64 reference on fuzzed codes
// and parameters.
func FuzzSQ8Pair(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}, uint64(3))
	f.Add([]byte{255, 0, 255, 0}, uint64(9))
	f.Fuzz(func(t *testing.T, codes []byte, seed uint64) {
		n := len(codes) / 2
		r := newRand(seed)
		lo, step := make([]float32, n), make([]float32, n)
		for i := range n {
			lo[i] = float32(r.NormFloat64() * 4)
			step[i] = float32(r.Float64())
		}
		a, b := codes[:n], codes[n:2*n]
		dot, mag, l2 := pairRef(lo, step, a, b)
		gamma := float64(n+4) * 0x1p-23
		for _, im := range sq8Implementations() {
			if got := im.pairDot(lo, step, a, b); math.Abs(float64(got)-dot) > gamma*mag+1e-30 {
				t.Fatalf("%s: DotSQ8Pair %g, want %g", im.name, got, dot)
			}
			if got := im.pairL2(step, a, b); math.Abs(float64(got)-l2) > gamma*l2+1e-30 {
				t.Fatalf("%s: L2SQ8Pair %g, want %g", im.name, got, l2)
			}
		}
	})
}

func BenchmarkSQ8Pair(b *testing.B) {
	r := newRand(5)
	for _, n := range []int{384, 768} {
		lo, step, x, y := pairInputs(r, n, 0)
		for _, im := range sq8Implementations() {
			b.Run(im.name+"/dot/"+strconv.Itoa(n), func(b *testing.B) {
				for b.Loop() {
					im.pairDot(lo, step, x, y)
				}
			})
			b.Run(im.name+"/l2/"+strconv.Itoa(n), func(b *testing.B) {
				for b.Loop() {
					im.pairL2(step, x, y)
				}
			})
		}
	}
}
