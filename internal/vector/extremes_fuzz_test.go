package vector

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// specialFloats are the values the fuzz targets draw most components from: huge (at and
// around the float32 limit and the norm limit), tiny, subnormal, signed zeros and
// ordinary ones, so that the fuzzer combines them into mixed signs, duplicates and
// overflowing sums quickly.
var specialFloats = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -2.5, 3,
	3e38, -3e38, math.MaxFloat32, -math.MaxFloat32, 1e38, -1e38,
	0x1p62, -0x1p62, 6e18, -6e18, 1e19, -1e19, 1e10, -1e10,
	math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 1e-40, -1e-40,
	1.17549435e-38, -1.17549435e-38, 1e-30, -1e-30, 1e-20,
}

// fuzzFloats decodes data as float32 values: a byte below 0x80 picks a special value, a
// byte from 0x80 up is followed by the 4 little-endian bytes of any float32 (NaN and
// infinities included).
func fuzzFloats(data []byte) []float32 {
	var out []float32
	for len(data) > 0 {
		b := data[0]
		data = data[1:]
		if b < 0x80 || len(data) < 4 {
			out = append(out, specialFloats[int(b)%len(specialFloats)])
			continue
		}
		out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(data)))
		data = data[4:]
	}
	return out
}

// fuzzBytes encodes values for fuzzFloats, as raw bits.
func fuzzBytes(vals ...float32) []byte {
	var b []byte
	for _, v := range vals {
		b = append(b, 0x80)
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func repeated(n int, vals ...float32) []float32 {
	var out []float32
	for range n {
		out = append(out, vals...)
	}
	return out
}

// fuzzQueries returns the queries a fuzz case searches with: one made of the second half of
// its bytes (padded or cut to dim), then about parts of the stored rows.
func fuzzQueries(data []byte, vecs []float32, dim, parts int) [][]float32 {
	q := fuzzFloats(data[len(data)/2:])
	if len(q) < dim {
		q = append(q, make([]float32, dim-len(q))...)
	}
	queries := [][]float32{q[:dim]}
	rows := len(vecs) / dim
	for i := 0; i < rows; i += max(1, rows/parts) {
		queries = append(queries, vecs[i*dim:(i+1)*dim])
	}
	return queries
}

// addExpectingRefusal adds vecs and checks that Add refuses them exactly when one of them is
// refused by the metric's own check, returning Add's error.
func addExpectingRefusal(x *Index, m Metric, labels []uint32, vecs []float32) (addErr, mismatch error) {
	dim := x.Options().Dim
	var refused error
	for i := 0; i < len(vecs)/dim && refused == nil; i++ {
		refused = vectorKind(m, vecs[i*dim:(i+1)*dim])
	}
	err := x.Add(context.Background(), labels, vecs)
	if !errors.Is(err, refused) || (err == nil) != (refused == nil) {
		return err, fmt.Errorf("Add: got %v, want %v", err, refused)
	}
	return err, nil
}

// roundTrip writes x, reads it back and writes that again, requiring the same bytes: an
// index must never write what its reader refuses.
func roundTrip(x *Index) (*Index, error) {
	var a, b bytes.Buffer
	if _, err := x.WriteTo(&a); err != nil {
		return nil, err
	}
	y, err := ReadIndex(a.Bytes())
	if err != nil {
		return nil, err
	}
	if _, err := y.WriteTo(&b); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		return nil, fmt.Errorf("round trip changed the bytes (%v)", err)
	}
	return y, nil
}

// vectorKind is the sentinel m.Check returns for v, or nil.
func vectorKind(m Metric, v []float32) error {
	for _, want := range []error{ErrNotFinite, ErrZeroVector, ErrOverflow} {
		if err := m.Check(v); errors.Is(err, want) {
			return want
		}
	}
	return nil
}

// fuzzSearches runs the searches every fuzz target checks: each query in several
// variants, each refused exactly when Metric.Check refuses the query and otherwise
// well-formed and, for a graph, identical to the reference search.
func fuzzSearches(x *Index, m Metric, queries [][]float32, k int) error {
	few := bitset.New(64)
	for l := uint32(0); l < 64; l += 9 {
		few.Add(l)
	}
	variants := []SearchOptions{{}, {Ef: 1}, {Ef: 40}, {Filter: Predicate(func(l uint32) bool { return l%3 != 1 })}, {Filter: AllowSet(few)}, {Filter: DenySet(few)}}
	for qi, q := range queries {
		for _, o := range variants {
			hits, err := x.Search(q, k, o)
			if want := vectorKind(m, q); want != nil || err != nil {
				if !errors.Is(err, want) || want == nil {
					return fmt.Errorf("query %d %v: got %v, want %v", qi, q, err, want)
				}
				continue
			}
			if err := hitsError(hits, k); err != nil {
				return fmt.Errorf("query %d: %w", qi, err)
			}
			for _, h := range hits {
				if !x.Contains(h.Label) || (o.Filter != nil && !o.Filter.Allow(h.Label)) {
					return fmt.Errorf("query %d: label %d is deleted or filtered out", qi, h.Label)
				}
			}
			if g, ok := x.b.(*HNSW); ok {
				if want := refSearch(g, q, k, o); !slices.Equal(hits, want) {
					return fmt.Errorf("query %d %+v: fast search %v, reference %v", qi, o, hits, want)
				}
			} else if err := exactOrder(x, m, q, hits, k, o.Filter); err != nil {
				return fmt.Errorf("query %d: %w", qi, err)
			}
		}
	}
	return nil
}

// exactOrder checks a Flat index's hits against every allowed live vector: no vector left
// out may be nearer than the farthest hit, and hits are missing only when fewer are
// allowed.
func exactOrder(x *Index, m Metric, q []float32, hits []Hit, k int, f Filter) error {
	p := make([]float32, len(q))
	if err := m.prepare(p, q, acceptSafe); err != nil {
		return err
	}
	labels, vecs := x.b.live()
	dim := len(q)
	in := map[uint32]bool{}
	for _, h := range hits {
		in[h.Label] = true
	}
	allowed := 0
	for i, l := range labels {
		if f != nil && !f.Allow(l) {
			continue
		}
		allowed++
		if d := m.reported(m.score(p, vecs[i*dim:(i+1)*dim])); !in[l] && len(hits) > 0 && d < hits[len(hits)-1].Distance {
			return fmt.Errorf("label %d at %v left out, farthest hit at %v", l, d, hits[len(hits)-1].Distance)
		}
	}
	if len(hits) != min(k, allowed) {
		return fmt.Errorf("%d hits, %d allowed, k=%d", len(hits), allowed, k)
	}
	return nil
}

// FuzzBuildSearch builds an index in any metric from fuzzed vectors (extreme ones
// likely), through Add or, for what Add refuses, AddLogged as a log replay would, then
// searches, deletes, compacts, promotes and round-trips it. Nothing may hang, panic,
// return NaN, or differ from the reference search; Add must refuse exactly the vectors
// Metric.Check refuses.
func FuzzBuildSearch(f *testing.F) {
	add := func(metric, dim, flags uint8, vals ...float32) { f.Add(fuzzBytes(vals...), metric, dim, flags) }
	for m := uint8(0); m < 3; m++ {
		add(m, 3, 0, repeated(40, 1, 2, 3)...)
		add(m, 4, 9, append(repeated(30, 0.5, 1, 0.25, 2), 3e38, -3e38, 3e38, -3e38)...)
		add(m, 2, 1, append(repeated(50, 1, 1), -3e38, 3e38, math.MaxFloat32, 0, 0x1p62, -0x1p62)...)
		add(m, 3, 10, append(repeated(40, 1e-45, -1e-45, 1e-40), 0, 0, 0, 1e-30, 1e-30, 1e-30)...)
		add(m, 4, 14, append(repeated(25, 1, -1, 1, -1), repeated(10, 6e18, -6e18, 1e19, 1e-45)...)...)
		add(m, 2, 3, repeated(60, 0, 0)...)
		add(m, 5, 7, append(repeated(20, 3, 1e38, -1e-38, 0, 2), float32(math.NaN()), 1, 1, 1, 1)...)
	}
	f.Fuzz(func(t *testing.T, data []byte, metricByte, dimByte, flags uint8) {
		m := Metric(metricByte % 3)
		dim := 1 + int(dimByte%12)
		floats := fuzzFloats(data)
		n := min(len(floats)/dim, 256)
		if n == 0 {
			return
		}
		vecs := floats[:n*dim]
		if flags&1 != 0 { // every vector again, under new labels: duplicates
			vecs = append(vecs, vecs...)
		}
		rows := len(vecs) / dim
		labels := make([]uint32, rows)
		for i := range labels {
			labels[i] = uint32(i)
			if flags&2 != 0 {
				labels[i] = uint32(i % 50) // upserts within the batch
			}
		}
		o := Options{Dim: dim, Metric: m, M: 4, EfConstruction: 16, Seed: uint64(flags), Threads: 2}
		if flags&4 != 0 {
			o.Profile = ProfileExact
		}
		queries := fuzzQueries(data, vecs, dim, 6)
		k := 1 + int(flags>>4)
		finishes(t, "build and search", func() error {
			x, err := NewIndex(o)
			if err != nil {
				return err
			}
			err, mismatch := addExpectingRefusal(x, m, labels, vecs)
			if mismatch != nil {
				return mismatch
			}
			if err != nil {
				if x.Len() != 0 {
					return fmt.Errorf("refused batch left %d vectors", x.Len())
				}
				if flags&8 == 0 || !errors.Is(err, ErrOverflow) {
					return nil
				}
				// What a log from before the norm limit holds.
				if err := x.AddLogged(context.Background(), labels, vecs); err != nil {
					ok := false
					for i := 0; i < rows; i++ {
						if _, e := m.check(vecs[i*dim:(i+1)*dim], acceptStored); e != nil {
							ok = true
						}
					}
					if !ok {
						return fmt.Errorf("AddLogged: %v", err)
					}
					return nil
				}
			}
			if err := fuzzSearches(x, m, queries, k); err != nil {
				return fmt.Errorf("built: %w", err)
			}
			x.Delete(labels[:len(labels)/3])
			if err := fuzzSearches(x, m, queries, k); err != nil {
				return fmt.Errorf("after deletes: %w", err)
			}
			if err := x.Compact(context.Background()); err != nil {
				return err
			}
			if err := fuzzSearches(x, m, queries, k); err != nil {
				return fmt.Errorf("compacted: %w", err)
			}
			if flags&32 != 0 {
				p := ProfileInstant
				if o.Profile != ProfileExact {
					p = ProfileExact
				}
				if err := x.Promote(context.Background(), p); err != nil {
					return err
				}
				if err := fuzzSearches(x, m, queries, k); err != nil {
					return fmt.Errorf("promoted to %s: %w", p, err)
				}
			}
			y, err := roundTrip(x)
			if err != nil {
				return err
			}
			return fuzzSearches(y, m, queries, k)
		})
	})
}

// fuzzSearchIndexes are built once per process for FuzzSearch: one graph and one exact
// index per metric over ordinary vectors, stored extreme ones (as a log from before the
// norm limit may hold), duplicates and tombstones.
func fuzzSearchIndexes(tb testing.TB) map[Metric][2]*Index {
	const n, dim = 600, 6
	out := map[Metric][2]*Index{}
	for _, m := range []Metric{Cosine, L2, InnerProduct} {
		data := clustered(7, n, dim, 6)
		extremes := extremeRows(dim, m)
		for i, r := range extremes {
			copy(data[(n-len(extremes)+i)*dim:], r)
		}
		copy(data[:50*dim], data[100*dim:150*dim]) // duplicates
		var pair [2]*Index
		for i, p := range []Profile{ProfileInstant, ProfileExact} {
			x, err := NewIndex(Options{Dim: dim, Metric: m, Profile: p, M: 6, Seed: 5, Threads: 2})
			if err != nil {
				tb.Fatal(err)
			}
			if err := x.AddLogged(context.Background(), seqLabels(0, n), data); err != nil {
				tb.Fatal(err)
			}
			x.Delete(seqLabels(200, 40))
			pair[i] = x
		}
		out[m] = pair
	}
	return out
}

// FuzzSearch queries fixed indexes in every metric with fuzzed vectors (extreme ones
// likely) and options: a query is refused exactly when Metric.Check refuses it, and
// otherwise answered in finite time with well-formed hits equal to the reference search
// (graph) or to an exhaustive comparison (exact).
func FuzzSearch(f *testing.F) {
	for m := uint8(0); m < 3; m++ {
		f.Add(fuzzBytes(1, 2, 3, 4, 5, 6), m, uint8(10), uint8(0))
		f.Add(fuzzBytes(3e38, -3e38, 3e38, -3e38, 3e38, -3e38), m, uint8(5), uint8(1))
		f.Add(fuzzBytes(1e-45, -1e-45, 1e-40, 0, 0, 1e-45), m, uint8(3), uint8(2))
		f.Add(fuzzBytes(0, 0, 0, 0, 0, 0), m, uint8(1), uint8(3))
		f.Add(fuzzBytes(0x1p62, -0x1p62, 0, 0, 1, 1e-30), m, uint8(20), uint8(4))
		f.Add([]byte{7, 8, 9, 10, 11, 12}, m, uint8(2), uint8(5))
	}
	indexes := fuzzSearchIndexes(f)
	f.Fuzz(func(t *testing.T, data []byte, metricByte, kByte, label uint8) {
		m := Metric(metricByte % 3)
		q := fuzzFloats(data)
		if len(q) < 6 {
			q = append(q, make([]float32, 6-len(q))...)
		}
		q = q[:6]
		k := int(kByte % 40)
		finishes(t, "search", func() error {
			for _, x := range indexes[m] {
				if err := fuzzSearches(x, m, [][]float32{q}, k); err != nil {
					return fmt.Errorf("%s: %w", x.Options().Profile, err)
				}
				hits, err := x.SearchByLabel(nil, uint32(label)*3, k, SearchOptions{})
				if errors.Is(err, ErrNotFound) && !x.Contains(uint32(label)*3) {
					continue
				}
				if err != nil {
					return err
				}
				if err := hitsError(hits, k); err != nil {
					return fmt.Errorf("by label: %w", err)
				}
			}
			return nil
		})
	})
}
