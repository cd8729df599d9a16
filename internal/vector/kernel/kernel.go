// Package kernel owns the float32 distance kernels under every vector index: dot product and
// squared Euclidean distance, with a portable Go implementation and, where the CPU has them,
// assembly implementations chosen once at start-up.
//
// Callers pass slices of equal length; the kernels do not check (the indexes validate
// dimensions once, at insert and at query time, not per distance).
package kernel

// Dot returns the dot product of a and b (len(a) elements; b must be at least as long).
func Dot(a, b []float32) float32 { return dotGeneric(a, b) }

// L2Sq returns the squared Euclidean distance between a and b.
func L2Sq(a, b []float32) float32 { return l2sqGeneric(a, b) }

func dotGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func l2sqGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// DotRows computes out[i] = Dot(q, row ids[i] of base), where base holds rows of len(q)
// float32s back to back. Gathering several rows per call lets the assembly paths prefetch
// the next row while computing the current one, which is how graph searches spend most of
// their time.
func DotRows(q, base []float32, ids []uint32, out []float32) {
	dim := len(q)
	for i, id := range ids {
		off := int(id) * dim
		out[i] = Dot(q, base[off:off+dim])
	}
}

// L2SqRows computes out[i] = L2Sq(q, row ids[i] of base); see DotRows.
func L2SqRows(q, base []float32, ids []uint32, out []float32) {
	dim := len(q)
	for i, id := range ids {
		off := int(id) * dim
		out[i] = L2Sq(q, base[off:off+dim])
	}
}
