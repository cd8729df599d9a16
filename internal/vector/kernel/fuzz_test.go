package kernel

import (
	"encoding/binary"
	"math"
	"testing"
)

// floatsFrom reads little-endian float32s from data into a NaN-fenced slice starting off
// elements into its array.
func floatsFrom(data []byte, off int) []float32 {
	n := len(data) / 4
	buf := make([]float32, off+n+8)
	for i := range buf {
		buf[i] = float32(math.NaN())
	}
	v := buf[off : off+n]
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
	return v
}

func fuzzSeed(vals ...float32) []byte {
	data := make([]byte, 4*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(v))
	}
	return data
}

// FuzzDot runs every implementation of Dot and L2Sq on arbitrary bit patterns and checks
// each against the generic one: both within the error bound of the exact value when no
// partial sum can overflow, both NaN when an input is NaN.
func FuzzDot(f *testing.F) {
	f.Add(fuzzSeed(1, 2, 3, 4, 5, 6), uint8(0))
	f.Add(fuzzSeed(1e30, -1e30, 3e-39, 1e-45, 0, -0, 7, 1), uint8(1))
	f.Add(fuzzSeed(float32(math.Inf(1)), 1, 0, 2), uint8(2))
	f.Add(make([]byte, 4*77), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, offsets uint8) {
		half := len(data) / 8 * 4
		a := floatsFrom(data[:half], int(offsets%4))
		b := floatsFrom(data[half:2*half], int(offsets/4%4))
		hasNaN, finite := false, true
		for i := range a {
			for _, x := range [2]float32{a[i], b[i]} {
				hasNaN = hasNaN || x != x
				finite = finite && !math.IsInf(float64(x), 0) && x == x
			}
		}
		for _, k := range scalarKernels {
			exact, mag := k.ref(a, b)
			want := float64(k.get(generic)(a, b))
			for _, im := range implementations() {
				got := float64(k.get(im)(a, b))
				switch {
				case hasNaN:
					if !math.IsNaN(got) {
						t.Fatalf("%s %s = %g with a NaN input, want NaN", im.name, k.name, got)
					}
				case finite && mag <= math.MaxFloat32/2:
					bound := errorBound(len(a), mag)
					if !(math.Abs(got-exact) <= bound) || !(math.Abs(want-exact) <= bound) {
						t.Fatalf("%s %s = %g, generic %g, exact %g: error bound %g exceeded (n=%d)",
							im.name, k.name, got, want, exact, bound, len(a))
					}
				}
			}
		}
	})
}

// FuzzRows checks that the row kernels of every implementation match their single-vector
// kernels bit for bit on arbitrary arenas and ids, and refuse out-of-range ids.
func FuzzRows(f *testing.F) {
	f.Add(fuzzSeed(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), uint8(3), []byte{0, 3, 1, 1})
	f.Add(fuzzSeed(1, 2), uint8(0), []byte{200, 0})
	f.Add(make([]byte, 4*100), uint8(33), []byte{0, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte, dimByte uint8, idBytes []byte) {
		floats := floatsFrom(data, int(dimByte%3))
		dim := int(dimByte) % 70
		if dim > len(floats) {
			dim = len(floats)
		}
		q, base := floats[:dim], floats[dim:]
		rows := 0
		if dim > 0 {
			rows = len(base) / dim
		}
		ids := make([]uint32, len(idBytes))
		inRange := true
		for i, c := range idBytes {
			ids[i] = uint32(c)
			inRange = inRange && (dim == 0 || int(c) < rows)
		}
		for _, im := range implementations() {
			for _, k := range []struct {
				single func(a, b []float32) float32
				rows   func(q, base []float32, ids []uint32, out []float32)
			}{{im.dot, im.dotRows}, {im.l2sq, im.l2sqRows}} {
				out := make([]float32, len(ids))
				panicked := func() (p bool) {
					defer func() { p = recover() != nil }()
					k.rows(q, base, ids, out)
					return false
				}()
				if panicked != !inRange {
					t.Fatalf("%s: panicked=%v with ids %v over %d rows", im.name, panicked, ids, rows)
				}
				if panicked {
					continue
				}
				for i, id := range ids {
					row := base[:0]
					if dim > 0 {
						row = base[int(id)*dim : int(id+1)*dim]
					}
					if want := k.single(q, row); math.Float32bits(out[i]) != math.Float32bits(want) {
						t.Fatalf("%s: out[%d] = %g, single kernel gives %g", im.name, i, out[i], want)
					}
				}
			}
		}
	})
}
