package kernel

import (
	"math"
	"testing"
)

// TestRowsMatchSingle checks that the row-gathering kernels give, for every row, exactly
// the bits of the single-vector kernel of the same implementation, on unaligned query and
// arena, repeated ids, the first and last rows, and dimensions around every vector width.
func TestRowsMatchSingle(t *testing.T) {
	dims := []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 96, 100, 127, 128, 129, 384, 385, 768}
	const rows = 23
	type rowsKernel struct {
		name   string
		single func(implementation) func(a, b []float32) float32
		rows   func(implementation) func(q, base []float32, ids []uint32, out []float32)
	}
	kernels := []rowsKernel{
		{"Dot", func(im implementation) func(a, b []float32) float32 { return im.dot },
			func(im implementation) func(q, base []float32, ids []uint32, out []float32) { return im.dotRows }},
		{"L2Sq", func(im implementation) func(a, b []float32) float32 { return im.l2sq },
			func(im implementation) func(q, base []float32, ids []uint32, out []float32) { return im.l2sqRows }},
	}
	r := newRand(11)
	for _, dim := range dims {
		q := fenced(r, dim, dim%4, regimes[4].draw)
		base := fenced(r, rows*dim+dim/2, (dim+1)%4, regimes[4].draw) // a partial row at the end
		ids := []uint32{0, rows - 1, 5, 5, 12}
		for range 40 {
			ids = append(ids, uint32(r.IntN(rows)))
		}
		for _, im := range testedImplementations(t) {
			for _, k := range kernels {
				out := make([]float32, len(ids)+1)
				out[len(ids)] = 42
				k.rows(im)(q, base, ids, out)
				for i, id := range ids {
					want := k.single(im)(q, base[int(id)*dim:int(id+1)*dim])
					if math.Float32bits(out[i]) != math.Float32bits(want) {
						t.Fatalf("%s %sRows dim=%d: out[%d] (row %d) = %g, single kernel gives %g",
							im.name, k.name, dim, i, id, out[i], want)
					}
				}
				if out[len(ids)] != 42 {
					t.Fatalf("%s %sRows dim=%d wrote past len(ids)", im.name, k.name, dim)
				}
			}
		}
	}
}

func TestRowsEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		q    []float32
		base []float32
		ids  []uint32
		want []float32
	}{
		{"no ids", []float32{1}, []float32{1, 2}, nil, nil},
		{"zero dimensions", nil, nil, []uint32{7, 0, math.MaxUint32}, []float32{0, 0, 0}},
		{"one dimension", []float32{2}, []float32{1, 2, 3}, []uint32{2, 0}, []float32{6, 2}},
	}
	for _, tt := range tests {
		for _, im := range testedImplementations(t) {
			t.Run(tt.name+"/"+im.name, func(t *testing.T) {
				out := make([]float32, len(tt.ids))
				for i := range out {
					out[i] = -1
				}
				im.dotRows(tt.q, tt.base, tt.ids, out)
				for i := range out {
					if out[i] != tt.want[i] {
						t.Fatalf("DotRows out = %v, want %v", out, tt.want)
					}
				}
			})
		}
	}
}
