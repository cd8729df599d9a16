package vector

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vajrasearch/vajra/internal/testutil"
)

// texmexSet is a loaded ANN benchmark set.
type texmexSet struct {
	name    string
	dim     int
	base    []float32
	queries []float32
	gt      [][]int32
}

func (s *texmexSet) n() int  { return len(s.base) / s.dim }
func (s *texmexSet) nq() int { return len(s.queries) / s.dim }
func (s *texmexSet) query(i int) []float32 {
	return s.queries[i*s.dim : (i+1)*s.dim]
}

func loadTexmex(tb testing.TB, name string) *texmexSet {
	tb.Helper()
	dir := testutil.SharedData(tb, filepath.Join("vectors", name))
	base, dim, err := ReadFvecs(filepath.Join(dir, "base.fvecs"))
	if err != nil {
		tb.Fatal(err)
	}
	qs, qdim, err := ReadFvecs(filepath.Join(dir, "query.fvecs"))
	if err != nil {
		tb.Fatal(err)
	}
	gt, err := ReadIvecs(filepath.Join(dir, "groundtruth.ivecs"))
	if err != nil {
		tb.Fatal(err)
	}
	if qdim != dim || len(gt) != len(qs)/qdim {
		tb.Fatalf("%s: inconsistent set (dim %d/%d, %d truth rows)", name, dim, qdim, len(gt))
	}
	return &texmexSet{name: name, dim: dim, base: base, queries: qs, gt: gt}
}

func (s *texmexSet) labels() []uint32 {
	l := make([]uint32, s.n())
	for i := range l {
		l[i] = uint32(i)
	}
	return l
}

func (s *texmexSet) build(tb testing.TB, o Options) (*HNSW, time.Duration) {
	tb.Helper()
	o.Dim = s.dim
	h, err := NewHNSW(o)
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	if err := h.Add(context.Background(), s.labels(), s.base); err != nil {
		tb.Fatal(err)
	}
	return h, time.Since(start)
}

// recallAndP50 runs every query once at ef and returns recall@k against the ground truth
// and the median latency.
func (s *texmexSet) recallAndP50(tb testing.TB, h *HNSW, k, ef int) (float64, time.Duration) {
	tb.Helper()
	var hits []Hit
	var err error
	lat := make([]time.Duration, s.nq())
	found := 0
	for i := 0; i < s.nq(); i++ {
		// Warm once, then time: the first touch of a query's graph region is not latency.
		if i < 200 {
			_, _ = h.SearchInto(hits, s.query(i), k, SearchOptions{Ef: ef})
		}
	}
	for i := 0; i < s.nq(); i++ {
		t0 := time.Now()
		hits, err = h.SearchInto(hits, s.query(i), k, SearchOptions{Ef: ef})
		lat[i] = time.Since(t0)
		if err != nil {
			tb.Fatal(err)
		}
		truth := s.gt[i][:k]
		for _, hit := range hits {
			if slices.Contains(truth, int32(hit.Label)) {
				found++
			}
		}
	}
	slices.Sort(lat)
	return float64(found) / float64(k*s.nq()), lat[(len(lat)-1)/2]
}

var benchSets = []string{"wiki-lsa-384-10k", "wiki-lsa-384-50k"}

// BenchmarkHNSWBuild measures building the whole set with 2 threads (M=16, efc=200).
func BenchmarkHNSWBuild(b *testing.B) {
	for _, name := range benchSets {
		b.Run(name, func(b *testing.B) {
			s := loadTexmex(b, name)
			b.ReportAllocs()
			b.SetBytes(int64(len(s.base) * 4))
			var h *HNSW
			for i := 0; i < b.N; i++ {
				h, _ = s.build(b, Options{Threads: 2})
			}
			b.StopTimer()
			r, _ := s.recallAndP50(b, h, 10, 100)
			b.ReportMetric(r, "recall@10(ef=100)")
		})
	}
}

