package bert

import (
	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

const panelWidth = kernel.PanelWidth

// packed holds the right-hand matrix B (k rows, n columns) of a product A·B as panels of
// panelWidth columns, each stored row after row, the layout kernel.MulPanel reads. The
// last panel is padded with zero columns.
type packed struct {
	k, n, panels int
	data         []float32
}

func panelsFor(n int) int { return (n + panelWidth - 1) / panelWidth }

func (p *packed) reset(k, n int) {
	p.k, p.n, p.panels = k, n, panelsFor(n)
	size := p.panels * k * panelWidth
	if cap(p.data) < size {
		p.data = make([]float32, size)
	}
	p.data = p.data[:size]
}

func (p *packed) panel(i int) []float32 {
	return p.data[i*p.k*panelWidth : (i+1)*p.k*panelWidth]
}

// packTransposed packs B = Sᵀ for S with n rows of k values, row i at src[i*ld:]: the
// layout of a linear layer's weight (out × in) and of the keys of an attention head.
func (p *packed) packTransposed(src []float32, ld, n, k int) {
	p.reset(k, n)
	for i := range p.panels {
		dst := p.panel(i)
		for j := range panelWidth {
			col := i*panelWidth + j
			if col >= n {
				for kk := range k {
					dst[kk*panelWidth+j] = 0
				}
				continue
			}
			row := src[col*ld : col*ld+k]
			for kk, v := range row {
				dst[kk*panelWidth+j] = v
			}
		}
	}
}

// packRows packs B itself, k rows of n values, row r at src[r*ld:]: the layout of the
// values of an attention head.
func (p *packed) packRows(src []float32, ld, k, n int) {
	p.reset(k, n)
	for i := range p.panels {
		dst := p.panel(i)
		lo := i * panelWidth
		w := min(panelWidth, n-lo)
		for r := range k {
			d := dst[r*panelWidth : (r+1)*panelWidth]
			copy(d, src[r*ld+lo:r*ld+lo+w])
			clear(d[w:])
		}
	}
}

// rowBlock bounds, in bytes, the rows of A one pass over the panels reads, so that they
// stay in the core's L2 cache while every panel streams past them.
const rowBlockBytes = 192 << 10

// mulRange computes c[r*ldc + j] = init[j] + Σₚ a[r*lda+p]·B[p][j] for rows r < m and the
// columns of panels [lo, hi). init holds at least b.panels*panelWidth values (zero for no
// bias). tile is scratch of panelRows*panelWidth values for a last, partial panel, whose
// padding columns must not be written to c.
func mulRange(c []float32, ldc int, a []float32, lda, m int, b *packed, init []float32, lo, hi int, tile []float32) {
	const rows = kernel.PanelRows
	block := max(rows, rowBlockBytes/(4*max(b.k, 1))/rows*rows)
	for r0 := 0; r0 < m; r0 += block {
		r1 := min(m, r0+block)
		for i := lo; i < hi; i++ {
			panel := b.panel(i)
			bias := init[i*panelWidth : (i+1)*panelWidth]
			col := i * panelWidth
			width := min(panelWidth, b.n-col)
			for r := r0; r < r1; r += rows {
				n := min(rows, r1-r)
				arow := a[r*lda:]
				if width == panelWidth {
					kernel.MulPanel(c[r*ldc+col:], ldc, arow, lda, n, panel, b.k, bias)
					continue
				}
				kernel.MulPanel(tile, panelWidth, arow, lda, n, panel, b.k, bias)
				for j := range n {
					copy(c[(r+j)*ldc+col:(r+j)*ldc+col+width], tile[j*panelWidth:j*panelWidth+width])
				}
			}
		}
	}
}
