package kernel

import (
	"fmt"
	"math"
	"testing"
)

// mulAddRef is the definition MulAdd promises to follow bit for bit: per element, fused
// multiply-adds in order of q.
func mulAddRef(c []float64, ldc int, a []float64, lda int, b []float64, ldb, m, n, k int) {
	for i := range m {
		for j := range n {
			s := c[i*ldc+j]
			for q := range k {
				s = math.FMA(a[i*lda+q], b[q*ldb+j], s)
			}
			c[i*ldc+j] = s
		}
	}
}

// fenced64 returns n random float64s starting off elements into a NaN-filled array.
func fenced64(seed uint64, n, off int) []float64 {
	r := newRand(seed)
	buf := make([]float64, off+n+16)
	for i := range buf {
		buf[i] = math.NaN()
	}
	v := buf[off : off+n]
	for i := range v {
		v[i] = 2*r.Float64() - 1
	}
	return v
}

// TestMulAddMatchesDefinition checks every tile implementation, bit for bit, against the
// chain-of-FMAs definition, on shapes that exercise full tiles, edge rows and columns,
// depth blocks and strides wider than the rows, and that nothing outside c's m×n
// elements is written.
func TestMulAddMatchesDefinition(t *testing.T) {
	shapes := [][3]int{{1, 1, 1}, {3, 5, 7}, {4, 12, 1}, {4, 12, 9}, {5, 13, 17}, {8, 24, 64},
		{7, 11, 100}, {9, 25, 384}, {90, 13, 384}, {16, 36, 513}, {2, 40, 1100}, {13, 1, 3}, {1, 30, 2}}
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		lda, ldb, ldc := k+3, n+2, n+5
		a := fenced64(uint64(m), (m-1)*lda+k, 1)
		b := fenced64(uint64(n)+100, (k-1)*ldb+n, 2)
		c0 := fenced64(uint64(k)+200, (m-1)*ldc+n, 3)
		for i := range m {
			for j := n; j < ldc && i*ldc+j < len(c0); j++ {
				c0[i*ldc+j] = 42 // the gaps between rows of c must survive
			}
		}
		want := append([]float64(nil), c0...)
		mulAddRef(want, ldc, a, lda, b, ldb, m, n, k)
		p := Pack(b, ldb, k, n)
		for _, im := range tileImplementations() {
			t.Run(fmt.Sprintf("%s/%dx%dx%d", im.name, m, n, k), func(t *testing.T) {
				buf := make([]float64, len(c0)+8)
				for i := range buf {
					buf[i] = math.NaN()
				}
				c := buf[4 : 4+len(c0)]
				copy(c, c0)
				p.mulAdd(im.fn, c, ldc, a, lda, m)
				for i := range c {
					if math.Float64bits(c[i]) != math.Float64bits(want[i]) && !(math.IsNaN(c[i]) && math.IsNaN(want[i])) {
						t.Fatalf("c[%d] = %v, want %v", i, c[i], want[i])
					}
				}
				for _, i := range []int{0, 1, 2, 3, len(buf) - 4, len(buf) - 1} {
					if !math.IsNaN(buf[i]) {
						t.Fatalf("wrote outside c at %d", i-4)
					}
				}
			})
		}
	}
}

// TestMulAddExported checks the exported method uses the chosen implementation and
// accepts degenerate shapes.
func TestMulAddExported(t *testing.T) {
	a := []float64{1, 2, 3, 4, 5, 6}       // 2×3
	b := []float64{1, 0, 0, 1, 1, 1}       // 3×2
	c := []float64{10, 20, 30, 40}         // 2×2
	Pack(b, 2, 3, 2).MulAdd(c, 2, a, 3, 2) // c += a·b
	if want := []float64{14, 25, 40, 51}; fmt.Sprint(c) != fmt.Sprint(want) {
		t.Fatalf("c = %v, want %v", c, want)
	}
	Pack(nil, 0, 0, 0).MulAdd(nil, 0, nil, 0, 0)
	Pack(nil, 0, 0, 3).MulAdd(c, 3, nil, 0, 1) // k = 0 adds nothing
	if c[0] != 14 {
		t.Fatalf("k = 0 changed c: %v", c)
	}
}

func TestMulAddContractViolationsPanic(t *testing.T) {
	p := Pack(make([]float64, 12), 4, 3, 4)
	tests := []struct {
		name string
		call func()
	}{
		{"short b", func() { Pack(make([]float64, 11), 4, 3, 4) }},
		{"narrow ldb", func() { Pack(make([]float64, 12), 3, 3, 4) }},
		{"short a", func() { p.MulAdd(make([]float64, 8), 4, make([]float64, 5), 3, 2) }},
		{"narrow lda", func() { p.MulAdd(make([]float64, 8), 4, make([]float64, 6), 2, 2) }},
		{"short c", func() { p.MulAdd(make([]float64, 7), 4, make([]float64, 6), 3, 2) }},
		{"narrow ldc", func() { p.MulAdd(make([]float64, 8), 3, make([]float64, 6), 3, 2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tt.call()
		})
	}
}

// BenchmarkMulAdd measures the product of a 64-row block with a 384×1008 packed matrix
// (the shape of exact ground truth for 1,000 queries), in multiply-adds per second.
func BenchmarkMulAdd(b *testing.B) {
	const m, k, n = 64, 384, 1008
	a := fenced64(1, m*k, 0)
	p := Pack(fenced64(2, k*n, 0), n, k, n)
	c := make([]float64, m*n)
	for _, im := range tileImplementations() {
		b.Run(im.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.mulAdd(im.fn, c, n, a, k, m)
			}
			b.ReportMetric(float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFMA/s")
		})
	}
}
