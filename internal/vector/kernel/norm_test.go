package kernel

import (
	"math"
	"testing"
)

func norm64Ref(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func TestNormalize(t *testing.T) {
	r := newRand(5)
	random := func(n int, scale float32) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = scale * regimes[0].draw(r)
		}
		return v
	}
	tests := []struct {
		name string
		v    []float32
	}{
		{"3-4-5", []float32{3, 4}},
		{"one element", []float32{-2}},
		{"unit random", random(384, 1)},
		{"odd length", random(101, 1)},
		{"sum of squares overflows float32", random(64, 1e30)},
		{"squares underflow float32", random(64, 1e-30)},
		{"subnormal elements", random(16, 1e-41)},
		{"one subnormal element", []float32{0, math.SmallestNonzeroFloat32, 0}},
		{"largest elements", []float32{math.MaxFloat32, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The norm inherits half the relative error of the float32 sum of squares
			// (see errorBound) plus the final rounding; each scaled element one more.
			rel := float64(len(tt.v)+4) * 0x1p-24
			want := norm64Ref(tt.v)
			if got := float64(Norm(tt.v)); math.Abs(got-want) > rel*want+0x1p-149 {
				t.Errorf("Norm = %g, want %g", got, want)
			}
			v := append([]float32(nil), tt.v...)
			got := float64(Normalize(v))
			if math.Abs(got-want) > rel*want+0x1p-149 {
				t.Errorf("Normalize returned %g, want the norm %g", got, want)
			}
			if n := norm64Ref(v); math.Abs(n-1) > rel {
				t.Errorf("norm after Normalize = %.9g, want 1", n)
			}
			for i := range v {
				if w := float64(tt.v[i]) / want; math.Abs(float64(v[i])-w) > rel*math.Abs(w)+0x1p-149 {
					t.Fatalf("v[%d] = %g after Normalize, want %g", i, v[i], w)
				}
			}
		})
	}
}

func TestNormalizeLeavesUnscalableVectors(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(-1))
	tests := []struct {
		name string
		v    []float32
		want float64 // NaN means the norm must be NaN
	}{
		{"empty", nil, 0},
		{"zero", []float32{0, 0, 0}, 0},
		{"negative zero", []float32{float32(math.Copysign(0, -1)), 0}, 0},
		{"NaN", []float32{1, nan}, math.NaN()},
		{"infinity", []float32{1, inf}, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := append([]float32(nil), tt.v...)
			got := float64(Normalize(v))
			if math.IsNaN(tt.want) != math.IsNaN(got) || !math.IsNaN(got) && got != tt.want {
				t.Errorf("Normalize returned %g, want %g", got, tt.want)
			}
			for i := range v {
				if math.Float32bits(v[i]) != math.Float32bits(tt.v[i]) {
					t.Fatalf("Normalize changed v to %v from %v", v, tt.v)
				}
			}
		})
	}
}
