package kernel

import (
	"fmt"
	"math/bits"
)

// Kernels for binary-quantised vectors (bq): one bit per dimension, packed into uint64
// words, dimension i in bit i%64 of word i/64. Counting bits compiles to the POPCNT
// instruction on amd64 (behind a one-time CPU check unless built for GOAMD64=v2 or later).
//
// Two distances are offered. Hamming compares two codes. DotBits compares a code with a
// query kept at a few bits per dimension: the query's integer values are split into bit
// planes (plane p holds bit p of every value), and Σ value[i]·bit[i] = Σ_p 2^p ·
// popcount(plane_p AND code), which keeps much more of the query's precision than
// reducing it to one bit (the asymmetric estimator of RaBitQ).

// Hamming returns the number of bits that differ between a and b. b must be at least as
// long as a; only the first len(a) words of b are read.
func Hamming(a, b []uint64) int {
	if len(b) < len(a) {
		panicShort(len(a), len(b))
	}
	b = b[:len(a)]
	var n0, n1 int
	i := 0
	for ; i+2 <= len(a); i += 2 {
		n0 += bits.OnesCount64(a[i] ^ b[i])
		n1 += bits.OnesCount64(a[i+1] ^ b[i+1])
	}
	if i < len(a) {
		n0 += bits.OnesCount64(a[i] ^ b[i])
	}
	return n0 + n1
}

// HammingRows computes out[i] = Hamming(q, row ids[i] of codes), where codes holds rows of
// len(q) words back to back. Rows are prefetched ahead, as DotRows does. out must hold at
// least len(ids) elements; every id must name a whole row.
func HammingRows(q, codes []uint64, ids []uint32, out []int32) {
	w := len(q)
	rows := checkCodeRows(w, len(codes), len(ids), len(out))
	if w == 0 {
		clear(out[:len(ids)])
		return
	}
	ahead := prefetchRowsAhead(8 * w)
	for i := range min(ahead, len(ids)) {
		prefetchCodeRow(codes, ids[i], w, rows)
	}
	for i, id := range ids {
		if i+ahead < len(ids) {
			prefetchCodeRow(codes, ids[i+ahead], w, rows)
		}
		if uint(id) >= uint(rows) {
			panicRowRange(id, rows)
		}
		off := int(id) * w
		out[i] = int32(Hamming(q, codes[off:off+w]))
	}
}

// DotBits returns Σ_p 2^p · popcount(q_p AND code) over the planes of q: q holds planes
// planes (1 to 16) of w = len(q)/planes words each, plane p at q[p*w:(p+1)*w]. code must
// be at least w words long; only the first w are read.
func DotBits(q []uint64, planes int, code []uint64) int32 {
	w := planeWords(len(q), planes)
	if len(code) < w {
		panicShort(w, len(code))
	}
	return dotBits(q, planes, w, code[:w])
}

func dotBits(q []uint64, planes, w int, code []uint64) int32 {
	if planes == 4 {
		// The usual query precision: one pass over the code, each word loaded once.
		p0 := q[:w:w]
		p1, p2, p3, code := q[w : 2*w][:len(p0)], q[2*w : 3*w][:len(p0)], q[3*w : 4*w][:len(p0)], code[:len(p0)]
		var n0, n1, n2, n3 int
		for i, c := range code {
			n0 += bits.OnesCount64(p0[i] & c)
			n1 += bits.OnesCount64(p1[i] & c)
			n2 += bits.OnesCount64(p2[i] & c)
			n3 += bits.OnesCount64(p3[i] & c)
		}
		return int32(n0 + n1<<1 + n2<<2 + n3<<3)
	}
	var s int
	for p := range planes {
		plane := q[p*w : (p+1)*w : (p+1)*w]
		var n int
		for i, c := range code[:len(plane)] {
			n += bits.OnesCount64(plane[i] & c)
		}
		s += n << p
	}
	return int32(s)
}

// DotBitsRows computes out[i] = DotBits(q, planes, row ids[i] of codes), where codes holds
// rows of len(q)/planes words back to back, with the contract of HammingRows.
func DotBitsRows(q []uint64, planes int, codes []uint64, ids []uint32, out []int32) {
	DotBitsRowsStride(q, planes, codes, planeWords(len(q), planes), ids, out)
}

// DotBitsRowsStride is DotBitsRows over rows of stride words, of which the code is the
// first len(q)/planes (the rest may hold whatever a caller keeps beside a code, such as its
// correction factors, in the same cache lines). stride must be at least the code length.
func DotBitsRowsStride(q []uint64, planes int, codes []uint64, stride int, ids []uint32, out []int32) {
	w := planeWords(len(q), planes)
	if stride < w {
		panic(fmt.Sprintf("kernel: row stride %d shorter than a %d-word code", stride, w))
	}
	rows := checkCodeRows(stride, len(codes), len(ids), len(out))
	if w == 0 {
		clear(out[:len(ids)])
		return
	}
	ahead := prefetchRowsAhead(8 * stride)
	for i := range min(ahead, len(ids)) {
		prefetchCodeRow(codes, ids[i], stride, rows)
	}
	for i, id := range ids {
		if i+ahead < len(ids) {
			prefetchCodeRow(codes, ids[i+ahead], stride, rows)
		}
		if uint(id) >= uint(rows) {
			panicRowRange(id, rows)
		}
		off := int(id) * stride
		out[i] = dotBits(q, planes, w, codes[off:off+w])
	}
}

// planeWords returns the words per plane, panicking when q is not whole planes.
func planeWords(n, planes int) int {
	if planes < 1 || planes > 16 || n%planes != 0 {
		panicPlanes(n, planes)
	}
	return n / planes
}

// prefetchRowsAhead is how many rows of rowBytes the bit kernels prefetch ahead: the
// same bound on prefetched bytes as the float kernels', but no more than a neighbour
// list needs.
func prefetchRowsAhead(rowBytes int) int { return max(1, min(64, bitPrefetchBytes/rowBytes)) }

// bitPrefetchBytes bounds the bytes of rows prefetched ahead (see prefetchBytes).
const bitPrefetchBytes = 64 << 10

func panicPlanes(n, planes int) {
	panic(fmt.Sprintf("kernel: %d words do not make %d whole planes (1 to 16)", n, planes))
}

// prefetchCodeRow asks for every cache line of row id (if it exists) to be loaded.
func prefetchCodeRow(codes []uint64, id uint32, w, rows int) {
	if uint(id) >= uint(rows) {
		return
	}
	off := int(id) * w
	for i := 0; i < w; i += 8 {
		prefetchLine(&codes[off+i])
	}
	prefetchLine(&codes[off+w-1])
}
