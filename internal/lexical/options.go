package lexical

import (
	"errors"
	"fmt"
	"math"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// Defaults for Options. They live here, and only here, so that evaluation can retune them in
// one place.
const (
	// DefaultK1 is BM25's term-frequency saturation parameter (Pyserini's choice).
	DefaultK1 = 0.9
	// DefaultB is BM25's length-normalisation strength (Pyserini's choice).
	DefaultB = 0.4
	// DefaultMergeFactor is how many segments of one size class are merged together.
	DefaultMergeFactor = 8
)

// Limits enforced by Options.Validate.
const (
	// MaxFields is the largest number of fields a document may have.
	MaxFields = 16
	// MaxFieldWeight is the largest per-field weight.
	MaxFieldWeight = 1000
)

// DefaultFieldWeights returns the default per-field weights: title counted twice, content
// once.
func DefaultFieldWeights() []int { return []int{2, 1} }

// Sentinel errors, testable with errors.Is.
var (
	// ErrOptions reports invalid Options.
	ErrOptions = errors.New("lexical: invalid options")
	// ErrDocOrder reports document IDs that are not strictly increasing across Add calls.
	ErrDocOrder = errors.New("lexical: document IDs must be strictly increasing")
	// ErrInvalidDoc reports a document the index cannot hold (too many fields, too long).
	ErrInvalidDoc = errors.New("lexical: invalid document")
	// ErrTooLarge reports a segment that would outgrow the 32-bit offsets of its layout.
	ErrTooLarge = errors.New("lexical: segment too large")
	// ErrIncompatible reports segments that cannot be restored together or with the options.
	ErrIncompatible = errors.New("lexical: incompatible segments")
)

// Options configures an Index. The zero value, after EnsureDefaults, is the recommended
// configuration.
type Options struct {
	// K1 is BM25's term-frequency saturation; 0 means DefaultK1.
	K1 float64
	// B is BM25's length normalisation in (0, 1]; 0 means DefaultB. (B = 0, no length
	// normalisation, cannot be expressed; a tiny B such as 1e-9 is equivalent in practice.)
	B float64
	// FieldWeights gives each field's integer weight in the BM25F-style combination:
	// tf = Σ w_f·tf_f and dl = Σ w_f·len_f. Its length is the number of fields a document may
	// have. Empty means DefaultFieldWeights.
	FieldWeights []int
	// MergeFactor is the number of adjacent segments of one size class that Add merges into
	// one; 0 means DefaultMergeFactor.
	MergeFactor int
	// Threads is how many goroutines Add uses to invert a large batch (0 or 1: the caller's
	// alone). Segments are the same whatever it is.
	Threads int
}

// EnsureDefaults fills zero fields with the defaults.
func (o *Options) EnsureDefaults() {
	if o.K1 == 0 {
		o.K1 = DefaultK1
	}
	if o.B == 0 {
		o.B = DefaultB
	}
	if len(o.FieldWeights) == 0 {
		o.FieldWeights = DefaultFieldWeights()
	}
	if o.MergeFactor == 0 {
		o.MergeFactor = DefaultMergeFactor
	}
}

// Validate reports whether the options are usable. It expects EnsureDefaults to have run.
func (o Options) Validate() error {
	if math.IsNaN(o.K1) || o.K1 <= 0 || o.K1 > 1000 {
		return fmt.Errorf("%w: K1 = %v, want 0 < K1 <= 1000", ErrOptions, o.K1)
	}
	if math.IsNaN(o.B) || o.B <= 0 || o.B > 1 {
		return fmt.Errorf("%w: B = %v, want 0 < B <= 1", ErrOptions, o.B)
	}
	if len(o.FieldWeights) == 0 || len(o.FieldWeights) > MaxFields {
		return fmt.Errorf("%w: %d field weights, want 1..%d", ErrOptions, len(o.FieldWeights), MaxFields)
	}
	for i, w := range o.FieldWeights {
		if w < 1 || w > MaxFieldWeight {
			return fmt.Errorf("%w: FieldWeights[%d] = %d, want 1..%d", ErrOptions, i, w, MaxFieldWeight)
		}
	}
	if o.MergeFactor < 2 {
		return fmt.Errorf("%w: MergeFactor = %d, want >= 2", ErrOptions, o.MergeFactor)
	}
	return nil
}

// fieldWeights32 returns the weights in the form segments store them.
func (o Options) fieldWeights32() []uint32 {
	fw := make([]uint32, len(o.FieldWeights))
	for i, w := range o.FieldWeights {
		fw[i] = uint32(w)
	}
	return fw
}

// SearchOptions restricts which documents a search may return. Filters never change scores:
// N, avgdl and df are those of the whole snapshot.
type SearchOptions struct {
	// Allow, when non-nil, admits only the document IDs it contains.
	Allow *bitset.Set
	// Deny excludes the document IDs it contains.
	Deny *bitset.Set
}

// Hit is one search result.
type Hit struct {
	ID    uint32
	Score float32
}
