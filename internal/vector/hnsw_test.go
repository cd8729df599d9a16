package vector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// The fast search must return exactly what the reference search returns, ties included:
// a fifth of the vectors are stored twice (under other labels), and half the queries are
// stored vectors, so equal distances occur inside results and at the cut, where only the
// (score, node) order decides.
func TestSearchMatchesReference(t *testing.T) {
	const unique, dups, dim = 1600, 400, 16
	const n = unique + dups
	data := clustered(1, unique, dim, 20)
	data = append(data, data[:dups*dim]...)
	queries := clustered(2, 6, dim, 20)
	for _, row := range []int{3, 120, 399, 1000, 1700, 1999, 7, 1650} {
		queries = append(queries, data[row*dim:(row+1)*dim]...)
	}
	nq := len(queries) / dim
	totalTies := 0
	defer func() { t.Logf("%d tied neighbours checked", totalTies) }()
	for _, tc := range []struct {
		metric Metric
		quant  Quantization
	}{
		{Cosine, QuantNone}, {L2, QuantNone}, {InnerProduct, QuantNone},
		{Cosine, QuantSQ8}, {L2, QuantSQ8}, {InnerProduct, QuantSQ8},
		{Cosine, QuantBQ}, {L2, QuantBQ},
	} {
		metric := tc.metric
		t.Run(metric.String()+"/"+string(tc.quant), func(t *testing.T) {
			h := mustHNSW(t, Options{Dim: dim, Metric: metric, M: 8, EfConstruction: 60, Seed: 3, Threads: 2, Quantization: tc.quant})
			mustAdd(t, h, seqLabels(0, n), data)
			r := rand.New(rand.NewPCG(4, 4))
			sets := map[string]*bitset.Set{}
			for _, frac := range []float64{0.5, 0.1, 0.01} {
				s := bitset.New(n)
				for i := 0; i < n; i++ {
					if r.Float64() < frac {
						s.Add(uint32(i))
					}
				}
				sets[fmt.Sprint(frac)] = s
			}
			filters := []struct {
				name string
				f    Filter
			}{
				{"none", nil},
				{"allow50", AllowSet(sets["0.5"])},
				{"allow10", AllowSet(sets["0.1"])},
				{"allow1-exact", AllowSet(sets["0.01"])},
				{"deny50", DenySet(sets["0.5"])},
				{"deny99-exact", DenySet(func() *bitset.Set {
					s := bitset.New(n)
					for i := 0; i < n; i++ {
						if !sets["0.01"].Contains(uint32(i)) {
							s.Add(uint32(i))
						}
					}
					return s
				}())},
				{"predicate", Predicate(func(l uint32) bool { return l%3 != 0 })},
			}
			check := func(t *testing.T) {
				ties := 0
				for _, f := range filters {
					for _, ef := range []int{0, 1, 16, 120} {
						var longer [][]Hit // the k=10 results of each query, for ties at the k=1 cut
						for _, k := range []int{10, 1} {
							for qi := 0; qi < nq; qi++ {
								q := queries[qi*dim : (qi+1)*dim]
								o := SearchOptions{Ef: ef, Filter: f.f}
								got, err := h.Search(q, k, o)
								if err != nil {
									t.Fatal(err)
								}
								want := refSearch(h, q, k, o)
								if !slices.Equal(got, want) {
									t.Fatalf("filter %s ef %d k %d query %d:\n got %v\nwant %v", f.name, ef, k, qi, got, want)
								}
								// Ties the order had to break: equal distances within the
								// results, and at the k=1 cut when both searches used the
								// same ef.
								for i := 1; i < len(want); i++ {
									if want[i].Distance == want[i-1].Distance {
										ties++
									}
								}
								if k == 10 {
									longer = append(longer, want)
								} else if (ef == 0 || ef >= 10) && len(want) == 1 && len(longer[qi]) > 1 && longer[qi][1].Distance == want[0].Distance {
									ties++
								}
							}
						}
					}
				}
				// Every duplicated query has at least its twin at an equal distance.
				if ties < 100 {
					t.Fatalf("only %d ties checked", ties)
				}
				totalTies += ties
			}
			t.Run("fresh", check)
			del := make([]uint32, 0, n/5)
			for i := 0; i < n; i += 5 {
				del = append(del, uint32(i))
			}
			h.Delete(del)
			t.Run("tombstones", check)
		})
	}
}

