package vector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/testutil"
)

// loopTimeout bounds every operation of these tests: a distance loop that never ends must
// fail the test, not hang it. Generous, for the race detector on a busy machine.
const loopTimeout = 60 * time.Second

func finishes(t testing.TB, what string, fn func() error) {
	t.Helper()
	testutil.Finishes(t, loopTimeout, what, fn)
}

// alternating returns [x, -x, x, -x, ...]: its dot product with a vector of positive
// components sums +Inf and -Inf partial sums to NaN.
func alternating(dim int, x float32) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = x
		if i%2 == 1 {
			v[i] = -x
		}
	}
	return v
}

func filled(dim int, x float32) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = x
	}
	return v
}

// positiveGraph is an inner-product index over vectors with positive components, with
// several levels, so that searches descend greedily.
func positiveGraph(t testing.TB, metric Metric, n, dim int) *Index {
	t.Helper()
	data := clustered(1, n, dim, 5)
	for i, x := range data {
		data[i] = float32(math.Abs(float64(x))) + 0.01
	}
	x, err := NewIndex(Options{Dim: dim, Metric: metric, M: 4, EfConstruction: 24, Seed: 1, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, x, seqLabels(0, n), data)
	if h := x.b.(*HNSW); h.topLevel < 2 {
		t.Fatalf("graph has only %d levels above 0", h.topLevel)
	}
	return x
}

// The defect: under inner product a finite vector such as [3e38, -3e38, ...] made
// distances NaN, and the greedy descent, which stopped only when its best candidate
// compared equal to the current one, never stopped (NaN equals nothing). Add and Search
// must now refuse such vectors, promptly.
func TestHugeVectorRefusedNotHung(t *testing.T) {
	const dim = 8
	x := positiveGraph(t, InnerProduct, 500, dim)
	huge := alternating(dim, 3e38)
	finishes(t, "add", func() error {
		err := x.Add(context.Background(), []uint32{9000}, huge)
		if !errors.Is(err, ErrOverflow) || !strings.Contains(err.Error(), "vector 9000") {
			return fmt.Errorf("got %v, want ErrOverflow naming vector 9000", err)
		}
		return nil
	})
	finishes(t, "search", func() error {
		_, err := x.Search(huge, 5, SearchOptions{})
		if !errors.Is(err, ErrOverflow) || !strings.Contains(err.Error(), "query") {
			return fmt.Errorf("got %v, want ErrOverflow naming the query", err)
		}
		return nil
	})
	if x.Len() != 500 || x.Contains(9000) {
		t.Fatalf("refused vector changed the index: Len %d", x.Len())
	}
}

// greedy must stop even when handed a NaN score, which nothing compares less than.
func TestGreedyStopsAtNaN(t *testing.T) {
	x := positiveGraph(t, InnerProduct, 500, 8)
	h := x.b.(*HNSW)
	q := filled(8, 1)
	finishes(t, "greedy from a NaN score", func() error {
		s := h.pool.get()
		defer h.pool.put(s)
		start := cand{d: float32(math.NaN()), id: h.entry}
		for l := h.topLevel; l > 0; l-- {
			if got := h.greedy(s, q, start, l); got.id != start.id {
				return fmt.Errorf("level %d: moved from a NaN score to %v", l, got)
			}
		}
		return nil
	})
}

func TestScoresNeverNaN(t *testing.T) {
	a := alternating(8, 3e38)
	b := filled(8, 3e38)
	for _, m := range []Metric{Cosine, L2, InnerProduct} {
		out := make([]float32, 2)
		m.scoreRows(a, append(append([]float32{}, b...), a...), []uint32{0, 1}, out)
		for _, d := range append(out, m.score(a, b), m.score(b, a)) {
			if d != d {
				t.Fatalf("%s: NaN score", m)
			}
		}
	}
	var nan32 = float32(math.NaN())
	for _, m := range []Metric{L2, InnerProduct} {
		if d := m.score([]float32{nan32}, []float32{1}); d != worstScore {
			t.Fatalf("%s: NaN input scored %v, want +Inf", m, d)
		}
	}
}

// vectorKinds are the vectors every door must judge alike; want maps a metric to the
// error expected (nil: accepted).
var vectorKinds = []struct {
	name string
	v    []float32
	want map[Metric]error
}{
	{"ordinary", []float32{1, -2, 3, 0.5}, nil},
	{"nan", []float32{1, float32(math.NaN()), 0, 0}, allMetrics(ErrNotFinite)},
	{"+inf", []float32{float32(math.Inf(1)), 0, 0, 0}, allMetrics(ErrNotFinite)},
	{"-inf", []float32{0, 0, 0, float32(math.Inf(-1))}, allMetrics(ErrNotFinite)},
	{"zeros", []float32{0, 0, 0, 0}, map[Metric]error{Cosine: ErrZeroVector}},
	{"negative zeros", []float32{float32(math.Copysign(0, -1)), 0, 0, 0}, map[Metric]error{Cosine: ErrZeroVector}},
	{"huge alternating", alternating(4, 3e38), map[Metric]error{L2: ErrOverflow, InnerProduct: ErrOverflow}},
	{"huge", filled(4, -3e38), map[Metric]error{L2: ErrOverflow, InnerProduct: ErrOverflow}},
	{"max float", []float32{math.MaxFloat32, 0, 0, 0}, map[Metric]error{L2: ErrOverflow, InnerProduct: ErrOverflow}},
	{"at the norm limit", []float32{0x1p62, -0x1p62, 0, 0}, nil},
	{"just over the limit", []float32{0x1p62, -0x1p62, 0x1p40, 0}, map[Metric]error{L2: ErrOverflow, InnerProduct: ErrOverflow}},
	{"denormal", []float32{math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 0, 1e-40}, nil},
	{"tiny", filled(4, 1e-30), nil},
	{"mixed magnitudes", []float32{1e18, -1e-38, 3, -1e-45}, nil},
}

func allMetrics(err error) map[Metric]error {
	return map[Metric]error{Cosine: err, L2: err, InnerProduct: err}
}

// Every door (Metric.Check, Add of HNSW, Flat and Index, and their searches) accepts and
// refuses the same vectors, naming the label or the query.
func TestDoorsAgree(t *testing.T) {
	ctx := context.Background()
	for _, m := range []Metric{Cosine, L2, InnerProduct} {
		for _, kind := range vectorKinds {
			t.Run(m.String()+"/"+kind.name, func(t *testing.T) {
				want := kind.want[m]
				if err := m.Check(kind.v); !errors.Is(err, want) || (want == nil) != (err == nil) {
					t.Fatalf("Check: got %v, want %v", err, want)
				}
				graph := mustHNSW(t, Options{Dim: 4, Metric: m, M: 4})
				flat, _ := NewFlat(4, m)
				exact, _ := NewIndex(Options{Dim: 4, Metric: m, Profile: ProfileExact})
				index, _ := NewIndex(Options{Dim: 4, Metric: m, M: 4})
				good := []float32{1, 2, 3, 4}
				for name, x := range map[string]interface {
					Add(context.Context, []uint32, []float32) error
					Search([]float32, int, SearchOptions) ([]Hit, error)
					Len() int
				}{"hnsw": graph, "flat": flat, "exact index": exact, "graph index": index} {
					mustAdd(t, x, []uint32{1}, good)
					var err error
					finishes(t, name+" add", func() error {
						err = x.Add(ctx, []uint32{2, 7}, append(append([]float32{}, good...), kind.v...))
						return nil
					})
					if !errors.Is(err, want) || (want == nil) != (err == nil) {
						t.Fatalf("%s Add: got %v, want %v", name, err, want)
					}
					if err != nil && (!strings.Contains(err.Error(), "vector 7") || x.Len() != 1) {
						t.Fatalf("%s Add: error %q does not name vector 7, or Len %d", name, err, x.Len())
					}
					var hits []Hit
					finishes(t, name+" search", func() error {
						hits, err = x.Search(kind.v, 3, SearchOptions{})
						return nil
					})
					if !errors.Is(err, want) || (want == nil) != (err == nil) {
						t.Fatalf("%s Search: got %v, want %v", name, err, want)
					}
					if err != nil && !strings.Contains(err.Error(), "query") {
						t.Fatalf("%s Search: error %q does not name the query", name, err)
					}
					if err := hitsError(hits, 3); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
				}
			})
		}
	}
}

// hitsError reports hits that are more than k, out of distance order, not finite or
// repeated. It returns an error rather than failing the test, so that goroutines may call
// it.
func hitsError(hits []Hit, k int) error {
	if len(hits) > k {
		return fmt.Errorf("%d hits for k=%d", len(hits), k)
	}
	seen := map[uint32]bool{}
	for i, h := range hits {
		if h.Distance != h.Distance || math.IsInf(float64(h.Distance), 0) {
			return fmt.Errorf("hit %d has a distance that is not finite: %v", i, hits)
		}
		if i > 0 && h.Distance < hits[i-1].Distance {
			return fmt.Errorf("hits out of order: %v", hits)
		}
		if seen[h.Label] {
			return fmt.Errorf("label %d returned twice: %v", h.Label, hits)
		}
		seen[h.Label] = true
	}
	return nil
}

// extremeRows are vectors a log or file written before the norm limit may hold, plus
// the extreme ones every version accepts, each twice (duplicates tie).
func extremeRows(dim int, m Metric) [][]float32 {
	rows := [][]float32{
		alternating(dim, 3e38), alternating(dim, -3e38), filled(dim, 3e38), filled(dim, -3e38),
		append([]float32{math.MaxFloat32}, make([]float32, dim-1)...),
		filled(dim, math.SmallestNonzeroFloat32), alternating(dim, 1e-40), filled(dim, 1e-30),
		alternating(dim, 1e18),
	}
	if m != Cosine {
		rows = append(rows, make([]float32, dim))
	}
	return append(rows, rows...)
}

// Vectors stored before the norm limit (AddLogged, as a log replay stores them) must
// leave every operation well-defined and finite in time: searches of every kind,
// deletes, compaction, promotion both ways and a save/load round trip.
func TestStoredExtremesKeepEveryLoopFinite(t *testing.T) {
	const n, dim = 400, 8
	ctx := context.Background()
	for _, m := range []Metric{Cosine, L2, InnerProduct} {
		t.Run(m.String(), func(t *testing.T) {
			x := positiveGraph(t, m, n, dim)
			rows := extremeRows(dim, m)
			var labels []uint32
			var vecs []float32
			for i, r := range rows {
				labels = append(labels, uint32(n+i))
				vecs = append(vecs, r...)
			}
			finishes(t, "AddLogged", func() error { return x.AddLogged(ctx, labels, vecs) })
			if x.Len() != n+len(rows) {
				t.Fatalf("Len %d, want %d", x.Len(), n+len(rows))
			}
			few := bitset.New(n + len(rows))
			for _, l := range labels[:3] {
				few.Add(l)
			}
			queries := append([][]float32{filled(dim, 1), alternating(dim, 2)}, rows...)
			search := func(stage string) {
				t.Helper()
				finishes(t, stage+" searches", func() error {
					for _, q := range queries {
						for _, o := range []SearchOptions{{}, {Ef: 1}, {Filter: Predicate(func(l uint32) bool { return l%2 == 0 })}, {Filter: AllowSet(few)}} {
							hits, err := x.Search(q, 10, o)
							if m.Check(q) != nil {
								if err == nil {
									return fmt.Errorf("query %v accepted", q)
								}
								continue
							}
							if err != nil {
								return err
							}
							if err := hitsError(hits, 10); err != nil {
								return err
							}
						}
					}
					for _, l := range labels {
						if !x.Contains(l) {
							continue
						}
						hits, err := x.SearchByLabel(nil, l, 5, SearchOptions{})
						if err != nil {
							return err
						}
						if err := hitsError(hits, 5); err != nil {
							return err
						}
					}
					return nil
				})
			}
			search("stored")
			finishes(t, "delete and compact", func() error {
				x.Delete(labels[:len(labels)/2])
				x.Delete(seqLabels(0, n/4))
				return x.Compact(ctx)
			})
			search("compacted")
			for _, p := range []Profile{ProfileExact, ProfileFast} {
				finishes(t, "promote to "+string(p), func() error { return x.Promote(ctx, p) })
				search("promoted to " + string(p))
			}
			var buf bytes.Buffer
			finishes(t, "save and load", func() error {
				if _, err := x.WriteTo(&buf); err != nil {
					return err
				}
				y, err := ReadIndex(buf.Bytes())
				if err == nil && y.Len() != x.Len() {
					err = fmt.Errorf("loaded %d vectors, saved %d", y.Len(), x.Len())
				}
				x = y
				return err
			})
			search("loaded")
		})
	}
}

// AddLogged lifts the norm limit only: what no version accepted stays refused.
func TestAddLoggedRefusesWhatNeverWasAccepted(t *testing.T) {
	for _, kind := range vectorKinds {
		for _, m := range []Metric{Cosine, L2, InnerProduct} {
			want := kind.want[m]
			if errors.Is(want, ErrOverflow) {
				want = nil
			}
			x, _ := NewIndex(Options{Dim: 4, Metric: m})
			if err := x.AddLogged(context.Background(), []uint32{3}, kind.v); !errors.Is(err, want) || (want == nil) != (err == nil) {
				t.Errorf("%s %s: got %v, want %v", m, kind.name, err, want)
			}
		}
	}
}

// countdown is a context that reports cancellation once Err has been asked n times.
type countdown struct {
	context.Context
	n atomic.Int64
}

func (c *countdown) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// A compaction cancelled while it plans its repairs changes nothing.
func TestCompactCancelledWhilePlanning(t *testing.T) {
	const n, dim = 5000, 8
	h := mustHNSW(t, Options{Dim: dim, M: 4, EfConstruction: 16, Threads: 1, RepairAt: -1})
	mustAdd(t, h, seqLabels(0, n), clustered(3, n, dim, 4))
	h.Delete(seqLabels(0, n/5))
	before := writeHNSW(t, h)
	ctx := &countdown{Context: context.Background()}
	ctx.n.Store(3) // the check before planning, then the planner's first two
	if err := h.Compact(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if after := writeHNSW(t, h); !bytes.Equal(before, after) || h.Deleted() != n/5 {
		t.Fatalf("a cancelled compaction changed the index (%d deleted)", h.Deleted())
	}
	if err := h.Compact(context.Background()); err != nil || h.Deleted() != 0 {
		t.Fatalf("compact after a cancelled one: %v, %d deleted", err, h.Deleted())
	}
	if got := slices.Max(h.labels); got != n-1 {
		t.Fatalf("largest label %d after compaction", got)
	}
}
