package vector

import (
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// bqQuantizer keeps one bit per dimension: the signs of y = R·(x − centre), R a random
// orthogonal matrix and centre the mean of a training sample. With b = sign(y) as ±1, the
// estimate of ⟨x − centre, z⟩ for any z is ⟨b, R·z⟩·|x−centre|²/⟨b, y⟩, RaBitQ's unbiased
// estimator; the rotation spreads every vector's energy over all dimensions, which is
// what makes one bit a dimension informative and the error small (O(1/√dim) relative).
type bqQuantizer struct {
	dim, words int
	metric     Metric
	centre     []float32
	rot        []float32 // dim×dim, row i = the i-th rotated coordinate
}

// bqVector is what a bit code needs beside its bits: |x−c|², the factor |x−c|²/⟨b, y⟩,
// ⟨x−c, c⟩ (for the inner product) and the number of set bits.
type bqVector struct {
	normSq, factor, dotCentre float32
	ones                      int32
}

// bqQueryBits is the precision a query keeps: 4 bit planes, values 0..15.
const bqQueryBits = 4

// trainBQ computes the centre on a sample of vecs and draws the rotation from seed.
func trainBQ(vecs []float32, dim int, m Metric, seed uint64) *bqQuantizer {
	return trainBQRows(len(vecs)/dim, dim, m, seed, func(r int) []float32 { return vecs[r*dim : (r+1)*dim] })
}

// trainBQRows is trainBQ over n rows that row returns.
func trainBQRows(n, dim int, m Metric, seed uint64, row func(r int) []float32) *bqQuantizer {
	return trainBQRowsRotated(n, dim, m, seed, row, nil)
}

// trainBQRowsRotated is trainBQRows reusing rot, the rotation an earlier training drew from
// the same seed and dimension (nil: draw it), which costs O(dim³).
func trainBQRowsRotated(n, dim int, m Metric, seed uint64, row func(r int) []float32, rot []float32) *bqQuantizer {
	q := &bqQuantizer{dim: dim, words: (dim + 63) / 64, metric: m, centre: make([]float32, dim)}
	sample := sampleRows(n, sq8Sample)
	sum := make([]float64, dim)
	for _, r := range sample {
		for j, x := range row(r) {
			sum[j] += float64(x)
		}
	}
	for j := range sum {
		if len(sample) > 0 {
			q.centre[j] = float32(sum[j] / float64(len(sample)))
		}
	}
	if rot == nil {
		rot = randomRotation(dim, seed)
	}
	q.rot = rot
	return q
}

// randomRotation returns a dim×dim orthogonal matrix drawn uniformly (Gram-Schmidt,
// twice, on Gaussian rows).
func randomRotation(dim int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 0x62712d726f74))
	m := make([]float64, dim*dim)
	for i := range m {
		m[i] = rng.NormFloat64()
	}
	for i := range dim {
		v := m[i*dim : (i+1)*dim]
		for range 2 {
			for p := range i {
				u := m[p*dim : (p+1)*dim]
				var d float64
				for j := range v {
					d += u[j] * v[j]
				}
				for j := range v {
					v[j] -= d * u[j]
				}
			}
		}
		var s float64
		for _, x := range v {
			s += x * x
		}
		inv := 1 / math.Sqrt(s)
		for j := range v {
			v[j] *= inv
		}
	}
	out := make([]float32, len(m))
	for i, x := range m {
		out[i] = float32(x)
	}
	return out
}

// rotate writes R·(v − centre) to dst; diff is dim floats of scratch.
func (q *bqQuantizer) rotate(dst, diff, v []float32) {
	for j, x := range v {
		diff[j] = x - q.centre[j]
	}
	for i := range q.dim {
		dst[i] = kernel.Dot(q.rot[i*q.dim:(i+1)*q.dim], diff)
	}
}

// encode writes the bits of v to dst (q.words words) and returns its factors; y and diff
// are dim floats of scratch.
func (q *bqQuantizer) encode(dst []uint64, v, y, diff []float32) bqVector {
	q.rotate(y, diff, v)
	clear(dst[:q.words])
	var normSq, l1, dotCentre float64
	for i, x := range y {
		if x > 0 {
			dst[i/64] |= 1 << (i % 64)
		}
		l1 += math.Abs(float64(x))
		normSq += float64(x) * float64(x)
	}
	for j, x := range diff {
		dotCentre += float64(x) * float64(q.centre[j])
	}
	var ones int
	for _, w := range dst[:q.words] {
		ones += bits.OnesCount64(w)
	}
	f := 0.0
	if l1 > 0 {
		f = normSq / l1
	}
	return bqVector{normSq: float32(normSq), factor: float32(f), dotCentre: float32(dotCentre), ones: int32(ones)}
}

// bqQuery is a query ready for DotBits: R·(query − centre) quantised to 4 bits, as
// planes, with what turns a DotBits sum back into ⟨b, R·(query − centre)⟩.
type bqQuery struct {
	planes   []uint64
	lo, step float64
	sumU     float64 // Σ of the 4-bit values
	normSq   float64 // |query − centre|²
	dotC     float64 // ⟨query, centre⟩, for the inner product
	y, diff  []float32
}

func (q *bqQuantizer) prepare(pq *bqQuery, v []float32) {
	if cap(pq.y) < q.dim {
		pq.y, pq.diff = make([]float32, q.dim), make([]float32, q.dim)
		pq.planes = make([]uint64, bqQueryBits*q.words)
	}
	pq.y, pq.diff, pq.planes = pq.y[:q.dim], pq.diff[:q.dim], pq.planes[:bqQueryBits*q.words]
	q.rotate(pq.y, pq.diff, v)
	lo, hi := math.Inf(1), math.Inf(-1)
	pq.normSq, pq.dotC = 0, 0
	for i, x := range pq.y {
		lo, hi = min(lo, float64(x)), max(hi, float64(x))
		pq.normSq += float64(pq.diff[i]) * float64(pq.diff[i])
		pq.dotC += float64(v[i]) * float64(q.centre[i])
	}
	const top = 1<<bqQueryBits - 1
	pq.lo, pq.step = lo, (hi-lo)/top
	if !(pq.step > 0) {
		pq.step = 1
	}
	clear(pq.planes)
	pq.sumU = 0
	for i, x := range pq.y {
		u := uint64(min(max(math.Round((float64(x)-lo)/pq.step), 0), top))
		pq.sumU += float64(u)
		for p := range bqQueryBits {
			pq.planes[p*q.words+i/64] |= (u >> p & 1) << (i % 64)
		}
	}
}

// score turns a DotBits sum for a vector into the metric's internal score.
func (pq *bqQuery) score(q *bqQuantizer, sum int32, v bqVector) float32 {
	// ⟨b, y_q⟩ with b = 2·bit − 1 and y_q ≈ lo + step·u.
	by := pq.lo*float64(2*v.ones-int32(q.dim)) + pq.step*(2*float64(sum)-pq.sumU)
	ip := float64(v.factor) * by // estimate of ⟨x − c, q − c⟩
	switch q.metric {
	case InnerProduct:
		// ⟨x, q⟩ = ⟨x−c, q−c⟩ + ⟨x−c, c⟩ + ⟨c, q⟩
		return float32(-(ip + float64(v.dotCentre) + pq.dotC))
	default:
		// |x − q|² = |x−c|² + |q−c|² − 2⟨x−c, q−c⟩; for unit vectors the same order as cosine.
		return float32(float64(v.normSq) + pq.normSq - 2*ip)
	}
}
