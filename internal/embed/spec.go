package embed

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Embedder kinds recorded in Spec.Kind.
const (
	KindHash        = "hash"
	KindOpenAI      = "openai"
	KindPrecomputed = "precomputed"
)

// ParamURL is the Spec.Params key holding an HTTP embedder's endpoint (scheme, host and path,
// never credentials or query strings). It records where the model was served, not what it
// is, so Compatible ignores it: the same model served elsewhere gives the same vectors.
const ParamURL = "url"

// isLocationParam reports whether a Params key says where a model runs rather than what it
// computes; Compatible ignores such keys.
func isLocationParam(k string) bool { return k == ParamURL || k == ParamPath }

// Spec identifies the vector space an embedder produces. A collection records the Spec of
// the embedder it was created with and refuses query vectors from an incompatible one.
//
// Dim 0 means "not known yet" (an HTTP embedder that has not answered); Compatible treats it
// as matching any dimension, and the dimension is checked again when vectors arrive.
type Spec struct {
	// Kind names a row of the kinds table: KindHash, KindLocal, KindOpenAI or
	// KindPrecomputed.
	Kind string `json:"kind"`
	// Model names the model (for the hash embedder, the feature algorithm version).
	Model string `json:"model,omitempty"`
	// Dim is the vector length, or 0 while unknown.
	Dim int `json:"dim"`
	// Params holds the settings that shape the vectors (for the hash embedder, all of them)
	// and, under ParamURL, where an HTTP model was served.
	Params map[string]string `json:"params,omitempty"`
}

// String renders the spec on one line, parameters in sorted key order, for messages and
// listings, for example `hash/v1 dim=384 ngram_max=5 ngram_min=3 ...`.
func (s Spec) String() string {
	var b strings.Builder
	b.WriteString(s.Kind)
	if s.Model != "" {
		b.WriteByte('/')
		b.WriteString(s.Model)
	}
	b.WriteString(" dim=")
	if s.Dim > 0 {
		b.WriteString(strconv.Itoa(s.Dim))
	} else {
		b.WriteString("?")
	}
	for _, k := range sortedKeys(s.Params) {
		b.WriteByte(' ')
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(s.Params[k])
	}
	return b.String()
}

// Compatible returns nil when vectors made under s and o can be compared, or an error
// wrapping ErrIncompatible that lists every difference (kind, model, dimension, parameters).
// s is taken to be the recorded spec and o the one being checked against it. Location
// parameters (ParamURL) are ignored, and a dimension of 0 on either side matches any.
func (s Spec) Compatible(o Spec) error {
	if s.Kind != o.Kind {
		// Different kinds differ in every other respect too; listing it all is noise.
		return fmt.Errorf("recorded %s, got %s: kind %q vs %q: %w", s, o, s.Kind, o.Kind, ErrIncompatible)
	}
	var diffs []string
	if s.Model != o.Model {
		diffs = append(diffs, fmt.Sprintf("model %q vs %q", s.Model, o.Model))
	}
	if s.Dim > 0 && o.Dim > 0 && s.Dim != o.Dim {
		diffs = append(diffs, fmt.Sprintf("dim %d vs %d", s.Dim, o.Dim))
	}
	keys := sortedKeys(s.Params)
	for _, k := range sortedKeys(o.Params) {
		if _, ok := s.Params[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if isLocationParam(k) {
			continue
		}
		sv, sok := s.Params[k]
		ov, ook := o.Params[k]
		switch {
		case !sok:
			diffs = append(diffs, fmt.Sprintf("param %s unset vs %q", k, ov))
		case !ook:
			diffs = append(diffs, fmt.Sprintf("param %s %q vs unset", k, sv))
		case sv != ov:
			diffs = append(diffs, fmt.Sprintf("param %s %q vs %q", k, sv, ov))
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("recorded %s, got %s: %s: %w", s, o, strings.Join(diffs, "; "), ErrIncompatible)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