// BenchmarkHNSWSearch measures single-threaded queries at several ef on an index built
// once per set, reporting recall@10 and the median latency besides the mean (ns/op).
func BenchmarkHNSWSearch(b *testing.B) {
	for _, name := range benchSets {
		b.Run(name, func(b *testing.B) {
			s := loadTexmex(b, name)
			h, took := s.build(b, Options{Threads: 2})
			b.Logf("%s: built %d vectors in %v", name, s.n(), took)
			for _, ef := range []int{10, 50, 100, 200} {
				b.Run(fmt.Sprintf("ef=%d", ef), func(b *testing.B) {
					r, p50 := s.recallAndP50(b, h, 10, ef)
					var hits []Hit
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						hits, _ = h.SearchInto(hits, s.query(i%s.nq()), 10, SearchOptions{Ef: ef})
					}
					b.ReportMetric(r, "recall@10")
					b.ReportMetric(float64(p50.Nanoseconds())/1e3, "p50-µs")
				})
			}
		})
	}
}

// BenchmarkHNSWBuildSynthetic builds 20,000 clustered 64-dimensional vectors, for machines
// without the shared data.
func BenchmarkHNSWBuildSynthetic(b *testing.B) {
	const n, dim = 20000, 64
	data := clustered(1, n, dim, 50)
	labels := seqLabels(0, n)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data) * 4))
			for i := 0; i < b.N; i++ {
				h := mustHNSW(b, Options{Dim: dim, Threads: threads})
				mustAdd(b, h, labels, data)
			}
		})
	}
}

// BenchmarkFlatSearch measures an exact scan of 20,000 64-dimensional vectors.
func BenchmarkFlatSearch(b *testing.B) {
	const n, dim = 20000, 64
	f, _ := NewFlat(dim, Cosine)
	mustAdd(b, f, seqLabels(0, n), clustered(2, n, dim, 50))
	qs := clustered(3, 100, dim, 50)
	var hits []Hit
	b.ReportAllocs()
	b.SetBytes(int64(n * dim * 4))
	for i := 0; i < b.N; i++ {
		hits, _ = f.SearchInto(hits, qs[(i%100)*dim:(i%100+1)*dim], 10, SearchOptions{})
	}
}

// BenchmarkReadHNSW measures loading a saved index (the 50k×384 set when present, else a
// synthetic one), to compare with building it.
func BenchmarkReadHNSW(b *testing.B) {
	var h *HNSW
	if dir, ok := testutil.FindShared(); ok && dir != "" {
		s := loadTexmex(b, "wiki-lsa-384-50k")
		h, _ = s.build(b, Options{Threads: 2})
	} else {
		h = mustHNSW(b, Options{Dim: 64})
		mustAdd(b, h, seqLabels(0, 20000), clustered(4, 20000, 64, 50))
	}
	data := writeHNSW(b, h)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ReadHNSW(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexSearchWhileAdding measures how searches fare while another goroutine keeps
// adding vectors through the Index wrapper: the median and 99th-percentile latency of
// searches on an idle index and during writes.
func BenchmarkIndexSearchWhileAdding(b *testing.B) {
	const n, dim, extra = 20000, 64, 20000
	data := clustered(5, n+extra, dim, 50)
	qs := clustered(6, 500, dim, 50)
	x, err := NewIndex(Options{Dim: dim, Threads: 1})
	if err != nil {
		b.Fatal(err)
	}
	mustAdd(b, x, seqLabels(0, n), data[:n*dim])
	measure := func(count int) []time.Duration {
		lat := make([]time.Duration, count)
		var hits []Hit
		for i := range lat {
			q := qs[(i%500)*dim : (i%500+1)*dim]
			t0 := time.Now()
			hits, _ = x.SearchInto(hits, q, 10, SearchOptions{Ef: 64})
			lat[i] = time.Since(t0)
		}
		slices.Sort(lat)
		return lat
	}
	pct := func(lat []time.Duration, p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1e3
	}
	measure(2000) // warm the caches and the scratch pool
	for i := 0; i < b.N; i++ {
		idle := measure(2000)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for off := n; off < n+extra; off += 1000 {
				_ = x.Add(context.Background(), seqLabels(off, 1000), data[off*dim:(off+1000)*dim])
			}
		}()
		busy := measure(2000)
		<-done
		b.ReportMetric(pct(idle, 0.5), "idle-p50-µs")
		b.ReportMetric(pct(idle, 0.99), "idle-p99-µs")
		b.ReportMetric(pct(busy, 0.5), "adding-p50-µs")
		b.ReportMetric(pct(busy, 0.99), "adding-p99-µs")
		x.Delete(seqLabels(n, extra))
		if err := x.Compact(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
