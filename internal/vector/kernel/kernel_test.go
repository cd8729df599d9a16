package kernel

import (
	"math"
	"testing"
)

type scalarKernel struct {
	name string
	get  func(implementation) func(a, b []float32) float32
	ref  func(a, b []float32) (exact, magnitude float64)
}

var scalarKernels = []scalarKernel{
	{"Dot", func(im implementation) func(a, b []float32) float32 { return im.dot }, dotRef},
	{"L2Sq", func(im implementation) func(a, b []float32) float32 { return im.l2sq }, l2sqRef},
}

// TestAgainstReference checks every implementation against the float64 reference for
// every length up to 1000 and a few large ones, with a starting 0-3 elements into a
// NaN-fenced array and b at another offset (so any alignment, and no read outside the
// slices), in every value regime.
// Integer-valued vectors must be exact whenever Σ|terms| stays below 2²⁴.
func TestAgainstReference(t *testing.T) {
	impls := testedImplementations(t)
	lengths := testLengths()
	for ri, rg := range regimes {
		t.Run(rg.name, func(t *testing.T) {
			r := newRand(uint64(ri))
			for _, n := range lengths {
				for offA := range 4 {
					offB := (offA + n) % 4
					a := fenced(r, n, offA, rg.draw)
					b := fenced(r, n, offB, rg.draw)
					for _, k := range scalarKernels {
						exact, mag := k.ref(a, b)
						bound := errorBound(n, mag)
						if rg.name == "integer" && mag < 0x1p24 {
							bound = 0
						}
						for _, im := range impls {
							got := float64(k.get(im)(a, b))
							if !(math.Abs(got-exact) <= bound) {
								t.Fatalf("%s %s n=%d offsets %d,%d: got %g, exact %g, error %g > bound %g",
									im.name, k.name, n, offA, offB, got, exact, math.Abs(got-exact), bound)
							}
						}
					}
				}
			}
		})
	}
}

// TestOffsets runs every pairing of the four alignments on the lengths around the vector
// widths, where a misplaced tail would show.
func TestOffsets(t *testing.T) {
	impls := testedImplementations(t)
	r := newRand(99)
	for n := 0; n <= 130; n++ {
		for offA := 0; offA < 4; offA++ {
			for offB := 0; offB < 4; offB++ {
				a := fenced(r, n, offA, regimes[0].draw)
				b := fenced(r, n, offB, regimes[0].draw)
				for _, k := range scalarKernels {
					exact, mag := k.ref(a, b)
					for _, im := range impls {
						got := float64(k.get(im)(a, b))
						if d := math.Abs(got - exact); !(d <= errorBound(n, mag)) {
							t.Fatalf("%s %s n=%d offsets %d,%d: got %g, exact %g", im.name, k.name, n, offA, offB, got, exact)
						}
					}
				}
			}
		}
	}
}

// TestLongerSecondVector checks that only the first len(a) elements of b are read.
func TestLongerSecondVector(t *testing.T) {
	r := newRand(7)
	a := fenced(r, 37, 1, regimes[0].draw)
	b := fenced(r, 50, 2, regimes[0].draw)
	for _, im := range testedImplementations(t) {
		for _, k := range scalarKernels {
			want := k.get(im)(a, b[:len(a)])
			if got := k.get(im)(a, b); math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("%s %s: got %g with a longer b, want %g", im.name, k.name, got, want)
			}
		}
	}
}

func TestSpecialValues(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	tests := []struct {
		name    string
		a, b    []float32
		dot, l2 float64 // NaN means the result must be NaN
	}{
		{"empty", nil, nil, 0, 0},
		{"NaN", []float32{1, nan, 3}, []float32{1, 2, 3}, math.NaN(), math.NaN()},
		{"infinity", []float32{1, inf, 3}, []float32{1, 2, 3}, math.Inf(1), math.Inf(1)},
		{"infinity times zero", []float32{inf, 1}, []float32{0, 1}, math.NaN(), math.Inf(1)},
		{"opposite infinities", []float32{inf, inf}, []float32{1, -1}, math.NaN(), math.Inf(1)},
		{"overflow", []float32{3e38, 3e38}, []float32{3e38, 3e38}, math.Inf(1), 0},
	}
	for _, tt := range tests {
		for _, im := range testedImplementations(t) {
			t.Run(tt.name+"/"+im.name, func(t *testing.T) {
				check := func(what string, got float32, want float64) {
					t.Helper()
					g := float64(got)
					if math.IsNaN(want) && !math.IsNaN(g) || !math.IsNaN(want) && g != want {
						t.Errorf("%s = %g, want %g", what, g, want)
					}
				}
				check("Dot", im.dot(tt.a, tt.b), tt.dot)
				check("L2Sq", im.l2sq(tt.a, tt.b), tt.l2)
			})
		}
	}
}

// TestContractViolationsPanic checks that every implementation refuses, rather than
// reads past, inputs that break the length contract.
func TestContractViolationsPanic(t *testing.T) {
	base := make([]float32, 10*8)
	q := make([]float32, 8)
	out := make([]float32, 4)
	tests := []struct {
		name string
		call func(im implementation)
	}{
		{"Dot short b", func(im implementation) { im.dot(make([]float32, 9), make([]float32, 8, 16)) }},
		{"L2Sq short b", func(im implementation) { im.l2sq(make([]float32, 9), make([]float32, 8, 16)) }},
		{"DotRows id past end", func(im implementation) { im.dotRows(q, base, []uint32{1, 10}, out) }},
		{"L2SqRows id past end", func(im implementation) { im.l2sqRows(q, base, []uint32{1, 10}, out) }},
		{"DotRows partial last row", func(im implementation) { im.dotRows(q, base[:79], []uint32{9}, out) }},
		{"DotRows huge id", func(im implementation) { im.dotRows(q, base, []uint32{math.MaxUint32}, out) }},
		{"DotRows short out", func(im implementation) { im.dotRows(q, base, []uint32{1, 2}, make([]float32, 1, 4)) }},
		{"L2SqRows short out", func(im implementation) { im.l2sqRows(q, base, []uint32{1, 2}, out[:1]) }},
	}
	for _, tt := range tests {
		for _, im := range testedImplementations(t) {
			t.Run(tt.name+"/"+im.name, func(t *testing.T) {
				defer func() {
					if recover() == nil {
						t.Error("no panic")
					}
				}()
				tt.call(im)
			})
		}
	}
}

// TestExportedUseActive checks that the exported functions are the chosen implementation.
func TestExportedUseActive(t *testing.T) {
	impls := implementations()
	if got, want := Implementation(), impls[0].name; got != want {
		t.Fatalf("Implementation() = %q, want the fastest available, %q", got, want)
	}
	r := newRand(3)
	q := fenced(r, 100, 1, regimes[0].draw)
	base := fenced(r, 100*5, 0, regimes[0].draw)
	ids := []uint32{4, 0, 2}
	out := make([]float32, 3)
	for i, id := range ids {
		row := base[int(id)*100 : int(id+1)*100]
		want := [...]float32{impls[0].dot(q, row), impls[0].l2sq(q, row)}
		DotRows(q, base, ids, out)
		got := [...]float32{Dot(q, row), L2Sq(q, row), out[i]}
		L2SqRows(q, base, ids, out)
		if got[0] != want[0] || got[1] != want[1] || got[2] != want[0] || out[i] != want[1] {
			t.Errorf("row %d: exported Dot, L2Sq, DotRows, L2SqRows = %v %g, want %v", id, got, out[i], want)
		}
	}
}
