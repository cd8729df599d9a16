package kernel

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// dotSQ8Ref is the exact sum, in int64.
func dotSQ8Ref(q []int16, c []uint8) int64 {
	var s int64
	for i := range q {
		s += int64(q[i]) * int64(c[i])
	}
	return s
}

// fencedSQ8 returns n weights and n codes starting off elements into arrays filled with
// the largest values: a kernel that reads outside its slices adds them to the sum.
func fencedSQ8(r *rand.Rand, n, offQ, offC int, maxW int) ([]int16, []uint8) {
	qb := make([]int16, offQ+n+40)
	cb := make([]uint8, offC+n+40)
	for i := range qb {
		qb[i] = 32767
	}
	for i := range cb {
		cb[i] = 255
	}
	q, c := qb[offQ:offQ+n], cb[offC:offC+n]
	for i := range q {
		q[i] = int16(r.IntN(2*maxW+1) - maxW)
		c[i] = uint8(r.IntN(256))
	}
	return q, c
}

func sq8Kernels(t testing.TB) []sq8Impl {
	t.Helper()
	impls := sq8Implementations()
	if len(impls) == 1 {
		t.Logf("only the generic sq8 implementation runs on this CPU or build")
	}
	return impls
}

// TestSQ8AgainstReference checks every implementation for every length up to 1000 and a few
// large ones, at every alignment of weights and codes, with weights at the no-overflow
// bound (so the result must equal the exact sum) and with full-range weights (where it
// must equal the exact sum wrapped to int32).
func TestSQ8AgainstReference(t *testing.T) {
	r := newRand(21)
	for _, n := range testLengths() {
		for off := range 4 {
			for _, maxW := range []int{MaxWeightSQ8(n), 32767} {
				q, c := fencedSQ8(r, n, off, (off+n)%7, maxW)
				want := dotSQ8Ref(q, c)
				if maxW == MaxWeightSQ8(n) && (want > math.MaxInt32 || want < math.MinInt32) {
					t.Fatalf("n=%d: exact sum %d overflows int32 under MaxWeightSQ8", n, want)
				}
				for _, im := range sq8Kernels(t) {
					if got := im.dot(q, c); got != int32(want) {
						t.Fatalf("%s n=%d offset %d max weight %d: got %d, want %d", im.name, n, off, maxW, got, int32(want))
					}
				}
			}
		}
	}
}

// TestSQ8Extremes checks the largest sums the contract allows.
func TestSQ8Extremes(t *testing.T) {
	for _, n := range []int{1, 7, 64, 384, 1536, 8421, 100000} {
		w := int16(MaxWeightSQ8(n))
		for _, sign := range []int16{1, -1} {
			q := make([]int16, n)
			c := make([]uint8, n)
			for i := range q {
				q[i], c[i] = sign*w, 255
			}
			want := dotSQ8Ref(q, c)
			for _, im := range sq8Kernels(t) {
				if got := im.dot(q, c); int64(got) != want {
					t.Errorf("%s n=%d weight %d: got %d, want %d", im.name, n, sign*w, got, want)
				}
			}
		}
	}
}

func TestSQ8RowsMatchSingle(t *testing.T) {
	r := newRand(22)
	const rows = 29
	for _, dim := range []int{1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 96, 100, 127, 128, 129, 384, 385, 768} {
		q, _ := fencedSQ8(r, dim, dim%3, 0, MaxWeightSQ8(dim))
		_, codes := fencedSQ8(r, rows*dim+dim/2, 0, dim%5, 1)
		ids := []uint32{0, rows - 1, 5, 5, 12}
		for range 40 {
			ids = append(ids, uint32(r.IntN(rows)))
		}
		for _, im := range sq8Kernels(t) {
			out := make([]int32, len(ids)+1)
			out[len(ids)] = 42
			im.dotRows(q, codes, ids, out)
			for i, id := range ids {
				if want := im.dot(q, codes[int(id)*dim:int(id+1)*dim]); out[i] != want {
					t.Fatalf("%s dim=%d: out[%d] (row %d) = %d, single kernel gives %d", im.name, dim, i, id, out[i], want)
				}
			}
			if out[len(ids)] != 42 {
				t.Fatalf("%s dim=%d wrote past len(ids)", im.name, dim)
			}
		}
	}
}

func TestSQ8ContractViolationsPanic(t *testing.T) {
	q := make([]int16, 8)
	codes := make([]uint8, 10*8)
	out := make([]int32, 4)
	tests := []struct {
		name string
		call func(im sq8Impl)
	}{
		{"short codes", func(im sq8Impl) { im.dot(make([]int16, 9), make([]uint8, 8, 16)) }},
		{"id past end", func(im sq8Impl) { im.dotRows(q, codes, []uint32{1, 10}, out) }},
		{"partial last row", func(im sq8Impl) { im.dotRows(q, codes[:79], []uint32{9}, out) }},
		{"huge id", func(im sq8Impl) { im.dotRows(q, codes, []uint32{math.MaxUint32}, out) }},
		{"short out", func(im sq8Impl) { im.dotRows(q, codes, []uint32{1, 2}, out[:1]) }},
	}
	for _, tt := range tests {
		for _, im := range sq8Kernels(t) {
			t.Run(tt.name+"/"+im.name, func(t *testing.T) {
				defer func() {
					if recover() == nil {
						t.Error("no panic")
					}
				}()
				tt.call(im)
			})
		}
	}
	for _, im := range sq8Kernels(t) {
		out := []int32{-1, -1}
		im.dotRows(nil, nil, []uint32{3, 0}, out)
		if out[0] != 0 || out[1] != 0 {
			t.Errorf("%s: zero dimensions gave %v", im.name, out)
		}
	}
}

