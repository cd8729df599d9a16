package vector

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// bruteForce is the plainest possible exact search, computed in float64.
func bruteForce(m Metric, labels []uint32, vecs []float32, dim int, q []float32, k int, allow func(uint32) bool) []uint32 {
	type scored struct {
		label uint32
		d     float64
	}
	norm := func(v []float32) float64 {
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s)
	}
	var all []scored
	for i, l := range labels {
		if allow != nil && !allow(l) {
			continue
		}
		v := vecs[i*dim : (i+1)*dim]
		var dot, l2 float64
		for j := range v {
			dot += float64(v[j]) * float64(q[j])
			d := float64(v[j]) - float64(q[j])
			l2 += d * d
		}
		var d float64
		switch m {
		case Cosine:
			d = 1 - dot/(norm(v)*norm(q))
		case L2:
			d = l2
		case InnerProduct:
			d = -dot
		}
		all = append(all, scored{l, d})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	var out []uint32
	for i := 0; i < len(all) && i < k; i++ {
		out = append(out, all[i].label)
	}
	return out
}

func TestFlatMatchesBruteForce(t *testing.T) {
	const n, dim = 500, 8
	data := clustered(71, n, dim, 5)
	queries := clustered(72, 20, dim, 5)
	for _, m := range []Metric{Cosine, L2, InnerProduct} {
		t.Run(m.String(), func(t *testing.T) {
			f, err := NewFlat(dim, m)
			if err != nil {
				t.Fatal(err)
			}
			labels := seqLabels(100, n)
			mustAdd(t, f, labels, data)
			allow := func(l uint32) bool { return l%4 != 0 }
			for i := 0; i < 20; i++ {
				q := queries[i*dim : (i+1)*dim]
				for _, filter := range []Filter{nil, Predicate(allow)} {
					var fn func(uint32) bool
					if filter != nil {
						fn = allow
					}
					hits, err := f.Search(q, 7, SearchOptions{Filter: filter})
					if err != nil {
						t.Fatal(err)
					}
					want := bruteForce(m, labels, data, dim, q, 7, fn)
					var got []uint32
					for j, h := range hits {
						got = append(got, h.Label)
						if j > 0 && h.Distance < hits[j-1].Distance {
							t.Fatalf("hits not sorted: %v", hits)
						}
					}
					if !slices.Equal(got, want) {
						t.Fatalf("query %d: got %v want %v", i, got, want)
					}
				}
			}
		})
	}
}

func TestFlatWrites(t *testing.T) {
	f, _ := NewFlat(2, L2)
	mustAdd(t, f, []uint32{1, 2, 3, 4}, []float32{1, 0, 2, 0, 3, 0, 4, 0})
	if n := f.Delete([]uint32{2, 2, 9}); n != 1 || f.Len() != 3 || f.Contains(2) {
		t.Fatalf("delete: %d, len %d", n, f.Len())
	}
	mustAdd(t, f, []uint32{4, 5}, []float32{10, 0, 5, 0})
	if v, _ := f.Vector(4); v[0] != 10 || f.Len() != 4 {
		t.Fatalf("upsert: %v len %d", v, f.Len())
	}
	hits, _ := f.Search([]float32{5, 0}, 2, SearchOptions{})
	if len(hits) != 2 || hits[0].Label != 5 || hits[1].Label != 3 || hits[1].Distance != 4 {
		t.Fatalf("search after writes: %v", hits)
	}
	allow := bitset.New(8)
	allow.Add(1)
	hits, _ = f.Search([]float32{5, 0}, 3, SearchOptions{Filter: AllowSet(allow)})
	if len(hits) != 1 || hits[0].Label != 1 {
		t.Fatalf("allow-set: %v", hits)
	}
	if err := f.Add(context.Background(), []uint32{6}, []float32{float32(math.NaN()), 0}); !errors.Is(err, ErrNotFinite) {
		t.Fatalf("NaN: %v", err)
	}
	if _, err := f.Search([]float32{1}, 1, SearchOptions{}); !errors.Is(err, ErrDimMismatch) {
		t.Fatalf("short query: %v", err)
	}
	if _, err := NewFlat(0, L2); !errors.Is(err, ErrBadOptions) {
		t.Fatalf("dim 0: %v", err)
	}
}

func TestFlatSearchBatch(t *testing.T) {
	const n, dim = 300, 6
	f, _ := NewFlat(dim, Cosine)
	mustAdd(t, f, seqLabels(0, n), clustered(81, n, dim, 3))
	r := rand.New(rand.NewPCG(1, 1))
	qs := make([][]float32, 40)
	for i := range qs {
		qs[i] = make([]float32, dim)
		for j := range qs[i] {
			qs[i][j] = float32(r.NormFloat64())
		}
	}
	got, err := f.SearchBatch(qs, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range qs {
		want, _ := f.Search(q, 5, SearchOptions{})
		if !slices.Equal(got[i], want) {
			t.Fatalf("query %d: %v vs %v", i, got[i], want)
		}
	}
	qs[7] = make([]float32, dim)
	if _, err := f.SearchBatch(qs, 5, 2); !errors.Is(err, ErrZeroVector) {
		t.Fatalf("zero query in batch: %v", err)
	}
}
