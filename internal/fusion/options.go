package fusion

import (
	"errors"
	"fmt"
	"math"
)

// Method names a way of combining the two rankings.
type Method string

const (
	// RRF is reciprocal rank fusion: only positions matter, raw scores are ignored. It needs
	// no calibration between BM25 and vector scores, which is why it is the default.
	RRF Method = "rrf"
	// Linear min-max normalises each side's scores over its candidate list and takes the
	// weighted sum.
	Linear Method = "linear"
	// Relative scores each side's entries by their gap to that side's best score, in units
	// of max(|best|, best − worst) (so s/best for non-negative scores), then takes the
	// weighted sum. Unlike Linear, a side's worst entry keeps credit when all its scores are
	// close to the best.
	Relative Method = "relative"
)

// Defaults applied by EnsureDefaults.
const (
	DefaultMethod = RRF
	DefaultAlpha  = 0.5
	DefaultRRFK   = 60
)

// ErrOptions reports fusion options that are out of range.
var ErrOptions = errors.New("invalid fusion options")

// Options chooses how Fuse combines a lexical and a vector ranking.
type Options struct {
	// Method is the fusion method; empty means DefaultMethod.
	Method Method
	// Alpha is the weight of the LEXICAL side, in [0,1]; the vector side gets 1−Alpha. It is
	// a pointer because 0 (vector only) is a meaningful weight distinct from "unset": nil
	// means DefaultAlpha. Write new(0.3) to set it. Many engines weight the vector side
	// instead (Weaviate alpha, Meilisearch semanticRatio); Vajra weights BM25, as its CLI's
	// --alpha does.
	Alpha *float64
	// RRFK is the rank constant k of reciprocal rank fusion (contribution w/(k+rank)); 0
	// means DefaultRRFK. Larger values flatten the difference between top and lower ranks.
	RRFK float64
}

// EnsureDefaults fills unset fields with their defaults.
func (o *Options) EnsureDefaults() {
	if o.Method == "" {
		o.Method = DefaultMethod
	}
	if o.Alpha == nil {
		o.Alpha = new(DefaultAlpha)
	}
	if o.RRFK == 0 {
		o.RRFK = DefaultRRFK
	}
}

// Validate reports whether the options, after defaults, are usable. Errors wrap ErrOptions.
func (o Options) Validate() error {
	switch o.Method {
	case "", RRF, Linear, Relative:
	default:
		return fmt.Errorf("fusion: method %q (want %q, %q or %q): %w", o.Method, RRF, Linear, Relative, ErrOptions)
	}
	if o.Alpha != nil {
		if a := *o.Alpha; !(a >= 0 && a <= 1) {
			return fmt.Errorf("fusion: alpha %v outside [0,1]: %w", a, ErrOptions)
		}
	}
	if k := o.RRFK; k < 0 || math.IsNaN(k) || math.IsInf(k, 0) {
		return fmt.Errorf("fusion: rrf k %v must be a finite number >= 0: %w", k, ErrOptions)
	}
	return nil
}

// resolved returns the effective method, lexical weight and RRF constant without allocating.
// Values Validate would reject are mapped to something harmless (unknown method → RRF, alpha
// clamped into [0,1] with NaN → default, bad k → default) so that Fuse never fails or panics.
func (o Options) resolved() (Method, float64, float64) {
	m := o.Method
	switch m {
	case RRF, Linear, Relative:
	default:
		m = DefaultMethod
	}
	alpha := float64(DefaultAlpha)
	if o.Alpha != nil && !math.IsNaN(*o.Alpha) {
		alpha = min(max(*o.Alpha, 0), 1)
	}
	k := o.RRFK
	if !(k > 0) || math.IsInf(k, 0) {
		k = DefaultRRFK
	}
	return m, alpha, k
}
