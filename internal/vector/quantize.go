package vector

import (
	"math"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// Quantised storage keeps a short code per vector for the graph walk and leaves the exact
// float32 vectors to rescoring. Two codes exist:
//
//   - sq8: one byte per dimension, each dimension scaled on its own range as seen in a
//     training sample (4× smaller than float32). A query is turned once into int16
//     weights in the code domain, so scoring a code is the exact integer sum of
//     kernel.DotSQ8: the distance of the query to the decoded vector up to the weights'
//     rounding (relative 1/MaxWeightSQ8, about 3·10⁻⁵ at 384 dimensions).
//   - bq: one bit per dimension (32× smaller), RaBitQ-style (Gao & Long 2024): the vector
//     minus the sample mean is rotated by a random orthogonal matrix and only the signs
//     are kept, with two floats per vector that make the inner-product estimate unbiased;
//     the query keeps four bits per dimension (kernel.DotBits), not one.
//
// Both produce the internal "smaller is closer" score of the metric (see Metric).

// sampleRows returns up to max row indexes spread evenly over n rows: a deterministic
// training sample.
func sampleRows(n, max int) []int {
	m := min(n, max)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = int(int64(i) * int64(n) / int64(m))
	}
	return idx
}

// sq8Quantizer maps dimension j of a vector to a byte: code = round((x−lo[j])/step[j]),
// clamped to [0, 255], which decodes to lo[j] + step[j]·code.
type sq8Quantizer struct {
	dim      int
	metric   Metric
	lo, step []float32
}

// sq8Sample bounds the rows an sq8 quantiser is trained on.
const sq8Sample = 100_000

// trainSQ8 fits the per-dimension ranges on a sample of vecs (rows of dim, already
// prepared for the metric: normalised under cosine).
func trainSQ8(vecs []float32, dim int, m Metric) *sq8Quantizer {
	return trainSQ8Rows(len(vecs)/dim, dim, m, func(r int) []float32 { return vecs[r*dim : (r+1)*dim] })
}

// trainSQ8Rows is trainSQ8 over n rows that row returns.
func trainSQ8Rows(n, dim int, m Metric, row func(r int) []float32) *sq8Quantizer {
	q := &sq8Quantizer{dim: dim, metric: m, lo: make([]float32, dim), step: make([]float32, dim)}
	lo := make([]float32, dim)
	hi := make([]float32, dim)
	for j := range lo {
		lo[j], hi[j] = float32(math.Inf(1)), float32(math.Inf(-1))
	}
	for _, r := range sampleRows(n, sq8Sample) {
		for j, x := range row(r) {
			lo[j] = min(lo[j], x)
			hi[j] = max(hi[j], x)
		}
	}
	for j := range lo {
		if n == 0 {
			lo[j], hi[j] = 0, 0
		}
		q.lo[j] = lo[j]
		// In float64: the range of components of opposite sign near ±MaxFloat32 (which a
		// replayed log may hold) overflows float32, and a step of +Inf could not be read back.
		q.step[j] = float32((float64(hi[j]) - float64(lo[j])) / 255)
		if !(q.step[j] > 0) {
			q.step[j] = 1 // a constant dimension: every code is 0 and decodes exactly
		}
	}
	return q
}

// encode writes the codes of v to dst (dim bytes).
func (q *sq8Quantizer) encode(dst []uint8, v []float32) {
	for j, x := range v {
		c := math.Round((float64(x) - float64(q.lo[j])) / float64(q.step[j]))
		dst[j] = uint8(min(max(c, 0), 255))
	}
}

// decodedNormSq returns the squared norm of the vector the codes decode to (stored per
// vector for the L2 score).
func (q *sq8Quantizer) decodedNormSq(codes []uint8) float32 {
	var s float64
	for j, c := range codes[:q.dim] {
		x := float64(q.lo[j]) + float64(q.step[j])*float64(c)
		s += x * x
	}
	return float32(s)
}

// sq8Query is a query in the code domain: q·decode(c) = offset + scale·Σ w[j]·c[j].
type sq8Query struct {
	w      []int16
	scale  float64
	offset float64
	qq     float64 // |q|², for L2
}

// prepare fills pq for the prepared (normalised under cosine) query v.
func (q *sq8Quantizer) prepare(pq *sq8Query, v []float32) {
	if cap(pq.w) < q.dim {
		pq.w = make([]int16, q.dim)
	}
	pq.w = pq.w[:q.dim]
	var big, off, qq float64
	for j, x := range v {
		big = max(big, math.Abs(float64(x)*float64(q.step[j])))
		off += float64(x) * float64(q.lo[j])
		qq += float64(x) * float64(x)
	}
	pq.offset, pq.qq, pq.scale = off, qq, 0
	if big == 0 {
		clear(pq.w)
		return
	}
	s := float64(kernel.MaxWeightSQ8(q.dim)) / big
	for j, x := range v {
		pq.w[j] = int16(math.Round(float64(x) * float64(q.step[j]) * s))
	}
	pq.scale = 1 / s
}

// score converts a code sum (kernel.DotSQ8 of the weights and a vector's codes) into the
// metric's internal score; normSq is the vector's decodedNormSq (used by L2 only).
func (pq *sq8Query) score(m Metric, sum int32, normSq float32) float32 {
	dot := pq.offset + pq.scale*float64(sum)
	if m == L2 {
		return float32(pq.qq - 2*dot + float64(normSq))
	}
	return float32(-dot)
}
