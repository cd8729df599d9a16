//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

//go:noescape
func mulAddTileAVX2(a *float64, lda int, b *float64, k int, c *float64, ldc int)

// tileImplementations lists the matrix tiles this CPU can run, fastest first.
func tileImplementations() []namedTile {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		return []namedTile{{"avx2", mulAddTileAVX2}, {"generic", mulAddTileGeneric}}
	}
	return []namedTile{{"generic", mulAddTileGeneric}}
}
