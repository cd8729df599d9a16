package vector

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

func writeHNSW(t testing.TB, h *HNSW) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := h.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteTo reported %d bytes, wrote %d", n, buf.Len())
	}
	return buf.Bytes()
}

// smallIndex builds a little graph with upper levels, tombstones and sparse-enough labels.
func smallIndex(t testing.TB, n int) *HNSW {
	t.Helper()
	return smallQuantIndex(t, n, QuantNone, Cosine)
}

// smallQuantIndex is smallIndex with a quantisation and a metric.
func smallQuantIndex(t testing.TB, n int, q Quantization, m Metric) *HNSW {
	t.Helper()
	const dim = 8
	h := mustHNSW(t, Options{Dim: dim, M: 4, EfConstruction: 20, Seed: 2, Threads: 1, Quantization: q, Metric: m})
	labels := make([]uint32, n)
	for i := range labels {
		labels[i] = uint32(3*i + 1)
	}
	mustAdd(t, h, labels, clustered(61, n, dim, 4))
	h.Delete([]uint32{1, 4, 7})
	return h
}

func TestPersistRoundTrip(t *testing.T) {
	h := smallIndex(t, 600)
	data := writeHNSW(t, h)
	keep := append([]byte(nil), data...)
	g, err := ReadHNSW(data)
	if err != nil {
		t.Fatal(err)
	}
	if again := writeHNSW(t, g); !bytes.Equal(again, data) {
		t.Fatal("re-written file differs")
	}
	f, _ := binfile.Parse(data, hnswMagic, hnswVersion)
	vecs, _ := f.Section("vecs")
	if off := uintptr(unsafe.Pointer(&vecs[0])) - uintptr(unsafe.Pointer(&data[0])); off%rowAlign != 0 {
		t.Fatalf("vector arena at file offset %d, not a multiple of %d", off, rowAlign)
	}
	g.SetThreads(h.Options().Threads) // not stored
	if g.Len() != h.Len() || g.Deleted() != h.Deleted() || g.Options() != h.Options() {
		t.Fatalf("read back Len %d Deleted %d %+v, wrote Len %d Deleted %d %+v", g.Len(), g.Deleted(), g.Options(), h.Len(), h.Deleted(), h.Options())
	}
	queries := clustered(62, 20, 8, 4)
	for i := 0; i < 20; i++ {
		q := queries[i*8 : (i+1)*8]
		a, _ := h.Search(q, 10, SearchOptions{})
		b, _ := g.Search(q, 10, SearchOptions{})
		if !slices.Equal(a, b) {
			t.Fatalf("query %d: %v vs %v", i, a, b)
		}
	}
	// Writes to a loaded index copy the arenas first: the caller's bytes stay intact.
	mustAdd(t, g, []uint32{5000, 5001}, queries[:16])
	g.Delete([]uint32{10, 13})
	if err := g.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, keep) {
		t.Fatal("writing to a loaded index changed the file bytes")
	}
	// The empty index round-trips too.
	e := mustHNSW(t, Options{Dim: 3})
	if _, err := ReadHNSW(writeHNSW(t, e)); err != nil {
		t.Fatal(err)
	}
}

