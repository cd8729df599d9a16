//go:build !purego

package kernel

import (
	"testing"

	"golang.org/x/sys/cpu"
)

var allImplementationNames = []string{"avx2", "generic"}

// TestImplementationsMatchCPU checks that each assembly implementation is offered exactly
// when the CPU has the instructions it uses, fastest first.
func TestImplementationsMatchCPU(t *testing.T) {
	var want []string
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		want = append(want, "avx2")
	}
	want = append(want, "generic")
	got := implementations()
	if len(got) != len(want) {
		t.Fatalf("implementations() has %d entries, want %v", len(got), want)
	}
	for i := range want {
		if got[i].name != want[i] {
			t.Errorf("implementations()[%d] = %s, want %s", i, got[i].name, want[i])
		}
	}
}
