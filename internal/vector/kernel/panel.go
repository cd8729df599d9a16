package kernel

import "fmt"

// PanelWidth is the number of columns of a packed panel, and PanelRows the most rows
// MulPanel computes in one call: a 6×16 tile of results fills twelve of the sixteen AVX2
// registers, leaving room for the operands, the classic shape of a register-blocked
// matrix product.
const (
	PanelWidth = 16
	PanelRows  = 6
)

// MulPanel computes one tile of a matrix product C = A·B + init for a packed panel of B:
//
//	c[r*ldc+j] = init[j] + Σ_{p<k} a[r*lda+p] · panel[p*PanelWidth+j]
//
// for rows r < rows (1 ≤ rows ≤ PanelRows) and columns j < PanelWidth. The panel holds
// PanelWidth columns of B row after row (B's column j of row p at p*PanelWidth+j), so a
// caller packs B once and reuses every panel across all rows of A; init is typically a
// bias. Each result is accumulated in order of p, starting from init[j], so it does not
// depend on which other rows share the call. Lengths are checked as an index expression
// would; a broken contract panics.
func MulPanel(c []float32, ldc int, a []float32, lda int, rows int, panel []float32, k int, init []float32) {
	checkPanel(len(c), ldc, len(a), lda, rows, len(panel), k, len(init))
	mulPanel(c, ldc, a, lda, rows, panel, k, init)
}

func checkPanel(nc, ldc, na, lda, rows, npanel, k, ninit int) {
	switch {
	case rows < 1 || rows > PanelRows:
		panic(fmt.Sprintf("kernel: MulPanel of %d rows, want 1 to %d", rows, PanelRows))
	case k < 0 || lda < 0 || ldc < PanelWidth && rows > 1:
		panic(fmt.Sprintf("kernel: MulPanel with k %d, lda %d, ldc %d", k, lda, ldc))
	case ninit < PanelWidth:
		panic(fmt.Sprintf("kernel: MulPanel init holds %d values, want %d", ninit, PanelWidth))
	case npanel < k*PanelWidth:
		panic(fmt.Sprintf("kernel: MulPanel panel holds %d values for depth %d", npanel, k))
	case na < (rows-1)*lda+k:
		panic(fmt.Sprintf("kernel: MulPanel a holds %d values for %d rows of stride %d and depth %d", na, rows, lda, k))
	case nc < (rows-1)*ldc+PanelWidth:
		panic(fmt.Sprintf("kernel: MulPanel c holds %d values for %d rows of stride %d", nc, rows, ldc))
	}
}

// mulPanelGeneric is the portable MulPanel, one row at a time.
func mulPanelGeneric(c []float32, ldc int, a []float32, lda int, rows int, panel []float32, k int, init []float32) {
	for r := 0; r < rows; r++ {
		var acc [PanelWidth]float32
		copy(acc[:], init[:PanelWidth])
		row := a[r*lda : r*lda+k]
		for p, x := range row {
			b := panel[p*PanelWidth : p*PanelWidth+PanelWidth : p*PanelWidth+PanelWidth]
			for j := range acc {
				acc[j] += x * b[j]
			}
		}
		copy(c[r*ldc:r*ldc+PanelWidth], acc[:])
	}
}