func TestDeterministicAcrossThreads(t *testing.T) {
	for _, q := range []Quantization{QuantNone, QuantSQ8, QuantBQ} {
		t.Run(string(q), func(t *testing.T) { testDeterministicAcrossThreads(t, q) })
	}
}

func testDeterministicAcrossThreads(t *testing.T, quant Quantization) {
	const n, dim = 4000, 12
	data := clustered(5, n, dim, 10)
	build := func(threads int) []byte {
		h := mustHNSW(t, Options{Dim: dim, M: 6, EfConstruction: 40, Seed: 9, Threads: threads, Quantization: quant})
		ctx := context.Background()
		// Several calls, upserts, deletes and a compaction: every write path.
		mustAdd(t, h, seqLabels(0, n/2), data[:n/2*dim])
		mustAdd(t, h, seqLabels(n/2, n/2), data[n/2*dim:])
		h.Delete(seqLabels(100, 500))
		mustAdd(t, h, seqLabels(0, 50), data[n/2*dim:(n/2+50)*dim])
		if err := h.Compact(ctx); err != nil {
			t.Fatal(err)
		}
		mustAdd(t, h, seqLabels(100, 500), data[:500*dim])
		var buf bytes.Buffer
		if _, err := h.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	one := build(1)
	for _, threads := range []int{2, 3, 8} {
		if got := build(threads); !bytes.Equal(one, got) {
			t.Fatalf("Threads=%d wrote different bytes than Threads=1 (%d vs %d bytes)", threads, len(got), len(one))
		}
	}
}

func TestRecallAgainstFlat(t *testing.T) {
	const n, dim = 6000, 32
	data := clustered(11, n, dim, 30)
	queries := clustered(12, 200, dim, 30)
	cases := []struct {
		metric Metric
		ef     int
		min    float64
	}{
		{Cosine, 64, 0.97},
		{L2, 64, 0.97},
		{InnerProduct, 64, 0.9},
	}
	for _, c := range cases {
		t.Run(c.metric.String(), func(t *testing.T) {
			h := mustHNSW(t, Options{Dim: dim, Metric: c.metric, M: 12, EfConstruction: 100, Threads: 2})
			mustAdd(t, h, seqLabels(0, n), data)
			r := recallVs(t, h, flatOf(t, h), queries, dim, 10, SearchOptions{Ef: c.ef})
			t.Logf("%s recall@10 at ef=%d: %.4f", c.metric, c.ef, r)
			if r < c.min {
				t.Fatalf("recall@10 %.4f below %.2f", r, c.min)
			}
		})
	}
}

func TestDeleteAndReinsertKeepsRecall(t *testing.T) {
	const n, dim = 6000, 32
	data := clustered(21, n, dim, 30)
	queries := clustered(22, 200, dim, 30)
	o := Options{Dim: dim, M: 12, EfConstruction: 100, Threads: 2}
	const ef = 12
	fresh := mustHNSW(t, o)
	mustAdd(t, fresh, seqLabels(0, n), data)
	base := recallVs(t, fresh, flatOf(t, fresh), queries, dim, 10, SearchOptions{Ef: ef})

	r := rand.New(rand.NewPCG(23, 23))
	perm := r.Perm(n)
	victims := make([]uint32, 0, n*3/10)
	for _, p := range perm[:n*3/10] {
		victims = append(victims, uint32(p))
	}
	victimVecs := func() []float32 {
		var v []float32
		for _, l := range victims {
			v = append(v, data[int(l)*dim:int(l+1)*dim]...)
		}
		return v
	}
	cases := []struct {
		name   string
		labels func() []uint32
	}{
		{"same labels (upsert)", func() []uint32 { return victims }},
		{"new labels", func() []uint32 {
			l := make([]uint32, len(victims))
			for i, v := range victims {
				l[i] = v + n
			}
			return l
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := mustHNSW(t, o)
			mustAdd(t, h, seqLabels(0, n), data)
			if got := h.Delete(victims); got != len(victims) {
				t.Fatalf("deleted %d, want %d", got, len(victims))
			}
			if got := h.Delete(victims[:10]); got != 0 {
				t.Fatalf("second delete removed %d", got)
			}
			mid := recallVs(t, h, flatOf(t, h), queries, dim, 10, SearchOptions{Ef: ef})
			mustAdd(t, h, c.labels(), victimVecs())
			if h.Len() != n || h.Deleted() != 0 {
				t.Fatalf("Len %d Deleted %d after re-insert (want %d, 0: Add compacts past RepairAt)", h.Len(), h.Deleted(), n)
			}
			got := recallVs(t, h, flatOf(t, h), queries, dim, 10, SearchOptions{Ef: ef})
			t.Logf("recall@10: fresh %.4f, after deleting 30%% %.4f, after re-inserting %.4f", base, mid, got)
			if got < base-0.01 || mid < base-0.01 {
				t.Fatalf("recall fell from %.4f to %.4f / %.4f", base, mid, got)
			}
		})
	}
}

func TestFilteredSearch(t *testing.T) {
	const n, dim = 8000, 32
	data := clustered(31, n, dim, 40)
	queries := clustered(32, 100, dim, 40)
	h := mustHNSW(t, Options{Dim: dim, M: 12, EfConstruction: 100, Threads: 2})
	mustAdd(t, h, seqLabels(0, n), data)
	exact := flatOf(t, h)
	r := rand.New(rand.NewPCG(33, 33))
	for _, frac := range []float64{0.5, 0.1, 0.01} {
		allow := bitset.New(n)
		for i := 0; i < n; i++ {
			if r.Float64() < frac {
				allow.Add(uint32(i))
			}
		}
		deny := bitset.New(n)
		for i := 0; i < n; i++ {
			if !allow.Contains(uint32(i)) {
				deny.Add(uint32(i))
			}
		}
		filters := []struct {
			name string
			f    Filter
		}{
			{"allow", AllowSet(allow)},
			{"deny", DenySet(deny)},
			{"predicate", Predicate(allow.Contains)},
		}
		for _, f := range filters {
			t.Run(fmt.Sprintf("%s-%g", f.name, frac), func(t *testing.T) {
				o := SearchOptions{Ef: 64, Filter: f.f}
				for qi := 0; qi < 100; qi++ {
					hits, err := h.Search(queries[qi*dim:(qi+1)*dim], 10, o)
					if err != nil {
						t.Fatal(err)
					}
					for _, hit := range hits {
						if !allow.Contains(hit.Label) {
							t.Fatalf("query %d returned disallowed label %d", qi, hit.Label)
						}
					}
				}
				rec := recallVs(t, h, exact, queries, dim, 10, o)
				t.Logf("recall@10 vs exact filtered search: %.4f", rec)
				if rec < 0.95 {
					t.Fatalf("recall@10 %.4f below 0.95", rec)
				}
			})
		}
	}
}

func TestAddValidation(t *testing.T) {
	const dim = 4
	good := []float32{1, 2, 3, 4}
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	cases := []struct {
		name   string
		metric Metric
		labels []uint32
		vecs   []float32
		want   error
		named  string
	}{
		{"short", Cosine, []uint32{1, 2}, append(append([]float32{}, good...), 1, 2), ErrDimMismatch, ""},
		{"nan", Cosine, []uint32{1, 7}, append(append([]float32{}, good...), 1, nan, 0, 0), ErrNotFinite, "vector 7"},
		{"inf", L2, []uint32{9, 1}, append([]float32{inf, 0, 0, 0}, good...), ErrNotFinite, "vector 9"},
		{"zero cosine", Cosine, []uint32{1, 5}, append(append([]float32{}, good...), 0, 0, 0, 0), ErrZeroVector, "vector 5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := mustHNSW(t, Options{Dim: dim, Metric: c.metric})
			err := h.Add(context.Background(), c.labels, c.vecs)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if c.named != "" && !bytes.Contains([]byte(err.Error()), []byte(c.named)) {
				t.Fatalf("error %q does not name %q", err, c.named)
			}
			if h.Len() != 0 || h.Nodes() != 0 {
				t.Fatalf("bad batch inserted %d vectors", h.Nodes())
			}
		})
	}
	// Zero vectors are fine under L2 and inner product.
	for _, m := range []Metric{L2, InnerProduct} {
		h := mustHNSW(t, Options{Dim: dim, Metric: m})
		mustAdd(t, h, []uint32{1}, make([]float32, dim))
	}
}

