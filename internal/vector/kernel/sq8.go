package kernel

import "fmt"

// Kernels for 8-bit scalar-quantised vectors (sq8). A stored vector is a row of uint8
// codes, one per dimension; the query is brought into the code domain once per search as
// int16 weights (see the quantiser in the vector package), so a distance is the integer
// sum Σ q[i]·c[i]. Integer sums do not depend on the order of the additions, so every
// implementation returns the same value, bit for bit. The sums are int32 and cannot
// overflow when every |q[i]| ≤ MaxWeightSQ8(len(q)); beyond that they wrap around, the
// same way in every implementation.

// MaxWeightSQ8 returns the largest |weight| a query of n dimensions may have so that
// DotSQ8 cannot overflow int32: n·weight·255 < 2³¹, and never more than the int16 range.
func MaxWeightSQ8(n int) int {
	if n <= 0 {
		return 32767
	}
	return min(32767, (1<<31-1)/(255*n))
}

// DotSQ8 returns Σ q[i]·c[i] over len(q) dimensions. c must be at least as long as q;
// only the first len(q) codes are read.
func DotSQ8(q []int16, c []uint8) int32 { return activeSQ8.dot(q, c) }

// DotSQ8Rows computes out[i] = DotSQ8(q, row ids[i] of codes), where codes holds rows of
// len(q) bytes back to back. Like DotRows it prefetches rows ahead of the one it
// computes, so the cache misses of a graph search's scattered neighbours overlap. out
// must hold at least len(ids) elements; every id must name a whole row.
func DotSQ8Rows(q []int16, codes []uint8, ids []uint32, out []int32) {
	activeSQ8.dotRows(q, codes, ids, out)
}

// SQ8Implementation names the sq8 implementation in use.
func SQ8Implementation() string { return activeSQ8.name }

// sq8Impl is one set of sq8 kernels; each enforces the memory-safety contract itself.
type sq8Impl struct {
	name    string
	dot     func(q []int16, c []uint8) int32
	dotRows func(q []int16, codes []uint8, ids []uint32, out []int32)
	pairDot func(lo, step []float32, a, b []uint8) float32
	pairL2  func(step []float32, a, b []uint8) float32
}

// activeSQ8 is the implementation chosen at start-up; it is never reassigned.
var activeSQ8 = sq8Implementations()[0]

var sq8Generic = sq8Impl{name: "generic", dot: dotSQ8Generic, dotRows: dotSQ8RowsGeneric,
	pairDot: dotSQ8PairGeneric, pairL2: l2SQ8PairGeneric}

func dotSQ8Generic(q []int16, c []uint8) int32 {
	if len(c) < len(q) {
		panicShort(len(q), len(c))
	}
	c = c[:len(q)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(q); i += 4 {
		x := q[i : i+4 : i+4]
		y := c[i : i+4 : i+4]
		s0 += int32(x[0]) * int32(y[0])
		s1 += int32(x[1]) * int32(y[1])
		s2 += int32(x[2]) * int32(y[2])
		s3 += int32(x[3]) * int32(y[3])
	}
	for ; i < len(q); i++ {
		s0 += int32(q[i]) * int32(c[i])
	}
	return s0 + s1 + s2 + s3
}

// checkCodeRows enforces the length part of a row contract for rows of dim elements and
// returns how many whole rows the arena of n elements holds.
func checkCodeRows(dim, n, ids, out int) int {
	if out < ids {
		panic(fmt.Sprintf("kernel: out holds %d elements for %d ids", out, ids))
	}
	if dim == 0 {
		return 0
	}
	return n / dim
}

func dotSQ8RowsGeneric(q []int16, codes []uint8, ids []uint32, out []int32) {
	dim := len(q)
	rows := checkCodeRows(dim, len(codes), len(ids), len(out))
	if dim == 0 {
		clear(out[:len(ids)])
		return
	}
	for i, id := range ids {
		if uint(id) >= uint(rows) {
			panicRowRange(id, rows)
		}
		off := int(id) * dim
		out[i] = dotSQ8Generic(q, codes[off:off+dim])
	}
}
