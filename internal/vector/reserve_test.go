package vector

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"
)

// TestAddAfterRead grows indexes read back from their encoding. Reading aliases the encoded
// bytes; the first write copies the arrays, and their capacities then differ per array.
func TestAddAfterRead(t *testing.T) {
	const dim = 16
	r := rand.New(rand.NewPCG(5, 6))
	vec := func(n int) []float32 {
		v := make([]float32, n*dim)
		for i := range v {
			v[i] = r.Float32() - 0.5
		}
		return v
	}
	for _, n := range []int{1, 11, 14, 18, 22, 42, 50, 54, 76, 100} {
		x, err := NewIndex(Options{Dim: dim, Profile: ProfileInstant, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		labels := make([]uint32, n)
		for i := range labels {
			labels[i] = uint32(i)
		}
		if err := x.Add(context.Background(), labels, vec(n)); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		y, err := ReadIndex(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		y.Delete([]uint32{0})
		if err := y.Add(context.Background(), []uint32{uint32(n)}, vec(1)); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if err := y.Add(context.Background(), []uint32{uint32(n + 1), uint32(n + 2)}, vec(2)); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if got := y.Len(); got != n+2 {
			t.Fatalf("n=%d: len %d", n, got)
		}
	}
}