func TestSQ8Exported(t *testing.T) {
	q := []int16{1, -2, 3}
	c := []uint8{4, 5, 6, 7, 8, 9}
	if got := DotSQ8(q, c); got != 4-10+18 {
		t.Errorf("DotSQ8 = %d", got)
	}
	out := make([]int32, 2)
	DotSQ8Rows(q, c, []uint32{1, 0}, out)
	if out[0] != 7-16+27 || out[1] != 12 {
		t.Errorf("DotSQ8Rows = %v", out)
	}
	if got, want := SQ8Implementation(), sq8Implementations()[0].name; got != want {
		t.Errorf("SQ8Implementation() = %q, want %q", got, want)
	}
}

// FuzzSQ8 checks every implementation against the exact sum, wrapped to int32, on
// arbitrary weights and codes, and the row kernel against the single one.
func FuzzSQ8(f *testing.F) {
	f.Add([]byte{1, 0, 2, 0, 3, 0, 9, 8, 7}, uint8(0))
	f.Add(make([]byte, 3*100), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, offsets uint8) {
		n := len(data) / 3
		q := make([]int16, n+int(offsets%4))[offsets%4:]
		c := make([]uint8, n+int(offsets/4%4))[offsets/4%4:]
		for i := range n {
			q[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
			c[i] = data[2*n+i]
		}
		want := int32(dotSQ8Ref(q, c))
		for _, im := range sq8Implementations() {
			if got := im.dot(q, c); got != want {
				t.Fatalf("%s: got %d, want %d (n=%d)", im.name, got, want, n)
			}
			if n > 0 {
				out := make([]int32, 2)
				im.dotRows(q[:1], c, []uint32{uint32(n - 1), 0}, out)
				if out[0] != int32(q[0])*int32(c[n-1]) || out[1] != int32(q[0])*int32(c[0]) {
					t.Fatalf("%s rows: %v", im.name, out)
				}
			}
		}
	})
}

// BenchmarkDotSQ8 compares the sq8 kernel with the float32 dot product at the same
// dimension, on vectors that stay in the L1 cache.
func BenchmarkDotSQ8(b *testing.B) {
	r := newRand(23)
	for _, dim := range benchDims {
		q, c := fencedSQ8(r, dim, 0, 0, MaxWeightSQ8(dim))
		for _, im := range sq8Implementations() {
			b.Run(fmt.Sprintf("sq8-%s/%d", im.name, dim), func(b *testing.B) {
				b.SetBytes(int64(dim))
				var s int32
				for b.Loop() {
					s += im.dot(q, c)
				}
				benchSink = float32(s)
			})
		}
		x := fenced(r, dim, 0, regimes[0].draw)
		y := fenced(r, dim, 0, regimes[0].draw)
		b.Run(fmt.Sprintf("float32-%s/%d", Implementation(), dim), func(b *testing.B) {
			b.SetBytes(int64(4 * dim))
			var s float32
			for b.Loop() {
				s += Dot(x, y)
			}
			benchSink = s
		})
	}
}

// BenchmarkDotSQ8Rows is BenchmarkDotRows for sq8 codes: 32 random rows per call from an
// arena of 200,000 rows (far beyond the caches; 77 MB of codes at 384 dimensions against
// 307 MB of float32) or 1,000 rows (in cache), against DotRows on the float32 arena.
func BenchmarkDotSQ8Rows(b *testing.B) {
	const neighbors, groups = 32, 1 << 14
	r := newRand(24)
	for _, dim := range benchDims {
		for _, rows := range []int{200_000, 1_000} {
			q, codes := fencedSQ8(r, dim, 0, 0, MaxWeightSQ8(dim))
			_, codes = fencedSQ8(r, rows*dim, 0, 0, 1)
			ids := make([]uint32, groups*neighbors)
			for i := range ids {
				ids[i] = uint32(r.IntN(rows))
			}
			out := make([]int32, neighbors)
			b.Run(fmt.Sprintf("dim=%d/rows=%d/sq8-%s", dim, rows, SQ8Implementation()), func(b *testing.B) {
				b.SetBytes(int64(neighbors * dim))
				g := 0
				for b.Loop() {
					DotSQ8Rows(q, codes, ids[g*neighbors:(g+1)*neighbors], out)
					g = (g + 1) % groups
				}
			})
			codes = nil
			base := make([]float32, rows*dim)
			for i := range base {
				base[i] = float32(r.Float64())
			}
			qf := fenced(r, dim, 0, regimes[0].draw)
			outf := make([]float32, neighbors)
			b.Run(fmt.Sprintf("dim=%d/rows=%d/float32-%s", dim, rows, Implementation()), func(b *testing.B) {
				b.SetBytes(int64(neighbors * dim * 4))
				g := 0
				for b.Loop() {
					DotRows(qf, base, ids[g*neighbors:(g+1)*neighbors], outf)
					g = (g + 1) % groups
				}
			})
		}
	}
}
