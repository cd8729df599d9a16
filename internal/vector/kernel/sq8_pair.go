package kernel

// Distances between two sq8 codes (symmetric: neither side is a float32 query). A code c
// decodes to lo[i] + step[i]·c[i] per dimension; these kernels compute, in float32, the dot
// product of two decoded vectors and their squared Euclidean distance, without decoding
// them into memory. An index built on codes alone uses them to choose neighbours. As with
// the float32 kernels, each implementation is deterministic, and implementations may
// differ in the last bits (their sums run in different orders).

// DotSQ8Pair returns Σ (lo[i] + step[i]·a[i])·(lo[i] + step[i]·b[i]) over len(lo)
// dimensions. step, a and b must be at least as long as lo.
func DotSQ8Pair(lo, step []float32, a, b []uint8) float32 { return activeSQ8.pairDot(lo, step, a, b) }

// L2SQ8Pair returns Σ (step[i]·(a[i] − b[i]))² over len(step) dimensions. a and b must be
// at least as long as step.
func L2SQ8Pair(step []float32, a, b []uint8) float32 { return activeSQ8.pairL2(step, a, b) }

func checkPair(n int, lens ...int) {
	for _, l := range lens {
		if l < n {
			panicShort(n, l)
		}
	}
}

func dotSQ8PairGeneric(lo, step []float32, a, b []uint8) float32 {
	n := len(lo)
	checkPair(n, len(step), len(a), len(b))
	step, a, b = step[:n], a[:n], b[:n]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= n; i += 4 {
		s0 += (lo[i] + step[i]*float32(a[i])) * (lo[i] + step[i]*float32(b[i]))
		s1 += (lo[i+1] + step[i+1]*float32(a[i+1])) * (lo[i+1] + step[i+1]*float32(b[i+1]))
		s2 += (lo[i+2] + step[i+2]*float32(a[i+2])) * (lo[i+2] + step[i+2]*float32(b[i+2]))
		s3 += (lo[i+3] + step[i+3]*float32(a[i+3])) * (lo[i+3] + step[i+3]*float32(b[i+3]))
	}
	for ; i < n; i++ {
		s0 += (lo[i] + step[i]*float32(a[i])) * (lo[i] + step[i]*float32(b[i]))
	}
	return (s0 + s1) + (s2 + s3)
}

func l2SQ8PairGeneric(step []float32, a, b []uint8) float32 {
	n := len(step)
	checkPair(n, len(a), len(b))
	a, b = a[:n], b[:n]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= n; i += 4 {
		d0 := step[i] * float32(int32(a[i])-int32(b[i]))
		d1 := step[i+1] * float32(int32(a[i+1])-int32(b[i+1]))
		d2 := step[i+2] * float32(int32(a[i+2])-int32(b[i+2]))
		d3 := step[i+3] * float32(int32(a[i+3])-int32(b[i+3]))
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < n; i++ {
		d := step[i] * float32(int32(a[i])-int32(b[i]))
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}
