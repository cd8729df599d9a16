//go:build !amd64 || purego

package kernel

import "testing"

var allImplementationNames = []string{"generic"}

func TestOnlyGeneric(t *testing.T) {
	if got := Implementation(); got != "generic" {
		t.Fatalf("Implementation() = %q in a pure-Go build, want generic", got)
	}
}
