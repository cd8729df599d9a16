package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

type activationImpl struct {
	name    string
	softmax func([]float32, float32)
	gelu    func([]float32)
}

func activationImplementations() []activationImpl {
	impls := []activationImpl{{"generic", softmaxGeneric, geluGeneric}}
	if Implementation() == "avx2" {
		impls = append(impls, activationImpl{"avx2", softmax, gelu})
	}
	return impls
}

func geluRef(x float64) float64 { return x * 0.5 * math.Erfc(-x/math.Sqrt2) }

// TestGELU holds every implementation to the float64 GELU within 1.5e-7·max(1, |x|), on a
// dense grid, random values at every length (so every tail of the vector loop is used)
// and special values.
func TestGELU(t *testing.T) {
	var xs []float32
	for i := -300000; i <= 300000; i++ {
		xs = append(xs, float32(i)*1e-4) // [-30, 30]
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 1e30, -1e30, math.MaxFloat32, -math.MaxFloat32,
		float32(math.Inf(1)), float32(math.Inf(-1)), 1e-45, -1e-45)
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 40; n++ {
		for range n {
			xs = append(xs, float32(r.NormFloat64()*4))
		}
	}
	for _, impl := range activationImplementations() {
		y := append([]float32(nil), xs...)
		impl.gelu(y)
		worst := 0.0
		for i, x := range xs {
			want := geluRef(float64(x))
			if math.IsInf(float64(x), 0) {
				if math.IsInf(float64(x), 1) && !math.IsInf(float64(y[i]), 1) || math.IsInf(float64(x), -1) && y[i] != 0 {
					t.Fatalf("%s: GELU(%g) = %g", impl.name, x, y[i])
				}
				continue
			}
			d := math.Abs(float64(y[i])-want) / math.Max(1, math.Abs(float64(x)))
			worst = max(worst, d)
			if d > 1.5e-7 {
				t.Fatalf("%s: GELU(%g) = %g, want %g", impl.name, x, y[i], want)
			}
		}
		t.Logf("%s: worst error %.3g·max(1, |x|)", impl.name, worst)
		nan := []float32{float32(math.NaN())}
		impl.gelu(nan)
		if nan[0] == nan[0] {
			t.Fatalf("%s: GELU(NaN) = %g", impl.name, nan[0])
		}
	}
}

// TestSoftmax holds every implementation to the float64 softmax: each value within
// (4e-7 + 2.5e-7·(m - scale·x)) relative (plus 1e-30 absolute, for values that underflow)
// at every length up to 70 and for long rows, with large and tiny scores.
func TestSoftmax(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, impl := range activationImplementations() {
		for _, n := range append([]int{1, 2, 7, 8, 9, 15, 16, 17, 33, 300, 1000}, r.IntN(70)) {
			for _, spread := range []float64{0.01, 1, 10, 100} {
				x := make([]float32, n)
				for i := range x {
					x[i] = float32(r.NormFloat64() * spread)
				}
				scale := float32(0.125 + r.Float64())
				want := make([]float64, n)
				m := math.Inf(-1)
				for i, v := range x {
					want[i] = float64(v * scale)
					m = max(m, want[i])
				}
				var sum float64
				for i := range want {
					want[i] = math.Exp(want[i] - m)
					sum += want[i]
				}
				impl.softmax(x, scale)
				for i := range x {
					w := want[i] / sum
					// Rounding scale·x and subtracting the maximum in float32 errs by a few
					// units in the last place of the difference, which e^ turns into a relative
					// error proportional to it.
					arg := -math.Log(want[i])
					if d := math.Abs(float64(x[i]) - w); d > (4e-7+2.5e-7*arg)*w+1e-30 {
						t.Fatalf("%s n=%d spread %g: softmax[%d] = %g, want %g", impl.name, n, spread, i, x[i], w)
					}
				}
			}
		}
		Softmax(nil, 1)
		GELU(nil)
	}
}

// TestActivationTails checks that the vector kernels write nothing past the slice.
func TestActivationTails(t *testing.T) {
	for _, impl := range activationImplementations() {
		for n := 0; n <= 17; n++ {
			buf := make([]float32, n+8)
			for i := range buf {
				buf[i] = 42
			}
			impl.gelu(buf[:n])
			if n > 0 {
				impl.softmax(buf[:n], 1)
			}
			for i := n; i < len(buf); i++ {
				if buf[i] != 42 {
					t.Fatalf("%s n=%d: wrote buf[%d]", impl.name, n, i)
				}
			}
		}
	}
}

func BenchmarkGELU(b *testing.B) {
	x := make([]float32, 1536)
	for i := range x {
		x[i] = float32(i%200-100) * 0.05
	}
	y := make([]float32, len(x))
	b.SetBytes(4 * int64(len(x)))
	for b.Loop() {
		copy(y, x)
		GELU(y)
	}
}

func BenchmarkSoftmax(b *testing.B) {
	x := make([]float32, 256)
	b.SetBytes(4 * int64(len(x)))
	for b.Loop() {
		for i := range x {
			x[i] = float32(i%50) * 0.1
		}
		Softmax(x, 0.125)
	}
}
