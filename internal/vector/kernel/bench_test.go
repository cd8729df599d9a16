package kernel

import (
	"fmt"
	"testing"
)

var benchDims = []int{96, 384, 768, 1536}

// benchSink keeps results alive so the compiler cannot drop the calls.
var benchSink float32

func benchmarkScalar(b *testing.B, pick func(implementation) func(a, b []float32) float32, exported func(a, b []float32) float32) {
	type variant struct {
		name string
		fn   func(a, b []float32) float32
	}
	var variants []variant
	for _, im := range implementations() {
		variants = append(variants, variant{im.name, pick(im)})
	}
	variants = append(variants, variant{"exported", exported})
	r := newRand(1)
	for _, v := range variants {
		for _, dim := range benchDims {
			b.Run(fmt.Sprintf("%s/%d", v.name, dim), func(b *testing.B) {
				x := fenced(r, dim, 0, regimes[0].draw)
				y := fenced(r, dim, 0, regimes[0].draw)
				b.SetBytes(int64(2 * 4 * dim))
				b.ReportAllocs()
				var s float32
				for b.Loop() {
					s += v.fn(x, y)
				}
				benchSink = s
			})
		}
	}
}

// BenchmarkDot measures each implementation, and the exported function with its dispatch,
// on vectors that stay in the L1 cache.
func BenchmarkDot(b *testing.B) {
	benchmarkScalar(b, func(im implementation) func(a, b []float32) float32 { return im.dot }, Dot)
}

// BenchmarkL2Sq is BenchmarkDot for L2Sq.
func BenchmarkL2Sq(b *testing.B) {
	benchmarkScalar(b, func(im implementation) func(a, b []float32) float32 { return im.l2sq }, L2Sq)
}

// BenchmarkDotRows compares the row-gathering kernel, which prefetches rows ahead, with
// calling Dot in a Go loop, as a graph search visiting a node's 32 neighbours would: on an
// arena of 200,000 rows of 384 dimensions (307 MB, far beyond the caches) with random ids,
// and on 1,000 rows (1.5 MB) that stay in the L2 and L3 caches.
func BenchmarkDotRows(b *testing.B) {
	const (
		dim       = 384
		neighbors = 32
		groups    = 1 << 14
	)
	r := newRand(2)
	for _, rows := range []int{200_000, 1_000} {
		base := make([]float32, rows*dim)
		for i := range base {
			base[i] = regimes[0].draw(r)
		}
		q := fenced(r, dim, 0, regimes[0].draw)
		ids := make([]uint32, groups*neighbors)
		for i := range ids {
			ids[i] = uint32(r.IntN(rows))
		}
		out := make([]float32, neighbors)
		for _, im := range implementations() {
			b.Run(fmt.Sprintf("rows=%d/%s/rows", rows, im.name), func(b *testing.B) {
				b.SetBytes(neighbors * dim * 4)
				b.ReportAllocs()
				g := 0
				for b.Loop() {
					im.dotRows(q, base, ids[g*neighbors:(g+1)*neighbors], out)
					g = (g + 1) % groups
				}
			})
			b.Run(fmt.Sprintf("rows=%d/%s/loop", rows, im.name), func(b *testing.B) {
				b.SetBytes(neighbors * dim * 4)
				b.ReportAllocs()
				g := 0
				for b.Loop() {
					for i, id := range ids[g*neighbors : (g+1)*neighbors] {
						out[i] = im.dot(q, base[int(id)*dim:int(id+1)*dim])
					}
					g = (g + 1) % groups
				}
			})
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	r := newRand(4)
	for _, dim := range benchDims {
		b.Run(fmt.Sprint(dim), func(b *testing.B) {
			v := fenced(r, dim, 0, regimes[0].draw)
			b.SetBytes(int64(4 * dim))
			b.ReportAllocs()
			for b.Loop() {
				Normalize(v)
			}
		})
	}
}
