package kernel

import "math"

// Sums of squares in [minFastSumSq, math.MaxFloat32] come out of the float32 dot kernel
// accurate to its usual bound; below, squares that fell into or under the subnormal range
// may have lost most of their bits, and above, the sum overflowed. Both are recomputed in
// float64, where squares of float32 values can neither overflow nor underflow.
const minFastSumSq = 0x1p-100

// Norm returns the Euclidean norm of v. It is accurate for any finite v, including vectors
// whose sum of squares overflows or underflows float32; the result is +Inf only when the
// norm itself exceeds the float32 range, and NaN when v holds a NaN.
func Norm(v []float32) float32 { return float32(norm(v)) }

// Normalize scales v in place to unit Euclidean norm and returns its norm before scaling,
// so a cosine index can store unit vectors and rank by dot product. A vector whose norm is
// zero, infinite or NaN cannot be made a unit vector and is left unchanged; its norm (0,
// +Inf or NaN) is still returned.
func Normalize(v []float32) float32 {
	n := norm(v)
	if n == 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return float32(n)
	}
	inv := 1 / n
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
	return float32(n)
}

// norm returns the Euclidean norm of v in float64.
func norm(v []float32) float64 {
	s := active.dot(v, v)
	if s >= minFastSumSq && s <= math.MaxFloat32 {
		return math.Sqrt(float64(s))
	}
	var s64 float64
	for _, x := range v {
		s64 += float64(x) * float64(x)
	}
	return math.Sqrt(s64)
}
