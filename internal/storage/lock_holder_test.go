package storage

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestHeldError(t *testing.T) {
	self := fmt.Sprintf("pid %d (vajra add) on h since t", os.Getpid())
	for _, tc := range []struct {
		name, holder, want string
	}{
		{"unknown", "", "locked by another process"},
		{"other process", "pid 1 (vajra add) on h since t\n", "locked by pid 1 (vajra add) on h since t"},
		{"this process", self, "locked by " + self + ", this very process"},
		{"control characters dropped", "pid 1 (\x1b]0;owned\x07vajra)\r\n", "locked by pid 1 (]0;ownedvajra)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := heldError(tc.holder)
			if !errors.Is(err, ErrLocked) || err.Error() != tc.want {
				t.Fatalf("got %q, want %q wrapping ErrLocked", err, tc.want)
			}
		})
	}
	if d := holderDescription(); !strings.HasPrefix(d, fmt.Sprintf("pid %d (", os.Getpid())) {
		t.Fatalf("description %q", d)
	}
}
