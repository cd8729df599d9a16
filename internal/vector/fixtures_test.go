package vector

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// clustered returns n vectors of dimension dim with the shape of real embeddings: points
// around a few cluster centres in a 16-dimensional latent space, mapped to dim dimensions
// by a fixed random linear map, plus a little noise. The low intrinsic dimension is what
// makes real data searchable; isotropic noise in all dim dimensions would not be. The map
// depends only on dim, so calls with different seeds draw from the same distribution
// (queries from one seed, base vectors from another).
func clustered(seed uint64, n, dim, centres int) []float32 {
	const latent = 16
	shape := rand.New(rand.NewPCG(uint64(dim), uint64(centres)))
	proj := make([]float64, dim*latent)
	for i := range proj {
		proj[i] = shape.NormFloat64()
	}
	cs := make([]float64, centres*latent)
	for i := range cs {
		cs[i] = shape.NormFloat64()
	}
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]float32, n*dim)
	z := make([]float64, latent)
	for i := 0; i < n; i++ {
		c := r.IntN(centres)
		for j := range z {
			z[j] = cs[c*latent+j] + r.NormFloat64()
		}
		for d := 0; d < dim; d++ {
			var x float64
			for j, zj := range z {
				x += proj[d*latent+j] * zj
			}
			out[i*dim+d] = float32(x + 0.1*r.NormFloat64())
		}
	}
	return out
}

func seqLabels(from, n int) []uint32 {
	l := make([]uint32, n)
	for i := range l {
		l[i] = uint32(from + i)
	}
	return l
}

func mustHNSW(t testing.TB, o Options) *HNSW {
	t.Helper()
	h, err := NewHNSW(o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func mustAdd(t testing.TB, x interface {
	Add(context.Context, []uint32, []float32) error
}, labels []uint32, vecs []float32) {
	t.Helper()
	if err := x.Add(context.Background(), labels, vecs); err != nil {
		t.Fatal(err)
	}
}

// searcher is what recall measurement needs of an index.
type searcher interface {
	Search(q []float32, k int, o SearchOptions) ([]Hit, error)
}

// recallVs returns the mean fraction of truth's top-k labels that got finds, over queries.
func recallVs(t testing.TB, got, truth searcher, queries []float32, dim, k int, o SearchOptions) float64 {
	t.Helper()
	nq := len(queries) / dim
	found, total := 0, 0
	to := SearchOptions{Filter: o.Filter}
	for i := 0; i < nq; i++ {
		q := queries[i*dim : (i+1)*dim]
		want, err := truth.Search(q, k, to)
		if err != nil {
			t.Fatal(err)
		}
		have, err := got.Search(q, k, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if slices.ContainsFunc(have, func(h Hit) bool { return h.Label == w.Label }) {
				found++
			}
		}
		total += len(want)
	}
	if total == 0 {
		return 1
	}
	return float64(found) / float64(total)
}

// flatOf builds the exact index over the same live data as h.
func flatOf(t testing.TB, h *HNSW) *Flat {
	t.Helper()
	f, err := NewFlat(h.dim, h.metric)
	if err != nil {
		t.Fatal(err)
	}
	var labels []uint32
	var vecs []float32
	for i, l := range h.labels {
		if !h.isDead(uint32(i)) {
			labels = append(labels, l)
			vecs = append(vecs, h.vec(uint32(i))...)
		}
	}
	mustAdd(t, f, labels, vecs)
	return f
}

func almostEqual(a, b float32) bool {
	return math.Abs(float64(a-b)) <= 1e-5*math.Max(1, math.Abs(float64(a)))
}
