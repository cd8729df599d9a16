package vector

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// TestQuantizedWikiRecall builds the 10k Wikipedia LSA set with each quantisation and checks
// recall@10 after rescoring against the float32 graph's.
func TestQuantizedWikiRecall(t *testing.T) {
	if raceEnabled {
		t.Skip("skipped under -race: too slow there")
	}
	s := loadTexmex(t, "wiki-lsa-384-10k")
	var base float64
	for _, q := range []Quantization{QuantNone, QuantSQ8, QuantBQ} {
		h, took := s.build(t, Options{Threads: 2, Quantization: q})
		for _, ef := range []int{50, 100} {
			r, p50 := s.recallAndP50(t, h, 10, ef)
			t.Logf("%s ef=%d: build %v recall@10 %.4f p50 %v", q, ef, took, r, p50)
			if q == QuantNone && ef == 100 {
				base = r
			}
			if ef == 100 && r < base-0.005 {
				t.Errorf("%s: recall@10 %.4f at ef=100, float32 %.4f", q, r, base)
			}
		}
	}
}

// TestUnquantizedFilesUnchanged pins the bytes of indexes without quantisation to those
// written before quantisation existed (format v1, same sections). The graph depends on the
// float kernels' rounding, so the pinned hashes are those of the AVX2 kernels.
func TestUnquantizedFilesUnchanged(t *testing.T) {
	if kernel.Implementation() != "avx2" {
		t.Skipf("pinned hashes are for the avx2 kernels, this CPU runs %s", kernel.Implementation())
	}
	for _, tc := range []struct {
		m    Metric
		want string
	}{
		{Cosine, "d2ba3027db91627d99bc4c3d4834e3aac33fd3999ed1f07ccbb50bbd39f39d13"},
		{L2, "2d46d76a0846ea415f17c38e4729cb6be15018ffd56cee0954f69da347ccc002"},
	} {
		h := mustHNSW(t, Options{Dim: 24, Metric: tc.m, M: 6, EfConstruction: 40, Seed: 11, Threads: 3})
		mustAdd(t, h, seqLabels(0, 900), clustered(77, 900, 24, 9))
		h.Delete(seqLabels(50, 60))
		if got := fmt.Sprintf("%x", sha256.Sum256(writeHNSW(t, h))); got != tc.want {
			t.Errorf("%s: file hash %s, want %s", tc.m, got, tc.want)
		}
	}
}

// TestQuantizedPersistAndPromote round-trips quantised indexes of every metric through
// their file format and promotes them: what is read back answers and writes exactly as the
// original, and a promotion keeps the quantisation and trains it afresh.
func TestQuantizedPersistAndPromote(t *testing.T) {
	n := 2000
	if raceEnabled {
		n = 800 // the race detector makes builds many times slower
	}
	for _, q := range []Quantization{QuantSQ8, QuantBQ} {
		// One bit a dimension needs many dimensions (and candidates) to rank well.
		dim, rescore := 24, 25
		if q == QuantBQ {
			dim, rescore = 128, 100
		}
		data := clustered(13, n, dim, 8)
		queries := clustered(14, 30, dim, 8)
		for _, m := range []Metric{Cosine, L2, InnerProduct} {
			t.Run(string(q)+"/"+m.String(), func(t *testing.T) {
				x, err := NewIndex(Options{Dim: dim, Metric: m, M: 8, EfConstruction: 50, Seed: 5, Quantization: q, Rescore: rescore})
				if err != nil {
					t.Fatal(err)
				}
				mustAdd(t, x, seqLabels(0, n), data)
				x.Delete(seqLabels(0, 30))
				raw := bytesOf(t, x)
				y, err := ReadIndex(raw)
				if err != nil {
					t.Fatal(err)
				}
				if got := y.Options(); got.Quantization != q || got.Rescore != rescore {
					t.Fatalf("read back quantization %q rescore %d", got.Quantization, got.Rescore)
				}
				if !bytes.Equal(bytesOf(t, y), raw) {
					t.Fatal("re-written file differs")
				}
				exact := flatOf(t, x.b.(*HNSW))
				r := recallVs(t, y, exact, queries, dim, 10, SearchOptions{Ef: 64})
				if r < 0.95 {
					t.Errorf("recall@10 after the round trip %.3f", r)
				}
				if err := y.Promote(context.Background(), ProfileFast); err != nil {
					t.Fatal(err)
				}
				h := y.b.(*HNSW)
				if h.opts.Quantization != q || h.quant == nil || h.quant.trainedOn != n-30 {
					t.Fatalf("promoted: quantization %q, codes %v", h.opts.Quantization, h.quant != nil)
				}
				if r := recallVs(t, y, exact, queries, dim, 10, SearchOptions{Ef: 64}); r < 0.9 {
					t.Errorf("recall@10 after promotion %.3f", r)
				}
			})
		}
	}
}

