package bert

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestErf(t *testing.T) {
	worst := 0.0
	for i := -600000; i <= 600000; i++ {
		x := float64(i) * 1e-5
		worst = max(worst, math.Abs(erf(x)-math.Erf(x)))
	}
	for _, x := range []float64{4, 7, 1e30, math.Inf(1), -4, math.Inf(-1)} {
		worst = max(worst, math.Abs(erf(x)-math.Erf(x)))
	}
	if worst > 2e-8 {
		t.Fatalf("erf: worst error %.3g over [-6, 6], want ≤ 2e-8", worst)
	}
	if !math.IsNaN(erf(math.NaN())) {
		t.Fatal("erf(NaN) is not NaN")
	}
}

func TestExp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(x float32) {
		got, want := float64(float32(exp(float64(x)))), math.Exp(float64(x))
		if w32 := float32(want); math.IsInf(float64(w32), 1) {
			want = float64(w32)
		}
		if want < 0x1p-126 {
			if math.Abs(got-want) > 0x1p-149 {
				t.Fatalf("exp(%g) = %g, want %g", x, got, want)
			}
			return
		}
		if math.IsInf(want, 1) != math.IsInf(got, 1) || !math.IsInf(want, 1) && math.Abs(got-want) > 2*0x1p-24*want {
			t.Fatalf("exp(%g) = %g, want %g (more than 2 ulp off)", x, got, want)
		}
	}
	for i := 0; i < 1000000; i++ {
		check(float32(-100 * r.Float64()))
		check(float32(90 * r.Float64()))
	}
	for _, x := range []float32{0, -0.0, -87.33654, -87.3366, -103.3, -104, -110, 88.72283, 88.7229, float32(math.Inf(-1)), float32(math.Inf(1))} {
		check(x)
	}
	if v := exp(math.NaN()); v == v {
		t.Fatal("exp(NaN) is not NaN")
	}
}

func TestSoftmax(t *testing.T) {
	row := []float32{1, 2, 3, -1e30, 3}
	softmaxScaled(row, 0.5, make([]float64, len(row)))
	want := []float64{math.Exp(0.5), math.Exp(1), math.Exp(1.5), 0, math.Exp(1.5)}
	var sum float64
	for _, w := range want {
		sum += w
	}
	for i, w := range want {
		if d := math.Abs(float64(row[i]) - w/sum); d > 1e-7 {
			t.Fatalf("softmax[%d] = %g, want %g", i, row[i], w/sum)
		}
	}
}

func BenchmarkGELU(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%200-100) * 0.05
	}
	y := make([]float32, len(x))
	b.SetBytes(4 * int64(len(x)))
	for b.Loop() {
		copy(y, x)
		gelu(y)
	}
}

func BenchmarkSoftmax(b *testing.B) {
	x := make([]float32, 256)
	for i := range x {
		x[i] = float32(i%50) * 0.1
	}
	b.SetBytes(4 * int64(len(x)))
	buf := make([]float64, len(x))
	for b.Loop() {
		softmaxScaled(x, 0.125, buf)
	}
}
