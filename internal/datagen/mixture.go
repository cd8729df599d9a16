package datagen

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// modelVersion names the sampling procedure below; it changes whenever the bytes a given
// set of options produces change, and is recorded in meta.json.
const modelVersion = 1

// Random streams: every sample is drawn from a generator seeded by (seed, version,
// stream, block), so base blocks can be generated in any order by any goroutine, and
// the queries do not depend on N.
const (
	streamModel = iota
	streamBase
	streamQueries
)

// mixture is the fixed part of the clustered model: everything drawn once from the seed.
type mixture struct {
	dim     int
	scale   []float64      // per latent dimension: exp(-j/tau) + floor
	centers []float64      // cluster c at [c*dim, (c+1)*dim)
	cum     []float64      // cumulative cluster weights, last exactly 1
	spread  []float64      // per cluster
	offset  []float64      // shared by every sample
	rot     *kernel.Packed // dim×dim random orthogonal matrix: x = latent · rot
	cosine  bool
}

func newMixture(o *ClusteredOptions) *mixture {
	rng := newRNG(o.Seed, streamModel, 0)
	dim, k := o.Dim, o.Clusters
	m := &mixture{dim: dim, scale: make([]float64, dim), centers: make([]float64, k*dim),
		cum: make([]float64, k), spread: make([]float64, k), offset: make([]float64, dim),
		cosine: o.Metric == "cosine"}
	var sumSq float64
	for j := range m.scale {
		m.scale[j] = math.Exp(-float64(j)/o.Tau) + o.Floor
		sumSq += m.scale[j] * m.scale[j]
	}
	for i := range m.centers {
		m.centers[i] = rng.NormFloat64() * m.scale[i%dim]
	}
	// Zipf-like weights (rank+1)^-0.7, assigned to clusters in a random order.
	w := make([]float64, k)
	for i := range w {
		w[i] = math.Pow(float64(i)+1, -0.7)
	}
	rng.Shuffle(k, func(i, j int) { w[i], w[j] = w[j], w[i] })
	var total, run float64
	for _, x := range w {
		total += x
	}
	for i, x := range w {
		run += x / total
		m.cum[i] = run
	}
	m.cum[k-1] = 1
	for i := range m.spread {
		m.spread[i] = o.SpreadLo + (o.SpreadHi-o.SpreadLo)*rng.Float64()
	}
	var offNorm float64
	for j := range m.offset {
		m.offset[j] = rng.NormFloat64() * m.scale[j]
		offNorm += m.offset[j] * m.offset[j]
	}
	if offNorm > 0 {
		f := o.Offset * math.Sqrt(sumSq) / math.Sqrt(offNorm)
		for j := range m.offset {
			m.offset[j] *= f
		}
	}
	m.rot = kernel.Pack(randomOrthogonal(rng, dim), dim, dim, dim)
	return m
}

// cluster picks a component with probability equal to its weight.
func (m *mixture) cluster(rng *rand.Rand) int {
	u := rng.Float64()
	c := sort.Search(len(m.cum), func(i int) bool { return m.cum[i] > u })
	return min(c, len(m.cum)-1)
}

// sampleLatent fills rows latent vectors (row-major in latent) and their clusters.
func (m *mixture) sampleLatent(rng *rand.Rand, rows int, latent []float64, labels []int32) {
	dim := m.dim
	for r := range rows {
		c := m.cluster(rng)
		labels[r] = int32(c)
		s := m.spread[c]
		row := latent[r*dim : (r+1)*dim : (r+1)*dim]
		center := m.centers[c*dim : (c+1)*dim : (c+1)*dim]
		for j := range row {
			row[j] = rng.NormFloat64()*m.scale[j]*s + center[j] + m.offset[j]
		}
	}
}

// sample draws rows vectors into out (float32, row-major), rotated and, under cosine,
// normalised. latent and rotated are scratch of rows*dim elements.
func (m *mixture) sample(rng *rand.Rand, rows int, out []float32, labels []int32, latent, rotated []float64) {
	dim := m.dim
	m.sampleLatent(rng, rows, latent, labels)
	clear(rotated[:rows*dim])
	m.rot.MulAdd(rotated, dim, latent, dim, rows)
	for r := range rows {
		x := rotated[r*dim : (r+1)*dim]
		f := 1.0
		if n := norm64(x); m.cosine && n > 0 {
			f = 1 / n
		}
		o := out[r*dim : (r+1)*dim]
		for j, v := range x {
			o[j] = float32(v * f)
		}
	}
}

func norm64(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

// randomOrthogonal returns a dim×dim orthogonal matrix drawn uniformly (Haar measure):
// Gram-Schmidt on Gaussian rows, which is the QR decomposition of a Gaussian matrix with
// the signs fixed so R has a positive diagonal. Each row is orthogonalised twice against
// the rows before it, which keeps it orthogonal to working precision.
func randomOrthogonal(rng *rand.Rand, dim int) []float64 {
	q := make([]float64, dim*dim)
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	for i := range dim {
		v := q[i*dim : (i+1)*dim]
		for range 2 {
			for p := range i {
				u := q[p*dim : (p+1)*dim]
				var d float64
				for j := range v {
					d += u[j] * v[j]
				}
				for j := range v {
					v[j] -= d * u[j]
				}
			}
		}
		inv := 1 / norm64(v)
		for j := range v {
			v[j] *= inv
		}
	}
	return q
}

// newRNG returns the generator of one block of one stream. The four words are mixed
// with SplitMix64 into the two words of a PCG seed.
func newRNG(seed uint64, stream, block int) *rand.Rand {
	h := splitMix(seed ^ splitMix(modelVersion))
	h = splitMix(h ^ uint64(stream))
	lo := splitMix(h ^ uint64(block))
	return rand.New(rand.NewPCG(h, lo))
}

func splitMix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
