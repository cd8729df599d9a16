package embed

import (
	"context"
	"fmt"
)

// Precomputed stands for vectors that documents bring in their own "vector" field. It never
// embeds text; it exists so that a collection records what its vectors are (Spec) and checks
// every incoming vector against that (Check).
type Precomputed struct {
	dim   int
	model string
}

// NewPrecomputed returns the embedder of a collection whose vectors are dim long and were
// made by model (any name the caller finds useful; it is part of the Spec). A dim of 0 or
// less means not known yet.
func NewPrecomputed(dim int, model string) *Precomputed {
	return &Precomputed{dim: max(dim, 0), model: model}
}

// Embed always fails with ErrNoTextEmbedding: queries against such a collection must
// carry vectors.
func (p *Precomputed) Embed(context.Context, []string) ([][]float32, error) {
	return nil, fmt.Errorf("precomputed embedder %q: %w", p.model, ErrNoTextEmbedding)
}

// Dim returns the vector length, or 0 when not known.
func (p *Precomputed) Dim() int { return p.dim }

// Spec returns kind "precomputed" with the model name and dimension.
func (p *Precomputed) Spec() Spec {
	return Spec{Kind: KindPrecomputed, Model: p.model, Dim: p.dim}
}

// Check reports whether v can be stored in or used to query the collection; see
// CheckVector.
func (p *Precomputed) Check(v []float32) error { return CheckVector(v, p.dim) }
