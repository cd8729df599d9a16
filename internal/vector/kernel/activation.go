package kernel

import "math"

// Softmax replaces x by softmax(scale·x): e^(scale·xᵢ - m) / Σⱼ e^(scale·xⱼ - m), m being the
// largest scale·xᵢ, as attention weighs its values. Each value is within a few units in
// the last place of the exact result. x may be empty.
func Softmax(x []float32, scale float32) {
	if len(x) > 0 {
		softmax(x, scale)
	}
}

// GELU replaces every x by x·Φ(x), Φ the standard normal distribution function: the exact
// (erf) GELU of BERT's feed-forward layers, to within about 1e-7·max(1, |x|).
//
// Φ(-|x|) = e^(-u²)·erfcx(u)/2 with u = |x|/√2, and erfcx, smooth and bounded, is a
// degree-9 polynomial in t = 1/(1 + u/2) (testdata/gen_gelu.py fits it), so neither a
// table nor a branch is needed.
func GELU(x []float32) {
	if len(x) > 0 {
		gelu(x)
	}
}

// geluPoly approximates erfcx(u) as a polynomial in t = 1/(1 + u/2), highest power first.
var geluPoly = [10]float32{
	-0.05633057281374931,
	0.27207139134407043,
	-0.46330180764198303,
	0.2532810568809509,
	-0.011514727957546711,
	0.19721272587776184,
	0.24423378705978394,
	0.28225722908973694,
	0.2820909023284912,
	1.515749836755731e-08,
}

// The exp of the kernels: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so that n·ln2hi
// is exact), e^r by its Taylor polynomial of degree 7, scaled by 2ⁿ. Inputs below expLo,
// whose results are below the smallest normal float32, give 0.
const (
	expLo = -87.33654
	expHi = 88.37626
	log2e = 1.4426950408889634
	ln2hi = 0.693145751953125
	ln2lo = 1.428606765330187e-06
)

func expGeneric(x float32) float32 {
	if !(x >= expLo) { // also NaN
		if x != x {
			return x
		}
		return 0
	}
	x = min(x, expHi)
	n := float32(math.RoundToEven(float64(x * log2e)))
	r := x - n*ln2hi
	r -= n * ln2lo
	p := float32(1.0 / 5040)
	p = p*r + 1.0/720
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

func softmaxGeneric(x []float32, scale float32) {
	m := float32(math.Inf(-1))
	for i, v := range x {
		x[i] = v * scale
		if x[i] > m {
			m = x[i]
		}
	}
	// Eight partial sums, as the vector implementation keeps.
	var sums [8]float32
	for i, v := range x {
		e := expGeneric(v - m)
		x[i] = e
		sums[i%8] += e
	}
	sum := ((sums[0] + sums[4]) + (sums[2] + sums[6])) + ((sums[1] + sums[5]) + (sums[3] + sums[7]))
	inv := 1 / sum
	for i := range x {
		x[i] *= inv
	}
}

func geluGeneric(x []float32) {
	for i, v := range x {
		u := float32(math.Abs(float64(v))) * float32(1/math.Sqrt2)
		t := 1 / (1 + 0.5*u)
		q := geluPoly[0]
		for _, c := range geluPoly[1:] {
			q = q*t + c
		}
		h := 0.5 * expGeneric(-u*u) * q // Φ(-|x|)
		phi := 1 - h
		if math.Signbit(float64(v)) {
			phi = h
		}
		y := v * phi
		if math.IsInf(float64(v), -1) {
			y = 0
		}
		x[i] = y
	}
}