func TestQueryValidation(t *testing.T) {
	h := mustHNSW(t, Options{Dim: 3})
	mustAdd(t, h, []uint32{1, 2}, []float32{1, 0, 0, 0, 1, 0})
	cases := []struct {
		name string
		q    []float32
		want error
	}{
		{"short", []float32{1, 0}, ErrDimMismatch},
		{"nan", []float32{1, float32(math.NaN()), 0}, ErrNotFinite},
		{"inf", []float32{float32(math.Inf(-1)), 0, 0}, ErrNotFinite},
		{"zero", []float32{0, 0, 0}, ErrZeroVector},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := h.Search(c.q, 3, SearchOptions{})
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			empty := mustHNSW(t, Options{Dim: 3})
			if _, err := empty.Search(c.q, 3, SearchOptions{}); !errors.Is(err, c.want) {
				t.Fatalf("empty index: got %v, want %v", err, c.want)
			}
		})
	}
}

func TestSmallAndEdgeCases(t *testing.T) {
	ctx := context.Background()
	h := mustHNSW(t, Options{Dim: 2, Metric: L2, M: 4})
	if hits, err := h.Search([]float32{1, 1}, 5, SearchOptions{}); err != nil || len(hits) != 0 {
		t.Fatalf("empty index: %v %v", hits, err)
	}
	mustAdd(t, h, []uint32{7}, []float32{1, 1})
	hits, err := h.Search([]float32{1, 1}, 5, SearchOptions{})
	if err != nil || len(hits) != 1 || hits[0] != (Hit{Label: 7, Distance: 0}) {
		t.Fatalf("one vector: %v %v", hits, err)
	}
	// Repeated label in one call: the last vector wins.
	mustAdd(t, h, []uint32{8, 8}, []float32{5, 5, 2, 2})
	if v, ok := h.Vector(8); !ok || v[0] != 2 || h.Len() != 2 {
		t.Fatalf("repeated label: %v %v len %d", v, ok, h.Len())
	}
	// Upsert replaces.
	mustAdd(t, h, []uint32{7}, []float32{9, 9})
	if v, _ := h.Vector(7); v[0] != 9 || h.Len() != 2 {
		t.Fatalf("upsert: %v len %d", v, h.Len())
	}
	if h.Delete([]uint32{7, 8, 100}) != 2 || h.Len() != 0 || h.Contains(7) {
		t.Fatalf("delete all: len %d", h.Len())
	}
	if hits, err := h.Search([]float32{1, 1}, 5, SearchOptions{}); err != nil || len(hits) != 0 {
		t.Fatalf("all deleted: %v %v", hits, err)
	}
	if err := h.Compact(ctx); err != nil || h.Nodes() != 0 {
		t.Fatalf("compact empty: %v, %d nodes", err, h.Nodes())
	}
	mustAdd(t, h, []uint32{3}, []float32{0, 1})
	if hits, _ := h.Search([]float32{0, 1}, 1, SearchOptions{}); len(hits) != 1 || hits[0].Label != 3 {
		t.Fatalf("after compacting to empty: %v", hits)
	}
	// Sparse labels switch the label table to a map.
	mustAdd(t, h, []uint32{math.MaxUint32, 1 << 30}, []float32{3, 3, 4, 4})
	if !h.Contains(math.MaxUint32) || !h.Contains(1<<30) || h.lookup.sparse == nil {
		t.Fatal("sparse labels not found")
	}
	// k larger than the index.
	if hits, _ := h.Search([]float32{0, 0}, 10, SearchOptions{}); len(hits) != 3 {
		t.Fatalf("k > Len: %v", hits)
	}
	if err := h.Add(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := h.Add(cancelled, []uint32{50}, []float32{1, 2}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled add: %v", err)
	}
}

func TestSearchIntoDoesNotAllocate(t *testing.T) {
	const n, dim = 2000, 16
	h := mustHNSW(t, Options{Dim: dim, M: 8, EfConstruction: 40})
	mustAdd(t, h, seqLabels(0, n), clustered(41, n, dim, 8))
	q := clustered(42, 1, dim, 8)
	allow := bitset.New(n)
	for i := 0; i < n; i += 50 {
		allow.Add(uint32(i))
	}
	for _, o := range []SearchOptions{{Ef: 50}, {Filter: AllowSet(allow)}, {Filter: DenySet(allow)}} {
		dst := make([]Hit, 0, 10)
		dst, _ = h.SearchInto(dst, q, 10, o)
		if allocs := testing.AllocsPerRun(50, func() { dst, _ = h.SearchInto(dst, q, 10, o) }); allocs != 0 {
			t.Fatalf("%+v: %v allocations per search", o, allocs)
		}
	}
}

func TestMemoryBudget(t *testing.T) {
	const n, dim = 5000, 64
	h := mustHNSW(t, Options{Dim: dim, M: 16})
	mustAdd(t, h, seqLabels(0, n), clustered(51, n, dim, 10))
	_, _ = h.Search(clustered(52, 1, dim, 10), 10, SearchOptions{})
	per := float64(h.MemoryBytes()) / n
	budget := 1.15 * float64(4*dim+4*(h.m0+1))
	t.Logf("%.1f bytes per vector (budget %.1f)", per, budget)
	if per > budget {
		t.Fatalf("%.1f bytes per vector, budget %.1f", per, budget)
	}
}

func TestLevelsFollowDistribution(t *testing.T) {
	h := mustHNSW(t, Options{Dim: 2, M: 16, Seed: 1})
	counts := make([]int, maxLevel+1)
	const n = 200000
	for i := uint64(0); i < n; i++ {
		counts[h.levelFor(i)]++
	}
	// P(level >= 1) = 1/M.
	above := float64(n-counts[0]) / n
	if math.Abs(above-1.0/16) > 0.005 {
		t.Fatalf("fraction above level 0 = %.4f, want %.4f", above, 1.0/16)
	}
	if h.levelFor(12345) != h.levelFor(12345) {
		t.Fatal("levelFor not deterministic")
	}
}

func TestSearchByLabel(t *testing.T) {
	const n, dim = 500, 8
	data := clustered(101, n, dim, 4)
	h := mustHNSW(t, Options{Dim: dim, M: 8})
	mustAdd(t, h, seqLabels(0, n), data)
	f := flatOf(t, h)
	for _, label := range []uint32{0, 17, 499} {
		q := data[int(label)*dim : int(label+1)*dim]
		want, _ := f.Search(q, 6, SearchOptions{})
		for name, s := range map[string]interface {
			SearchByLabel([]Hit, uint32, int, SearchOptions) ([]Hit, error)
		}{"hnsw": h, "flat": f} {
			got, err := s.SearchByLabel(nil, label, 5, SearchOptions{Ef: 50})
			if err != nil || len(got) != 5 {
				t.Fatalf("%s: %v %v", name, got, err)
			}
			for i, hit := range got {
				if hit.Label == label || hit.Label != want[i+1].Label {
					t.Fatalf("%s label %d: got %v, want %v without the label itself", name, label, got, want)
				}
			}
		}
	}
	if _, err := h.SearchByLabel(nil, 9999, 5, SearchOptions{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing label: %v", err)
	}
	if _, err := f.SearchByLabel(nil, 9999, 5, SearchOptions{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("flat missing label: %v", err)
	}
}