func TestFlatPersistRoundTrip(t *testing.T) {
	f, _ := NewFlat(4, L2)
	mustAdd(t, f, []uint32{9, 2, 7}, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := ReadFlat(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := g.Vector(7); !ok || v[3] != 12 || g.Len() != 3 {
		t.Fatalf("vector 7 = %v %v, len %d", v, ok, g.Len())
	}
	if _, err := ReadFlat(buf.Bytes()[:buf.Len()-3]); !errors.Is(err, corruption.Err) {
		t.Fatalf("truncated flat file: %v", err)
	}
}

// rewrap re-assembles a file with one section payload replaced, with valid checksums, so
// tests reach the structural checks behind the checksums.
func rewrap(t testing.TB, data []byte, tag string, edit func([]byte) []byte) []byte {
	t.Helper()
	f, err := binfile.Parse(data, hnswMagic, hnswVersion)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := binfile.NewWriter(&buf, hnswMagic, f.Version)
	for _, tg := range f.Tags() {
		p, _ := f.Section(tg)
		p = append([]byte(nil), p...)
		if tg == tag {
			p = edit(p)
		}
		if err := w.Section(tg, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadRejectsCorruption(t *testing.T) {
	h := smallIndex(t, 300)
	data := writeHNSW(t, h)
	setU32 := func(i int, v uint32) func([]byte) []byte {
		return func(p []byte) []byte { binary.LittleEndian.PutUint32(p[4*i:], v); return p }
	}
	n := uint32(h.Nodes())
	stride := h.stride0
	upperNode := -1
	for i, l := range h.levels {
		if l > 0 && i != int(h.entry) {
			upperNode = i
			break
		}
	}
	cases := []struct {
		name string
		data []byte
	}{
		{"truncated", data[:len(data)-9]},
		{"flipped", func() []byte { c := append([]byte(nil), data...); c[len(c)/2] ^= 1; return c }()},
		{"wrong magic", append([]byte("VJRAFLAT"), data[8:]...)},
		{"link out of range", rewrap(t, data, "lnk0", setU32(1, n))},
		{"count over capacity", rewrap(t, data, "lnk0", setU32(stride, uint32(h.m0+1)))},
		{"level too high", rewrap(t, data, "levl", func(p []byte) []byte { p[5] = 40; return p })},
		{"upper list past the end", rewrap(t, data, "upof", setU32(upperNode, 1<<30))},
		{"level-0 node linked on level 1", rewrap(t, data, "levl", func(p []byte) []byte {
			// Lower a node that others link to on level 1.
			for i, l := range p {
				if l == 1 && i != int(h.entry) {
					p[i] = 0
					break
				}
			}
			return p
		})},
		{"duplicate label", rewrap(t, data, "labl", setU32(20, h.labels[21]))},
		{"tombstone count", rewrap(t, data, "dead", func(p []byte) []byte { p[1] ^= 0x10; return p })},
		{"short vectors", rewrap(t, data, "vecs", func(p []byte) []byte { return p[:len(p)-4] })},
		{"bad meta", rewrap(t, data, "meta", func(p []byte) []byte { p[0] = 0; p[1] = 0; return p })},
		{"unknown profile", rewrap(t, data, "prof", func([]byte) []byte { return []byte("turbo") })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadHNSW(c.data)
			if !errors.Is(err, corruption.Err) {
				t.Fatalf("got %v, want corruption.Err", err)
			}
		})
	}
}

// exercise runs the operations a loaded index must survive.
func exercise(t *testing.T, h *HNSW) {
	r := rand.New(rand.NewPCG(1, 2))
	q := make([]float32, h.dim)
	for i := range q {
		q[i] = float32(r.NormFloat64())
	}
	for _, ef := range []int{1, 30} {
		if _, err := h.Search(q, 5, SearchOptions{Ef: ef}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Search(q, 5, SearchOptions{Ef: ef, Filter: Predicate(func(l uint32) bool { return l%2 == 0 })}); err != nil {
			t.Fatal(err)
		}
	}
	if h.dim <= 64 {
		if err := h.Add(context.Background(), []uint32{1 << 20}, q); err != nil {
			t.Fatal(err)
		}
		h.Delete([]uint32{1 << 20, 4})
		if err := h.Compact(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Search(q, 5, SearchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func FuzzReadHNSW(f *testing.F) {
	f.Add(writeHNSW(f, smallIndex(f, 40)))
	f.Add(writeHNSW(f, mustHNSW(f, Options{Dim: 2})))
	f.Add(writeHNSW(f, smallQuantIndex(f, 40, QuantSQ8, L2)))
	f.Add(writeHNSW(f, smallQuantIndex(f, 40, QuantBQ, Cosine)))
	f.Add(writeHNSW(f, mustHNSW(f, Options{Dim: 2, Quantization: QuantSQ8})))
	f.Add([]byte(hnswMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ReadHNSW(data)
		if err != nil {
			if !errors.Is(err, corruption.Err) && !errors.Is(err, binfile.ErrVersion) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		exercise(t, h)
	})
}

// FuzzReadHNSWSections mutates one section of a valid file and re-checksums it, so the
// fuzzer explores the structural validation instead of stopping at the checksums.
func FuzzReadHNSWSections(f *testing.F) {
	base := writeHNSW(f, smallIndex(f, 40))
	f.Add(uint8(1), uint32(4), uint32(7), uint8(0))
	f.Add(uint8(3), uint32(0), uint32(200), uint8(0))
	f.Add(uint8(4), uint32(3), uint32(3), uint8(1))
	f.Fuzz(func(t *testing.T, sec uint8, off, val uint32, cut uint8) {
		tags := []string{"meta", "lnk0", "levl", "upof", "uppr", "labl", "dead", "vecs", "prof"}
		fuzzSection(t, base, tags[int(sec)%len(tags)], off, val, cut)
	})
}

// FuzzReadQuantSections is FuzzReadHNSWSections for the files of quantised indexes,
// whose extra sections it mutates too.
func FuzzReadQuantSections(f *testing.F) {
	bases := [][]byte{
		writeHNSW(f, smallQuantIndex(f, 40, QuantSQ8, L2)),
		writeHNSW(f, smallQuantIndex(f, 40, QuantBQ, InnerProduct)),
		writeHNSW(f, smallQuantIndex(f, 40, QuantSQ8, Cosine)),
	}
	f.Add(uint8(0), uint8(9), uint32(0), uint32(1), uint8(0))
	f.Add(uint8(1), uint8(11), uint32(5), uint32(0xffff), uint8(0))
	f.Add(uint8(0), uint8(10), uint32(0), uint32(0x7fc00000), uint8(0))
	f.Add(uint8(2), uint8(12), uint32(0), uint32(3), uint8(4))
	f.Add(uint8(1), uint8(1), uint32(8), uint32(9), uint8(0))
	f.Fuzz(func(t *testing.T, which, sec uint8, off, val uint32, cut uint8) {
		tags := []string{"meta", "lnk0", "levl", "upof", "uppr", "labl", "dead", "vecs", "prof",
			"qmet", "qprm", "qcod", "qnrm"}
		fuzzSection(t, bases[int(which)%len(bases)], tags[int(sec)%len(tags)], off, val, cut)
	})
}

// fuzzSection xors val into the section tag of base at off, cuts cut bytes off its end,
// re-checksums the file and reads it: an error must be marked as corruption, an index must
// survive every operation.
func fuzzSection(t *testing.T, base []byte, tag string, off, val uint32, cut uint8) {
	data := rewrap(t, base, tag, func(p []byte) []byte {
		if len(p) >= 4 {
			o := int(off) % (len(p) - 3)
			binary.LittleEndian.PutUint32(p[o:], binary.LittleEndian.Uint32(p[o:])^val)
		}
		return p[:len(p)-min(int(cut), len(p))]
	})
	h, err := ReadHNSW(data)
	if err != nil {
		if !errors.Is(err, corruption.Err) {
			t.Fatalf("untyped error: %v", err)
		}
		return
	}
	exercise(t, h)
}

func FuzzReadFlat(f *testing.F) {
	fl, _ := NewFlat(3, Cosine)
	mustAdd(f, fl, []uint32{1, 2}, []float32{1, 2, 3, 4, 5, 6})
	var buf bytes.Buffer
	_, _ = fl.WriteTo(&buf)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadFlat(data)
		if err != nil {
			if !errors.Is(err, corruption.Err) && !errors.Is(err, binfile.ErrVersion) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		q := make([]float32, g.Dim())
		q[0] = 1
		if _, err := g.Search(q, 3, SearchOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}
