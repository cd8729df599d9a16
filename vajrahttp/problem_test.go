package vajrahttp

import (
	"errors"
	"fmt"
	"testing"

	"github.com/vajrasearch/vajra"
)

func TestFromVajraKeepsToTheAPICodes(t *testing.T) {
	for _, err := range []error{vajra.ErrClosed, fmt.Errorf("open: %w", vajra.ErrCorrupt), errors.New("disk on fire")} {
		if e := fromVajra(err); e.Code != vajra.CodeInternal || e.Status != 500 {
			t.Errorf("%v → %s %d", err, e.Code, e.Status)
		}
	}
	if e := fromVajra(fmt.Errorf("x: %w", vajra.ErrNoVectors)); e.Code != vajra.CodeModeUnavailable || e.Status != 400 {
		t.Errorf("no vectors → %s %d", e.Code, e.Status)
	}
}
