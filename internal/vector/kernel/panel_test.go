package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

type panelFunc = func(c []float32, ldc int, a []float32, lda int, rows int, panel []float32, k int, init []float32)

// panelImplementations lists the MulPanel implementations this machine can run.
func panelImplementations() map[string]panelFunc {
	impls := map[string]panelFunc{"generic": mulPanelGeneric}
	if Implementation() == "avx2" {
		impls["avx2"] = mulPanel
	}
	return impls
}

// TestMulPanelReference holds every implementation to the float64 reference within the
// error bound of a k-term sum, for every row count, odd depths and strides, in all the
// value regimes of the distance kernels.
func TestMulPanelReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for name, f := range panelImplementations() {
		for _, reg := range regimes {
			for _, k := range []int{0, 1, 3, 4, 7, 33, 384} {
				for rows := 1; rows <= PanelRows; rows++ {
					lda, ldc := k+r.IntN(3), PanelWidth+r.IntN(5)
					a := make([]float32, (rows-1)*lda+k)
					panel := make([]float32, k*PanelWidth)
					init := make([]float32, PanelWidth)
					for _, s := range [][]float32{a, panel, init} {
						for i := range s {
							s[i] = reg.draw(r)
						}
					}
					c := make([]float32, (rows-1)*ldc+PanelWidth+3)
					for i := range c {
						c[i] = 42
					}
					f(c, ldc, a, lda, rows, panel, k, init)
					for row := 0; row < rows; row++ {
						for j := 0; j < PanelWidth; j++ {
							exact, mag := float64(init[j]), math.Abs(float64(init[j]))
							for p := 0; p < k; p++ {
								prod := float64(a[row*lda+p]) * float64(panel[p*PanelWidth+j])
								exact += prod
								mag += math.Abs(prod)
							}
							got := float64(c[row*ldc+j])
							if d := math.Abs(got - exact); d > errorBound(k+1, mag) {
								t.Fatalf("%s %s k=%d rows=%d: c[%d][%d] = %g, want %g (error %g > bound %g)",
									name, reg.name, k, rows, row, j, got, exact, d, errorBound(k+1, mag))
							}
						}
					}
					for i := range c {
						if i%ldc >= PanelWidth && i < (rows-1)*ldc+PanelWidth || i >= (rows-1)*ldc+PanelWidth {
							if c[i] != 42 {
								t.Fatalf("%s k=%d rows=%d: wrote c[%d] outside the tile", name, k, rows, i)
							}
						}
					}
				}
			}
		}
	}
}

// TestMulPanelRowsIndependent checks that a row's result has the same bits whatever the
// number of rows in the call, so that a sequence's embedding does not depend on the
// sequences batched with it.
func TestMulPanelRowsIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const k = 97
	a := make([]float32, PanelRows*k)
	panel := make([]float32, k*PanelWidth)
	init := make([]float32, PanelWidth)
	for _, s := range [][]float32{a, panel, init} {
		for i := range s {
			s[i] = float32(r.NormFloat64())
		}
	}
	for name, f := range panelImplementations() {
		all := make([]float32, PanelRows*PanelWidth)
		f(all, PanelWidth, a, k, PanelRows, panel, k, init)
		for row := 0; row < PanelRows; row++ {
			for rows := 1; row+rows <= PanelRows; rows++ {
				part := make([]float32, rows*PanelWidth)
				f(part, PanelWidth, a[row*k:], k, rows, panel, k, init)
				if !slices.Equal(part[:PanelWidth], all[row*PanelWidth:(row+1)*PanelWidth]) {
					t.Fatalf("%s: row %d computed among %d rows differs from the 6-row call", name, row, rows)
				}
			}
		}
	}
}

func TestMulPanelContract(t *testing.T) {
	ok := func() (c, a, panel, init []float32) {
		return make([]float32, 2*PanelWidth), make([]float32, 2*8), make([]float32, 8*PanelWidth), make([]float32, PanelWidth)
	}
	cases := []struct {
		name string
		call func()
	}{
		{"zero rows", func() { c, a, p, i := ok(); MulPanel(c, PanelWidth, a, 8, 0, p, 8, i) }},
		{"seven rows", func() { c, a, p, i := ok(); MulPanel(c, PanelWidth, a, 8, 7, p, 8, i) }},
		{"short a", func() { c, a, p, i := ok(); MulPanel(c, PanelWidth, a[:15], 8, 2, p, 8, i) }},
		{"short c", func() { c, a, p, i := ok(); MulPanel(c[:31], PanelWidth, a, 8, 2, p, 8, i) }},
		{"short panel", func() { c, a, p, i := ok(); MulPanel(c, PanelWidth, a, 8, 2, p[:127], 8, i) }},
		{"short init", func() { c, a, p, i := ok(); MulPanel(c, PanelWidth, a, 8, 2, p, 8, i[:15]) }},
		{"overlapping rows of c", func() { c, a, p, i := ok(); MulPanel(c, 8, a, 8, 2, p, 8, i) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			c.call()
		})
	}
}

func BenchmarkMulPanel(b *testing.B) {
	for _, k := range []int{384, 1536} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			a := make([]float32, PanelRows*k)
			panel := make([]float32, k*PanelWidth)
			init := make([]float32, PanelWidth)
			c := make([]float32, PanelRows*PanelWidth)
			for i := range a {
				a[i] = float32(i%7) - 3
			}
			for i := range panel {
				panel[i] = float32(i%5) - 2
			}
			b.SetBytes(int64(4 * (len(a) + len(panel))))
			for b.Loop() {
				MulPanel(c, PanelWidth, a, k, PanelRows, panel, k, init)
			}
			b.ReportMetric(float64(2*PanelRows*PanelWidth*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
