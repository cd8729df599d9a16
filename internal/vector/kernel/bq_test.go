package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// fencedWords returns n random words starting off words into an array of all-ones words,
// which a kernel reading outside the slice would count.
func fencedWords(r *rand.Rand, n, off int) []uint64 {
	buf := make([]uint64, off+n+4)
	for i := range buf {
		buf[i] = math.MaxUint64
	}
	v := buf[off : off+n]
	for i := range v {
		v[i] = r.Uint64()
	}
	return v
}

func hammingRef(a, b []uint64) int {
	n := 0
	for i := range a {
		for bit := range 64 {
			if (a[i]>>bit)&1 != (b[i]>>bit)&1 {
				n++
			}
		}
	}
	return n
}

func dotBitsRef(q []uint64, planes int, code []uint64) int32 {
	w := len(q) / planes
	var s int64
	for d := range 64 * w {
		if code[d/64]>>(d%64)&1 == 0 {
			continue
		}
		for p := range planes {
			s += int64(q[p*w+d/64]>>(d%64)&1) << p
		}
	}
	return int32(s)
}

func TestHammingAgainstReference(t *testing.T) {
	r := newRand(31)
	for n := range 70 {
		for off := range 3 {
			a, b := fencedWords(r, n, off), fencedWords(r, n, 2-off)
			if got, want := Hamming(a, b), hammingRef(a, b); got != want {
				t.Fatalf("n=%d offset %d: Hamming = %d, want %d", n, off, got, want)
			}
		}
	}
	if got := Hamming([]uint64{0, math.MaxUint64}, []uint64{math.MaxUint64, math.MaxUint64, 7}); got != 64 {
		t.Errorf("Hamming with a longer b = %d, want 64", got)
	}
}

func TestDotBitsAgainstReference(t *testing.T) {
	r := newRand(32)
	for _, planes := range []int{1, 2, 3, 4, 8, 16} {
		for w := range 30 {
			q := fencedWords(r, planes*w, 1)
			c := fencedWords(r, w, 2)
			if got, want := DotBits(q, planes, c), dotBitsRef(q, planes, c); got != want {
				t.Fatalf("planes %d, %d words: DotBits = %d, want %d", planes, w, got, want)
			}
		}
	}
}

func TestBitRowsMatchSingle(t *testing.T) {
	r := newRand(33)
	const rows = 37
	for _, w := range []int{1, 2, 3, 6, 7, 8, 9, 12, 24, 25} {
		codes := fencedWords(r, rows*w+w/2, 1)
		ids := []uint32{0, rows - 1, 3, 3}
		for range 70 { // more than the prefetch window for the small rows
			ids = append(ids, uint32(r.IntN(rows)))
		}
		q := fencedWords(r, w, 0)
		qp := fencedWords(r, 4*w, 0)
		out := make([]int32, len(ids)+1)
		out[len(ids)] = 42
		HammingRows(q, codes, ids, out)
		for i, id := range ids {
			if want := int32(Hamming(q, codes[int(id)*w:])); out[i] != want {
				t.Fatalf("HammingRows w=%d: out[%d] = %d, want %d", w, i, out[i], want)
			}
		}
		DotBitsRows(qp, 4, codes, ids, out)
		for i, id := range ids {
			if want := DotBits(qp, 4, codes[int(id)*w:]); out[i] != want {
				t.Fatalf("DotBitsRows w=%d: out[%d] = %d, want %d", w, i, out[i], want)
			}
		}
		if out[len(ids)] != 42 {
			t.Fatalf("w=%d: wrote past len(ids)", w)
		}
		for _, stride := range []int{w, w + 1, w + 2, 2*w + 3} {
			wide := fencedWords(r, rows*stride, 2)
			DotBitsRowsStride(qp, 4, wide, stride, ids, out)
			for i, id := range ids {
				if want := DotBits(qp, 4, wide[int(id)*stride:]); out[i] != want {
					t.Fatalf("DotBitsRowsStride w=%d stride %d: out[%d] = %d, want %d", w, stride, i, out[i], want)
				}
			}
		}
	}
}

func TestBitContractViolationsPanic(t *testing.T) {
	codes := make([]uint64, 10*3)
	q := make([]uint64, 3)
	out := make([]int32, 4)
	tests := []struct {
		name string
		call func()
	}{
		{"Hamming short b", func() { Hamming(make([]uint64, 3), make([]uint64, 2, 8)) }},
		{"DotBits short code", func() { DotBits(make([]uint64, 6), 2, make([]uint64, 2, 8)) }},
		{"DotBits partial plane", func() { DotBits(make([]uint64, 7), 2, make([]uint64, 8)) }},
		{"DotBits zero planes", func() { DotBits(make([]uint64, 7), 0, make([]uint64, 8)) }},
		{"HammingRows id past end", func() { HammingRows(q, codes, []uint32{1, 10}, out) }},
		{"HammingRows partial row", func() { HammingRows(q, codes[:29], []uint32{9}, out) }},
		{"HammingRows short out", func() { HammingRows(q, codes, []uint32{1, 2}, out[:1]) }},
		{"DotBitsRows huge id", func() { DotBitsRows(make([]uint64, 6), 2, codes, []uint32{math.MaxUint32}, out) }},
		{"DotBitsRowsStride short stride", func() { DotBitsRowsStride(make([]uint64, 6), 2, codes, 2, []uint32{0}, out) }},
		{"DotBitsRowsStride id past end", func() { DotBitsRowsStride(make([]uint64, 6), 2, codes, 5, []uint32{6}, out) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tt.call()
		})
	}
}

// BenchmarkBits measures Hamming and the 4-plane DotBits at each dimension (in L1), next
// to the float32 dot product of the same dimension.
func BenchmarkBits(b *testing.B) {
	r := newRand(34)
	for _, dim := range benchDims {
		w := (dim + 63) / 64
		x, y := fencedWords(r, w, 0), fencedWords(r, w, 0)
		q4 := fencedWords(r, 4*w, 0)
		b.Run(fmt.Sprintf("hamming/%d", dim), func(b *testing.B) {
			s := 0
			for b.Loop() {
				s += Hamming(x, y)
			}
			benchSink = float32(s)
		})
		b.Run(fmt.Sprintf("dotbits4/%d", dim), func(b *testing.B) {
			var s int32
			for b.Loop() {
				s += DotBits(q4, 4, y)
			}
			benchSink = float32(s)
		})
	}
}

// BenchmarkBitRows is BenchmarkDotSQ8Rows for bit codes: 32 random rows of 200,000 per
// call.
func BenchmarkBitRows(b *testing.B) {
	const neighbors, groups, rows = 32, 1 << 14, 200_000
	r := newRand(35)
	for _, dim := range benchDims {
		w := (dim + 63) / 64
		codes := fencedWords(r, rows*w, 0)
		q, q4 := fencedWords(r, w, 0), fencedWords(r, 4*w, 0)
		ids := make([]uint32, groups*neighbors)
		for i := range ids {
			ids[i] = uint32(r.IntN(rows))
		}
		out := make([]int32, neighbors)
		b.Run(fmt.Sprintf("dim=%d/hamming", dim), func(b *testing.B) {
			g := 0
			for b.Loop() {
				HammingRows(q, codes, ids[g*neighbors:(g+1)*neighbors], out)
				g = (g + 1) % groups
			}
		})
		b.Run(fmt.Sprintf("dim=%d/dotbits4", dim), func(b *testing.B) {
			g := 0
			for b.Loop() {
				DotBitsRows(q4, 4, codes, ids[g*neighbors:(g+1)*neighbors], out)
				g = (g + 1) % groups
			}
		})
	}
}
