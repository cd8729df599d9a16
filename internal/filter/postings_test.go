package filter

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// TestPostingsAgainstMap drives a postings set through growth, shrinkage and far-away ids so
// that it switches between list and bitmap forms, checking it against a map each step.
func TestPostingsAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var p postings
	ref := map[uint32]bool{}
	sawDense, sawSparseAfterDense := false, false
	phases := []struct {
		steps, idRange int
		addPct         int
	}{
		{3000, 2000, 90},    // fill densely: becomes a bitmap
		{200, 1 << 30, 100}, // far ids: back to a list
		{3000, 4000, 95},
		{6000, 4000, 5}, // drain: back to a list
		{2000, 300, 60},
	}
	for _, ph := range phases {
		for range ph.steps {
			id := uint32(r.IntN(ph.idRange))
			if r.IntN(100) < ph.addPct {
				if got, want := p.add(id), !ref[id]; got != want {
					t.Fatalf("add(%d) = %v, want %v", id, got, want)
				}
				ref[id] = true
			} else {
				if got, want := p.remove(id), ref[id]; got != want {
					t.Fatalf("remove(%d) = %v, want %v", id, got, want)
				}
				delete(ref, id)
			}
			if p.dense() {
				sawDense = true
			} else if sawDense {
				sawSparseAfterDense = true
			}
		}
		want := make([]uint32, 0, len(ref))
		for id := range ref {
			want = append(want, id)
		}
		slices.Sort(want)
		if got := p.appendTo(nil); p.len() != len(want) || !slices.Equal(got, want) {
			t.Fatalf("content differs: len %d want %d", p.len(), len(want))
		}
		// addTo and clearFrom respect a smaller target
		s := bitset.New(1000)
		p.addTo(s)
		var inRange []uint32
		for _, id := range want {
			if id < uint32(len(s.Words())*64) {
				inRange = append(inRange, id)
			}
		}
		if got := s.AppendTo(nil); !slices.Equal(got, inRange) {
			t.Fatalf("addTo: %d ids, want %d", len(got), len(inRange))
		}
		p.clearFrom(s)
		if s.Len() != 0 {
			t.Fatalf("clearFrom left %d ids", s.Len())
		}
		c := p.clone()
		c.add(1<<31 + 5)
		if p.len() != len(want) {
			t.Fatal("clone shares storage")
		}
	}
	if !sawDense || !sawSparseAfterDense {
		t.Fatalf("forms not exercised: dense %v, sparse again %v", sawDense, sawSparseAfterDense)
	}
}
