package kernel

import (
	"fmt"
	"math"
	"unsafe"
)

// Packed is a k×n float64 matrix laid out for MulAdd: its columns cut into panels of
// panelCols (the last one padded with zeros), each panel stored row after row, so the
// inner loop reads it front to back. Pack it once and multiply many blocks by it.
type Packed struct {
	k, n   int
	panels []float64 // panel j at [j*k*panelCols, (j+1)*k*panelCols)
}

// The product is computed in tiles of tileRows rows of a by panelCols columns of b, the
// accumulators filling twelve of the sixteen vector registers of AVX2.
const (
	tileRows  = 4
	panelCols = 12
	// depthBlock bounds how many rows of a panel one tile pass reads (8·12·512 bytes =
	// 48 KiB), so a panel is reused from the L1 cache across every tile of a block even
	// when k is large. Splitting k does not change the result: each element is still the
	// same chain of fused multiply-adds, continued where the last pass stopped.
	depthBlock = 512
	// rowBlockBytes bounds the rows of a multiplied against one panel after another, so
	// they are read from the L2 cache rather than from memory once per panel.
	rowBlockBytes = 256 << 10
)

// Pack returns the k×n matrix b (row p at b[p*ldb:], n elements used) in packed form.
func Pack(b []float64, ldb, k, n int) *Packed {
	if k < 0 || n < 0 || (k > 0 && n > 0 && (ldb < n || len(b) < (k-1)*ldb+n)) {
		panic(fmt.Sprintf("kernel: Pack of %d×%d from %d elements with stride %d", k, n, len(b), ldb))
	}
	panels := (n + panelCols - 1) / panelCols
	p := &Packed{k: k, n: n, panels: make([]float64, panels*k*panelCols)}
	for j := range panels {
		dst := p.panels[j*k*panelCols:]
		cols := min(panelCols, n-j*panelCols)
		for r := range k {
			copy(dst[r*panelCols:r*panelCols+cols], b[r*ldb+j*panelCols:r*ldb+j*panelCols+cols])
		}
	}
	return p
}

// Rows returns k, the number of rows of the packed matrix.
func (p *Packed) Rows() int { return p.k }

// Cols returns n, the number of columns of the packed matrix.
func (p *Packed) Cols() int { return p.n }

// MulAdd adds a·p to c, where a is m×k (row i at a[i*lda:]) and c is m×n (row i at
// c[i*ldc:]): c[i][j] += Σ a[i][q]·p[q][j].
//
// Every c[i][j] is computed as the chain c = fma(a[i][q], p[q][j], c) for q = 0, 1, ...,
// k-1, each step rounded once, on every implementation. The result therefore has the same
// bits whatever the implementation, the CPU or how a caller splits the rows of a between
// goroutines, which is what lets generated data sets be reproduced exactly. Only m×n
// elements of c (and m×k of a) are touched.
func (p *Packed) MulAdd(c []float64, ldc int, a []float64, lda, m int) {
	k, n := p.k, p.n
	if m < 0 || (m > 0 && k > 0 && (lda < k || len(a) < (m-1)*lda+k)) {
		panic(fmt.Sprintf("kernel: MulAdd with a of %d elements, stride %d for %d×%d", len(a), lda, m, k))
	}
	if m > 0 && n > 0 && (ldc < n || len(c) < (m-1)*ldc+n) {
		panic(fmt.Sprintf("kernel: MulAdd with c of %d elements, stride %d for %d×%d", len(c), ldc, m, n))
	}
	p.mulAdd(activeTile, c, ldc, a, lda, m)
}

// mulAdd is MulAdd on a given tile implementation, after the arguments were checked.
func (p *Packed) mulAdd(tile tileFunc, c []float64, ldc int, a []float64, lda, m int) {
	k, n := p.k, p.n
	if m == 0 || n == 0 || k == 0 {
		return
	}
	var edge *edgeTile // allocated only when the shape has edges
	for q0 := 0; q0 < k; q0 += depthBlock {
		kk := min(depthBlock, k-q0)
		rowBlock := max(tileRows, rowBlockBytes/(8*kk)/tileRows*tileRows)
		for i0 := 0; i0 < m; i0 += rowBlock {
			i1 := min(m, i0+rowBlock)
			for j := 0; j*panelCols < n; j++ {
				panel := p.panels[(j*k+q0)*panelCols:]
				cols := min(panelCols, n-j*panelCols)
				for i := i0; i < i1; i += tileRows {
					rows := min(tileRows, i1-i)
					ci := c[i*ldc+j*panelCols:]
					ai := a[i*lda+q0:]
					if rows == tileRows && cols == panelCols {
						tile(&ai[0], lda, &panel[0], kk, &ci[0], ldc)
						continue
					}
					if edge == nil {
						edge = new(edgeTile)
					}
					edge.run(tile, ai, lda, rows, panel, kk, ci, ldc, cols)
				}
			}
		}
	}
}

// edgeTile holds a full tile for the rows and columns left at the edges of a product:
// they are copied in, multiplied as a whole tile (the padding rows and columns are
// zeros that nothing reads back) and the valid part copied out.
type edgeTile struct {
	a []float64
	c [tileRows * panelCols]float64
}

func (e *edgeTile) run(tile tileFunc, a []float64, lda, rows int, panel []float64, kk int, c []float64, ldc, cols int) {
	if cap(e.a) < tileRows*kk {
		e.a = make([]float64, tileRows*kk)
	}
	e.a = e.a[:tileRows*kk]
	clear(e.a)
	e.c = [tileRows * panelCols]float64{}
	for r := range rows {
		copy(e.a[r*kk:(r+1)*kk], a[r*lda:r*lda+kk])
		copy(e.c[r*panelCols:r*panelCols+cols], c[r*ldc:r*ldc+cols])
	}
	tile(&e.a[0], kk, &panel[0], kk, &e.c[0], panelCols)
	for r := range rows {
		copy(c[r*ldc:r*ldc+cols], e.c[r*panelCols:r*panelCols+cols])
	}
}

// tileFunc adds to the tileRows×panelCols tile at c (row stride ldc) the product of the
// tileRows×k block at a (row stride lda) and the k×panelCols panel at b.
type tileFunc func(a *float64, lda int, b *float64, k int, c *float64, ldc int)

// mulAddTileGeneric is the portable tile: the same chains of fused multiply-adds as the
// assembly one, so both give the same bits.
func mulAddTileGeneric(a *float64, lda int, b *float64, k int, c *float64, ldc int) {
	as := unsafeSlice(a, (tileRows-1)*lda+k)
	bs := unsafeSlice(b, k*panelCols)
	cs := unsafeSlice(c, (tileRows-1)*ldc+panelCols)
	for r := range tileRows {
		row := as[r*lda : r*lda+k]
		out := cs[r*ldc : r*ldc+panelCols : r*ldc+panelCols]
		var acc [panelCols]float64
		copy(acc[:], out)
		for q, x := range row {
			bq := bs[q*panelCols : (q+1)*panelCols : (q+1)*panelCols]
			for j := range acc {
				acc[j] = math.FMA(x, bq[j], acc[j])
			}
		}
		copy(out, acc[:])
	}
}

func unsafeSlice(p *float64, n int) []float64 { return unsafe.Slice(p, n) }

// namedTile is one implementation of the product tile.
type namedTile struct {
	name string
	fn   tileFunc
}

// activeTile is the tile chosen at start-up; it is never reassigned.
var activeTile = tileImplementations()[0].fn