// TestQuantizedRecallAgainstFlat holds quantised graphs to the float32 graph's recall on
// clustered data, with tombstones and filters.
func TestQuantizedRecallAgainstFlat(t *testing.T) {
	const dim = 32
	n := 6000
	if raceEnabled {
		n = 2500 // the race detector makes builds many times slower
	}
	data := clustered(21, n, dim, 30)
	queries := clustered(22, 100, dim, 30)
	recalls := map[Quantization]float64{}
	for _, q := range []Quantization{QuantNone, QuantSQ8, QuantBQ} {
		h := mustHNSW(t, Options{Dim: dim, M: 12, EfConstruction: 80, Seed: 1, Quantization: q})
		mustAdd(t, h, seqLabels(0, n), data)
		h.Delete(seqLabels(0, n/10))
		exact := flatOf(t, h)
		recalls[q] = recallVs(t, h, exact, queries, dim, 10, SearchOptions{Ef: 80})
		filtered := recallVs(t, h, exact, queries, dim, 10, SearchOptions{Ef: 80, Filter: Predicate(func(l uint32) bool { return l%2 == 0 })})
		t.Logf("%s: recall@10 %.4f, with a filter %.4f", q, recalls[q], filtered)
		if filtered < 0.9 {
			t.Errorf("%s: filtered recall %.4f", q, filtered)
		}
	}
	// At 32 dimensions one bit each ranks coarsely: bq gets a wider margin.
	for q, margin := range map[Quantization]float64{QuantSQ8: 0.005, QuantBQ: 0.05} {
		if recalls[q] < recalls[QuantNone]-margin {
			t.Errorf("%s: recall@10 %.4f, float32 %.4f", q, recalls[q], recalls[QuantNone])
		}
	}
}

// TestCodeScoresMatchDecoded checks the code arena of a built index: every sq8 code score
// is the float64 score against the decoded vector (up to the query weights' rounding), for
// rows encoded at insert, after a retraining and after compaction moved them.
func TestCodeScoresMatchDecoded(t *testing.T) {
	const dim = 20
	data := clustered(31, 3000, dim, 6)
	for _, m := range []Metric{Cosine, L2, InnerProduct} {
		h := mustHNSW(t, Options{Dim: dim, Metric: m, M: 6, EfConstruction: 30, Quantization: QuantSQ8})
		mustAdd(t, h, seqLabels(0, 700), data[:700*dim]) // trains on 700
		mustAdd(t, h, seqLabels(700, 2300), data[700*dim:])
		if h.quant.trainedOn != 3000 {
			t.Fatalf("trained on %d nodes, want a retraining at 3000", h.quant.trainedOn)
		}
		h.Delete(seqLabels(0, 400))
		if err := h.Compact(context.Background()); err != nil {
			t.Fatal(err)
		}
		q := make([]float32, dim)
		_ = m.prepare(q, clustered(32, 1, dim, 6), acceptSafe)
		var cq codeQuery
		h.quant.prepare(&cq, q)
		ids := seqLabels(0, h.Nodes())
		got := make([]float32, len(ids))
		h.quant.scoreRows(&cq, ids, got)
		sq := h.quant.sq8
		for i, id := range ids {
			row := h.quant.codes[int(id)*dim : int(id+1)*dim]
			// Each query weight is rounded by at most half a unit of cq.sq.scale.
			var want, mag, codeSum float64
			for j, c := range row {
				codeSum += float64(c)
				x := float64(sq.lo[j]) + float64(sq.step[j])*float64(c)
				if m == L2 {
					want += (float64(q[j]) - x) * (float64(q[j]) - x)
					mag += float64(q[j])*float64(q[j]) + x*x
				} else {
					want -= float64(q[j]) * x
				}
				mag += math.Abs(float64(q[j]) * x)
			}
			// The row must also be the code of the node's stored vector.
			enc := make([]uint8, dim)
			sq.encode(enc, h.vec(id))
			if !bytes.Equal(enc, row) {
				t.Fatalf("%s: node %d holds codes %v, its vector encodes to %v", m, id, row, enc)
			}
			rounding := 0.5 * cq.sq.scale * codeSum
			if m == L2 {
				rounding *= 2
			}
			if tol := 1.01*rounding + 1e-6*(mag+1); math.Abs(float64(got[i])-want) > tol {
				t.Fatalf("%s: node %d: code score %g, decoded vector %g", m, id, got[i], want)
			}
		}
	}
}

