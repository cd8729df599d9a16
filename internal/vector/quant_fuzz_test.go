package vector

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
)

// quantSearches runs fuzzed queries against a quantised index: refused exactly when
// Metric.Check refuses the query, otherwise well-formed hits (finite, ordered, unique,
// live, allowed by the filter). Codes make the order approximate, so there is no
// reference to compare with, but the rescored distances must be the exact ones.
func quantSearches(x *Index, m Metric, queries [][]float32, k int) error {
	variants := []SearchOptions{{}, {Ef: 1}, {Ef: 40, Rescore: 1}, {Rescore: 64}, {Filter: Predicate(func(l uint32) bool { return l%3 != 1 })}}
	labels, vecs := x.b.live()
	byLabel := map[uint32][]float32{}
	dim := x.Options().Dim
	for i, l := range labels {
		byLabel[l] = vecs[i*dim : (i+1)*dim]
	}
	for qi, q := range queries {
		p := make([]float32, len(q))
		for _, o := range variants {
			hits, err := x.Search(q, k, o)
			if want := vectorKind(m, q); want != nil || err != nil {
				if !errors.Is(err, want) || want == nil {
					return fmt.Errorf("query %d %v: got %v, want %v", qi, q, err, want)
				}
				continue
			}
			if err := hitsError(hits, k); err != nil {
				return fmt.Errorf("query %d %+v: %w", qi, o, err)
			}
			if err := m.prepare(p, q, acceptSafe); err != nil {
				return err
			}
			for _, h := range hits {
				v, ok := byLabel[h.Label]
				if !ok || (o.Filter != nil && !o.Filter.Allow(h.Label)) {
					return fmt.Errorf("query %d: label %d is deleted or filtered out", qi, h.Label)
				}
				if d := m.reported(m.score(p, v)); d != h.Distance {
					return fmt.Errorf("query %d: label %d at %v, exact distance %v", qi, h.Label, h.Distance, d)
				}
			}
		}
	}
	return nil
}

// FuzzQuantizedExtremes builds sq8 and bq graphs from fuzzed vectors (extreme ones
// likely), through Add or, for what Add refuses as overflowing, AddLogged as a log replay
// would, then searches, deletes, compacts and round-trips them. Training codes on huge,
// subnormal or constant components must not make any loop hang, panic or return NaN.
func FuzzQuantizedExtremes(f *testing.F) {
	add := func(metric, dim, flags uint8, vals ...float32) { f.Add(fuzzBytes(vals...), metric, dim, flags) }
	for m := uint8(0); m < 3; m++ {
		for _, q := range []uint8{0, 1} {
			add(m, 3, q, repeated(40, 1, 2, 3)...)
			add(m, 4, q|8, append(repeated(30, 0.5, 1, 0.25, 2), 3e38, -3e38, 3e38, -3e38)...)
			add(m, 2, q|2, append(repeated(50, 1, 1), -3e38, 3e38, math.MaxFloat32, 0, 0x1p62, -0x1p62)...)
			add(m, 3, q|8, append(repeated(40, 1e-45, -1e-45, 1e-40), 0, 0, 0, 1e-30, 1e-30, 1e-30)...)
			add(m, 4, q|4, append(repeated(25, 1, -1, 1, -1), repeated(10, 6e18, -6e18, 1e19, 1e-45)...)...)
			add(m, 2, q, repeated(60, 0, 0)...)
			add(m, 9, q|8, repeated(30, 0, 0, 3e38, 0, 0, 0, 0, 0, 1)...)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, metricByte, dimByte, flags uint8) {
		m := Metric(metricByte % 3)
		dim := 1 + int(dimByte%40)
		floats := fuzzFloats(data)
		n := min(len(floats)/dim, 300)
		if n == 0 {
			return
		}
		vecs := floats[:n*dim]
		if flags&2 != 0 { // every vector again: ties between codes
			vecs = append(vecs, vecs...)
		}
		rows := len(vecs) / dim
		labels := seqLabels(0, rows)
		quant := QuantSQ8
		if flags&1 != 0 {
			quant = QuantBQ
		}
		o := Options{Dim: dim, Metric: m, M: 4, EfConstruction: 16, Seed: uint64(flags), Threads: 2, Quantization: quant}
		if flags&4 != 0 {
			o.Rescore = 1 + int(flags>>5)
		}
		queries := fuzzQueries(data, vecs, dim, 5)
		k := 1 + int(flags>>4)
		finishes(t, "quantised build and search", func() error {
			x, err := NewIndex(o)
			if err != nil {
				return err
			}
			err, mismatch := addExpectingRefusal(x, m, labels, vecs)
			if mismatch != nil {
				return mismatch
			}
			if err != nil {
				if flags&8 == 0 || !errors.Is(err, ErrOverflow) {
					return nil
				}
				if err := x.AddLogged(context.Background(), labels, vecs); err != nil {
					return nil // a vector no version ever accepted; Add's refusal was checked
				}
			}
			if g, ok := x.b.(*HNSW); !ok || g.quant == nil {
				return fmt.Errorf("a %s index without codes", quant)
			}
			if err := quantSearches(x, m, queries, k); err != nil {
				return fmt.Errorf("built %s: %w", quant, err)
			}
			x.Delete(labels[:len(labels)/3])
			if err := x.Compact(context.Background()); err != nil {
				return err
			}
			if err := quantSearches(x, m, queries, k); err != nil {
				return fmt.Errorf("compacted %s: %w", quant, err)
			}
			y, err := roundTrip(x)
			if err != nil {
				return err
			}
			return quantSearches(y, m, queries, k)
		})
	})
}
