package embed

import (
	"context"
	"errors"
	"testing"
)

func TestPrecomputed(t *testing.T) {
	p := NewPrecomputed(3, "clip-vit-b32")
	if _, err := p.Embed(context.Background(), []string{"a query"}); !errors.Is(err, ErrNoTextEmbedding) {
		t.Fatalf("Embed = %v, want ErrNoTextEmbedding", err)
	}
	if s := p.Spec(); s.Kind != KindPrecomputed || s.Model != "clip-vit-b32" || s.Dim != 3 || p.Dim() != 3 {
		t.Fatalf("spec %s", s)
	}
	if err := p.Check([]float32{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := p.Check([]float32{1, 2}); !errors.Is(err, ErrDimensionChanged) {
		t.Fatalf("Check(2 values) = %v", err)
	}
	if NewPrecomputed(-5, "x").Dim() != 0 {
		t.Fatal("negative dim not treated as unknown")
	}
	var _ Embedder = p
}

// The embedders' interfaces are part of their contract.
var (
	_ Embedder        = (*OpenAI)(nil)
	_ InPlaceEmbedder = (*Hash)(nil)
)