// TestReserveGrowsOnce adds vectors in several calls after a Reserve: no arena, codes
// included, is reallocated on the way.
func TestReserveGrowsOnce(t *testing.T) {
	const n, dim = 3000, 8
	data := clustered(3, n, dim, 5)
	for _, q := range []Quantization{QuantNone, QuantSQ8, QuantBQ} {
		h := mustHNSW(t, Options{Dim: dim, M: 4, EfConstruction: 16, Quantization: q})
		h.Reserve(n)
		mustAdd(t, h, seqLabels(0, 500), data[:500*dim])
		caps := func() [3]int {
			c := [3]int{cap(h.vecs), cap(h.links0), 0}
			if h.quant != nil {
				c[2] = cap(h.quant.codes) + cap(h.quant.bits)
			}
			return c
		}
		before := caps()
		for off := 500; off < n; off += 700 {
			end := min(off+700, n)
			mustAdd(t, h, seqLabels(off, end-off), data[off*dim:end*dim])
		}
		if after := caps(); after != before {
			t.Errorf("%s: capacities %v after the adds, %v after the first", q, after, before)
		}
	}
}

// TestSpillChangesNothingBuilt builds the same sq8 index with its vectors in the heap and
// in a spill file, through adds, deletes, a compaction and a promotion: the files written
// are identical, searches agree, and the spilling index holds its vectors outside the heap.
func TestSpillChangesNothingBuilt(t *testing.T) {
	const n, dim = 3000, 24
	data := clustered(51, n, dim, 9)
	queries := clustered(52, 20, dim, 9)
	ctx := context.Background()
	build := func(spill string) *Index {
		x, err := NewIndex(Options{Dim: dim, M: 8, EfConstruction: 40, Seed: 4, Threads: 2, Quantization: QuantSQ8, SpillDir: spill})
		if err != nil {
			t.Fatal(err)
		}
		x.Reserve(n / 2)
		mustAdd(t, x, seqLabels(0, n/2), data[:n/2*dim])
		mustAdd(t, x, seqLabels(n/2, n/2), data[n/2*dim:])
		x.Delete(seqLabels(0, n/4))
		mustAdd(t, x, seqLabels(5, 10), data[:10*dim])
		return x
	}
	heap, spilled := build(""), build(t.TempDir())
	defer heap.Close()
	defer spilled.Close()
	if h := spilled.b.(*HNSW); h.spill == nil || h.spill.rows != h.Nodes() {
		t.Fatalf("spill file holds %v rows, index %d nodes", h.spill != nil && h.spill.rows > 0, h.Nodes())
	}
	if heap.MemoryBytes()-spilled.MemoryBytes() < int64(n*dim*4*9/10) {
		t.Errorf("heap bytes %d with a spill file, %d without", spilled.MemoryBytes(), heap.MemoryBytes())
	}
	same := func(stage string) {
		t.Helper()
		if !bytes.Equal(bytesOf(t, heap), bytesOf(t, spilled)) {
			t.Fatalf("%s: the spilling index writes other bytes", stage)
		}
		for i := range 20 {
			q := queries[i*dim : (i+1)*dim]
			a, _ := heap.Search(q, 10, SearchOptions{})
			b, err := spilled.Search(q, 10, SearchOptions{})
			if err != nil || !slices.Equal(a, b) {
				t.Fatalf("%s: query %d: %v vs %v (%v)", stage, i, a, b, err)
			}
		}
		if v, ok := spilled.Vector(7); !ok || !slices.Equal(v, func() []float32 { w, _ := heap.Vector(7); return w }()) {
			t.Fatalf("%s: Vector(7) differs", stage)
		}
	}
	same("built")
	for _, x := range []*Index{heap, spilled} {
		if err := x.Compact(ctx); err != nil {
			t.Fatal(err)
		}
	}
	same("compacted")
	for _, x := range []*Index{heap, spilled} {
		if err := x.Promote(ctx, ProfileFast); err != nil {
			t.Fatal(err)
		}
	}
	same("promoted")
}
