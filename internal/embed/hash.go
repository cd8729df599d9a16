package embed

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
)

// HashModel is the Spec.Model of the hash embedder: the version of its feature algorithm.
// Any change to how features are extracted or hashed changes it, so collections built with
// older vectors are refused instead of silently searched with different ones.
const HashModel = "v1"

// Spec.Params keys of the hash embedder; together with Spec.Dim they recreate it exactly.
const (
	ParamNgramMin     = "ngram_min"
	ParamNgramMax     = "ngram_max"
	ParamWordWeight   = "word_weight"
	ParamBigramWeight = "bigram_weight"
	ParamSeed         = "seed"
)

// Hash embedder limits, checked by HashOptions.Validate.
const (
	MaxHashDim   = 1 << 16
	MaxNgram     = 16
	maxHashScale = 1e6
)

// HashOptions configures the hash embedder. The zero value gives the defaults.
type HashOptions struct {
	// Dim is the vector length (default 384, at most MaxHashDim). More dimensions mean
	// fewer hash collisions and slightly better similarity, at a proportional memory cost.
	Dim int
	// WordWeight is the weight of a whole-word feature relative to one character n-gram
	// (default 2). Whole words carry exact matches; n-grams carry shared stems and typos.
	WordWeight float64
	// NgramMin and NgramMax bound the length, in characters including the boundary
	// markers, of the character n-grams taken from each word (defaults 3 and 5). Set
	// NgramMax to -1 to use whole words only. Only a word's first 64 characters yield
	// n-grams, which keeps a megabyte-long token as cheap as a long word.
	NgramMin, NgramMax int
	// BigramWeight is the weight of a pair of adjacent words (default 0: none). Pairs add
	// some word-order sensitivity but dilute the vector of short texts.
	BigramWeight float64
	// Seed selects the hash functions. Vectors made with different seeds are unrelated.
	Seed uint64
}

// EnsureDefaults fills zero fields with their defaults.
func (o *HashOptions) EnsureDefaults() {
	if o.Dim == 0 {
		o.Dim = 384
	}
	if o.WordWeight == 0 {
		o.WordWeight = 2
	}
	if o.NgramMax == 0 {
		o.NgramMax = 5
	}
	if o.NgramMin == 0 && o.NgramMax > 0 {
		o.NgramMin = min(3, o.NgramMax)
	}
}

// Validate reports options that cannot produce vectors; the error wraps ErrBadOptions.
func (o *HashOptions) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("hash embedder: "+format+": %w", append(args, ErrBadOptions)...)
	}
	switch {
	case o.Dim < 1 || o.Dim > MaxHashDim:
		return bad("dim %d outside 1..%d", o.Dim, MaxHashDim)
	case !finiteIn(o.WordWeight, 0, maxHashScale):
		return bad("word weight %v outside 0..%g", o.WordWeight, maxHashScale)
	case !finiteIn(o.BigramWeight, 0, maxHashScale):
		return bad("bigram weight %v outside 0..%g", o.BigramWeight, maxHashScale)
	case o.NgramMax < -1 || o.NgramMax > MaxNgram:
		return bad("ngram max %d outside 1..%d (or -1 for none)", o.NgramMax, MaxNgram)
	case o.NgramMax > 0 && (o.NgramMin < 1 || o.NgramMin > o.NgramMax):
		return bad("ngram min %d outside 1..%d", o.NgramMin, o.NgramMax)
	case o.NgramMax <= 0 && o.WordWeight == 0:
		return bad("no features: word weight is 0 and n-grams are off")
	}
	return nil
}

func finiteIn(x, lo, hi float64) bool {
	return !math.IsNaN(x) && x >= lo && x <= hi
}

// Hash is the built-in embedder: signed feature hashing of words and character n-grams into
// a fixed number of dimensions, with sublinear term frequency and L2 normalisation. It needs
// no model and no network, is deterministic for a given spec, and gives vectors in which
// texts sharing words, stems or spelling variants are close ("running" and "runner" share
// "<ru", "run", "unn"...). It knows nothing of meaning: synonyms with no letters in common
// are unrelated. It is safe for concurrent use.
type Hash struct {
	opts     HashOptions
	dim      int
	wordW    float32
	bigramW  float32
	ngramMin int
	ngramMax int
	seed     uint64
	scratch  sync.Pool // *hashScratch
}

// NewHash returns a hash embedder with o's settings (defaults filled in).
func NewHash(o HashOptions) (*Hash, error) {
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	h := &Hash{
		opts:     o,
		dim:      o.Dim,
		wordW:    float32(o.WordWeight),
		bigramW:  float32(o.BigramWeight),
		ngramMin: o.NgramMin,
		ngramMax: o.NgramMax,
		seed:     mix64(o.Seed),
	}
	h.scratch.New = func() any { return newHashScratch(h.dim) }
	return h, nil
}

// Options returns the settings the embedder runs with, defaults filled in.
func (h *Hash) Options() HashOptions { return h.opts }

// SingleThreaded marks the hash embedder as computing on the caller's goroutine.
func (h *Hash) SingleThreaded() {}

// Dim returns the vector length.
func (h *Hash) Dim() int { return h.dim }

// Spec returns the hash embedder's identity; FromSpec turns it back into the same embedder.
func (h *Hash) Spec() Spec {
	o := h.opts
	return Spec{
		Kind:  KindHash,
		Model: HashModel,
		Dim:   o.Dim,
		Params: map[string]string{
			ParamNgramMin:     strconv.Itoa(o.NgramMin),
			ParamNgramMax:     strconv.Itoa(o.NgramMax),
			ParamWordWeight:   strconv.FormatFloat(o.WordWeight, 'g', -1, 64),
			ParamBigramWeight: strconv.FormatFloat(o.BigramWeight, 'g', -1, 64),
			ParamSeed:         strconv.FormatUint(o.Seed, 10),
		},
	}
}

// Embed returns one unit-length vector per text, all backed by one allocation. A text with
// no letters or digits fails the whole call with an error naming its index and wrapping
// ErrEmptyText. Cancellation is checked between texts.
func (h *Hash) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	flat := make([]float32, len(texts)*h.dim)
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("hash embed: %w", err)
		}
		v := flat[i*h.dim : (i+1)*h.dim : (i+1)*h.dim]
		if err := h.EmbedTo(v, t); err != nil {
			return nil, fmt.Errorf("hash embed text %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

// EmbedTo writes the unit-length vector of text into dst, which must hold exactly Dim
// values. It does not allocate once the embedder has warmed up, which makes it the cheap
// path for embedding one query. A text with no letters or digits returns ErrEmptyText.
func (h *Hash) EmbedTo(dst []float32, text string) error {
	if len(dst) != h.dim {
		return fmt.Errorf("hash embed: destination has %d values, embedder makes %d-d: %w", len(dst), h.dim, ErrDimensionChanged)
	}
	s := h.scratch.Get().(*hashScratch)
	defer h.putScratch(s)
	if h.extract(s, text) == 0 {
		return fmt.Errorf("no letters or digits: %w", ErrEmptyText)
	}
	sq := h.project(s)
	if sq == 0 {
		return fmt.Errorf("its features cancel out: %w", ErrEmptyText)
	}
	inv := 1 / math.Sqrt(sq)
	for i, x := range s.acc {
		dst[i] = float32(x * inv)
	}
	return nil
}

func (h *Hash) putScratch(s *hashScratch) {
	s.table.reset()
	if s.oversized() {
		return
	}
	h.scratch.Put(s)
}
