package bitset

import (
	"math/rand/v2"
	"testing"
)

func TestAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := &Set{}
	ref := map[uint32]bool{}
	for i := 0; i < 5000; i++ {
		x := uint32(r.IntN(3000))
		if r.IntN(3) == 0 {
			s.Remove(x)
			delete(ref, x)
		} else {
			s.Add(x)
			ref[x] = true
		}
	}
	if s.Len() != len(ref) {
		t.Fatalf("len %d want %d", s.Len(), len(ref))
	}
	prev := -1
	s.ForEach(func(x uint32) bool {
		if !ref[x] || int(x) <= prev {
			t.Fatalf("unexpected %d", x)
		}
		prev = int(x)
		return true
	})
	for x := range ref {
		if !s.Contains(x) {
			t.Fatalf("missing %d", x)
		}
	}
	var nilSet *Set
	if nilSet.Contains(1) || nilSet.Len() != 0 {
		t.Fatal("nil set not empty")
	}
}

func TestSetAlgebra(t *testing.T) {
	a, b := &Set{}, &Set{}
	for _, x := range []uint32{1, 5, 64, 200} {
		a.Add(x)
	}
	for _, x := range []uint32{5, 200, 300} {
		b.Add(x)
	}
	and := a.Clone()
	and.And(b)
	or := a.Clone()
	or.Or(b)
	diff := a.Clone()
	diff.AndNot(b)
	cases := []struct {
		name string
		s    *Set
		want []uint32
	}{
		{"and", and, []uint32{5, 200}},
		{"or", or, []uint32{1, 5, 64, 200, 300}},
		{"andnot", diff, []uint32{1, 64}},
	}
	for _, c := range cases {
		got := c.s.AppendTo(nil)
		if len(got) != len(c.want) {
			t.Fatalf("%s: got %v want %v", c.name, got, c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Fatalf("%s: got %v want %v", c.name, got, c.want)
			}
		}
	}
}
