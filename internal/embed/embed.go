// Package embed owns the embedders that turn texts into vectors for vector and hybrid search:
// a built-in hash embedder (offline, deterministic, no model), a local transformer
// embedder that runs BERT sentence-transformers models (MiniLM, bge, e5, gte) from a model
// folder in pure Go, a client for any OpenAI-compatible embeddings endpoint (OpenAI,
// Ollama, llama.cpp server, vLLM, TEI), and a precomputed embedder for collections whose
// documents bring their own vectors.
//
// The shape follows database/sql/driver: one small interface every embedder implements
// (Embedder), optional capabilities discovered by type assertion (InPlaceEmbedder,
// SingleThreaded), and one table of kinds (Kinds, LookupKind, New, FromSpec) that the
// rest of Vajra goes through, so adding an embedder is one file and one row in the table.
//
// Every embedder describes itself with a Spec, which a collection records when it is created.
// A query embedded by an embedder whose Spec is not Compatible with the recorded one is
// refused, because vectors from different models (or different hash settings) live in
// unrelated spaces and comparing them returns confident nonsense. FromSpec recreates the
// embedder a collection was created with.
//
// The package does not store vectors, index them, or decide the distance metric; it only
// produces vectors and checks that they are well formed.
//
// Typical use:
//
//	h, _ := embed.New(embed.KindHash, embed.Options{})
//	vecs, err := h.Embed(ctx, []string{"a query"})
package embed

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// Embedder turns texts into vectors. Implementations are safe for concurrent use.
//
// Embed returns one vector per text, in order, each of Dim() values once the dimension is
// known. It fails as a whole (no partial results) and names the offending text index when
// one text is the cause. It honours ctx cancellation.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Dim is the length of the vectors Embed returns, or 0 while it is not known yet (an
	// HTTP embedder without a configured dimension learns it from its first response).
	Dim() int
	// Spec is the identity a collection records; it is a fresh copy the caller may keep.
	Spec() Spec
}

// InPlaceEmbedder is an optional capability, discovered by type assertion: an embedder that
// computes vectors locally (Hash) can write one text's vector into the caller's buffer
// without allocating, which is the cheap path for embedding a query. dst must hold exactly
// Dim() values.
type InPlaceEmbedder interface {
	Embedder
	EmbedTo(dst []float32, text string) error
}

// SingleThreaded is an optional capability: each Embed call computes on the calling
// goroutine alone (the hash embedder), so a caller with many texts gains by calling it
// from several goroutines at once. Embedders without it are called one batch at a time:
// an HTTP client batches and retries on its own, and the local transformer spreads every
// call over the cores it was given.
type SingleThreaded interface {
	Embedder
	SingleThreaded()
}

// Sentinel errors, testable with errors.Is. Returned errors wrap them with context.
var (
	// ErrDimensionChanged reports vectors whose length differs from the configured
	// dimension, from an earlier response, or from the one a collection records.
	ErrDimensionChanged = errors.New("embedding dimension changed")
	// ErrBadResponse reports an embeddings server response that cannot be used: malformed
	// JSON, a wrong number of embeddings, missing indexes, non-finite or empty vectors.
	ErrBadResponse = errors.New("bad embeddings response")
	// ErrUnavailable reports an embeddings server that could not be reached, timed out, or
	// answered 502/503/504, after all retries.
	ErrUnavailable = errors.New("embeddings server unavailable")
	// ErrIncompatible reports two specs whose vectors cannot be compared.
	ErrIncompatible = errors.New("incompatible embedders")
	// ErrEmptyText reports a text with nothing to embed (empty, or only spaces and
	// punctuation): its vector would be all zeros, which no cosine comparison accepts.
	ErrEmptyText = errors.New("text has nothing to embed")
	// ErrNoTextEmbedding is returned by a precomputed embedder asked to embed text.
	ErrNoTextEmbedding = errors.New("collection uses precomputed vectors: pass query vectors, not text")
	// ErrBadVector reports a vector holding NaN or infinite values.
	ErrBadVector = errors.New("vector has non-finite values")
	// ErrBadOptions reports embedder options that fail validation.
	ErrBadOptions = errors.New("invalid embedder options")
	// ErrBadSpec reports a recorded spec that cannot be turned back into an embedder.
	ErrBadSpec = errors.New("invalid embedder spec")
)

// CheckVector reports whether v can be stored beside vectors of dimension dim: it must have
// exactly dim values (any non-zero length when dim is 0) and every value must be finite.
// The error wraps ErrDimensionChanged or ErrBadVector.
func CheckVector(v []float32, dim int) error {
	if len(v) == 0 {
		return fmt.Errorf("empty vector: %w", ErrDimensionChanged)
	}
	if dim > 0 && len(v) != dim {
		return fmt.Errorf("vector has %d values, collection uses %d-d: %w", len(v), dim, ErrDimensionChanged)
	}
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("value %d is %v: %w", i, x, ErrBadVector)
		}
	}
	return nil
}
