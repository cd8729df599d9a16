package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The float64 references below are exact to far better than float32 precision, so they
// stand for the true values in the error bounds.

func dotRef(a, b []float32) (exact, magnitude float64) {
	for i := range a {
		p := float64(a[i]) * float64(b[i])
		exact += p
		magnitude += math.Abs(p)
	}
	return exact, magnitude
}

func l2sqRef(a, b []float32) (exact, magnitude float64) {
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		exact += d * d
	}
	return exact, exact
}

// errorBound is how far a float32 kernel over n elements may be from the exact value.
// Whatever the summation order, every term passes through at most n roundings (one
// product or fused multiply-add plus the additions on its path to the result), giving the
// classic bound γₙ·Σ|aᵢbᵢ| with γₙ = n·u/(1-n·u) and u = 2⁻²⁴; the difference aᵢ-bᵢ of
// L2Sq adds two more roundings, hence n+2. Results or partial sums in the subnormal range
// carry an absolute error of up to 2⁻¹⁵⁰ per operation instead, hence the second term.
func errorBound(n int, magnitude float64) float64 {
	nu := float64(n+2) * 0x1p-24
	return nu/(1-nu)*magnitude*1.0001 + float64(n+8)*0x1p-149
}

// regime is a way of drawing vector elements.
type regime struct {
	name string
	draw func(r *rand.Rand) float32
}

func signed(r *rand.Rand, x float64) float32 {
	if r.IntN(2) == 0 {
		x = -x
	}
	return float32(x)
}

// regimes covers ordinary values, values large enough that products are near 1e32, small
// ones whose products are tiny but normal, products in the subnormal range, and a
// 34-decade mix in one vector. No regime overflows for vectors of up to 100,000 elements.
var regimes = []regime{
	{"unit", func(r *rand.Rand) float32 { return float32(2*r.Float64() - 1) }},
	{"large", func(r *rand.Rand) float32 { return signed(r, (1+9*r.Float64())*1e15) }},
	{"small", func(r *rand.Rand) float32 { return signed(r, (1+9*r.Float64())*1e-19) }},
	{"subnormal", func(r *rand.Rand) float32 { return signed(r, (1+9*r.Float64())*1e-24) }},
	{"mixed", func(r *rand.Rand) float32 { return signed(r, math.Pow(10, -18+34*r.Float64())) }},
	{"integer", func(r *rand.Rand) float32 { return float32(r.IntN(33) - 16) }},
}

// testLengths is every length up to 1000, which walks every tail and loop-count path of
// all implementations, plus a few large ones.
func testLengths() []int {
	var ns []int
	for n := 0; n <= 1000; n++ {
		ns = append(ns, n)
	}
	return append(ns, 1023, 1024, 1025, 4099, 65541)
}

// fenced returns a slice of n elements starting off elements into a larger array whose
// other elements are NaN: a kernel that reads outside its slice returns NaN.
func fenced(r *rand.Rand, n, off int, draw func(*rand.Rand) float32) []float32 {
	buf := make([]float32, off+n+16)
	for i := range buf {
		buf[i] = float32(math.NaN())
	}
	v := buf[off : off+n]
	for i := range v {
		v[i] = draw(r)
	}
	return v
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6b65726e656c)) }

// testedImplementations returns every implementation this CPU runs and logs the ones it
// cannot, so a run on a smaller CPU says what it did not cover.
func testedImplementations(t testing.TB) []implementation {
	t.Helper()
	list := implementations()
	have := map[string]bool{}
	for _, im := range list {
		have[im.name] = true
	}
	for _, name := range allImplementationNames {
		if !have[name] {
			t.Logf("implementation %s not available on this CPU or build; not tested", name)
		}
	}
	return list
}
