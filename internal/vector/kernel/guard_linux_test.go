package kernel

import (
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// guarded maps one readable page between two inaccessible ones, so a kernel that reads
// even one byte before or after the page faults instead of passing silently.
func guarded(t *testing.T) []float32 {
	t.Helper()
	page := os.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	if err := syscall.Mprotect(mem[2*page:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&mem[page])), page/4)
}

// TestNoReadsOutsideSlices places vectors of every length that fits in a page flush
// against an inaccessible page, after and before them, and runs every kernel on them.
func TestNoReadsOutsideSlices(t *testing.T) {
	pa, pb := guarded(t), guarded(t)
	for i := range pa {
		pa[i], pb[i] = 1, 2
	}
	words := len(pa)
	for _, im := range testedImplementations(t) {
		for n := 0; n <= words; n++ {
			for _, at := range []string{"end", "start"} {
				a, b := pa[words-n:], pb[words-n:]
				if at == "start" {
					a, b = pa[:n], pb[:n]
				}
				if got := im.dot(a, b); got != float32(2*n) {
					t.Fatalf("%s Dot n=%d at page %s = %g, want %d", im.name, n, at, got, 2*n)
				}
				if got := im.l2sq(a, b); got != float32(n) {
					t.Fatalf("%s L2Sq n=%d at page %s = %g, want %d", im.name, n, at, got, n)
				}
			}
		}
		// Rows: the last row of the arena ends on the guard page.
		for _, dim := range []int{1, 5, 8, 13, 16, 64, 100} {
			rows := words / dim
			base := pa[words-rows*dim:]
			q := pb[:dim]
			out := make([]float32, 2)
			ids := []uint32{uint32(rows - 1), 0}
			im.dotRows(q, base, ids, out)
			if out[0] != float32(2*dim) || out[1] != float32(2*dim) {
				t.Fatalf("%s DotRows dim=%d = %v, want %d", im.name, dim, out, 2*dim)
			}
			im.l2sqRows(q, base, ids, out)
			if out[0] != float32(dim) || out[1] != float32(dim) {
				t.Fatalf("%s L2SqRows dim=%d = %v, want %d", im.name, dim, out, dim)
			}
		}
	}
}
