package embed

import (
	"fmt"
	"strconv"
)

func hashFromSpec(s Spec) (*Hash, error) {
	if s.Model != HashModel {
		return nil, fmt.Errorf("hash embedder version %q, this build makes %q: %w", s.Model, HashModel, ErrBadSpec)
	}
	for _, k := range sortedKeys(s.Params) {
		switch k {
		case ParamNgramMin, ParamNgramMax, ParamWordWeight, ParamBigramWeight, ParamSeed:
		default:
			return nil, fmt.Errorf("hash spec: unknown parameter %q: %w", k, ErrBadSpec)
		}
	}
	for _, k := range []string{ParamNgramMin, ParamNgramMax, ParamWordWeight, ParamBigramWeight, ParamSeed} {
		if _, ok := s.Params[k]; !ok {
			return nil, fmt.Errorf("hash spec: parameter %q missing: %w", k, ErrBadSpec)
		}
	}
	o := HashOptions{Dim: s.Dim}
	var err error
	parseInt := func(key string, dst *int) {
		if err == nil {
			var v int64
			v, err = strconv.ParseInt(s.Params[key], 10, 32)
			*dst = int(v)
			if err != nil {
				err = fmt.Errorf("hash spec: parameter %s=%q: %w", key, s.Params[key], ErrBadSpec)
			}
		}
	}
	parseFloat := func(key string, dst *float64) {
		if err == nil {
			*dst, err = strconv.ParseFloat(s.Params[key], 64)
			if err != nil {
				err = fmt.Errorf("hash spec: parameter %s=%q: %w", key, s.Params[key], ErrBadSpec)
			}
		}
	}
	parseInt(ParamNgramMin, &o.NgramMin)
	parseInt(ParamNgramMax, &o.NgramMax)
	parseFloat(ParamWordWeight, &o.WordWeight)
	parseFloat(ParamBigramWeight, &o.BigramWeight)
	if err == nil {
		o.Seed, err = strconv.ParseUint(s.Params[ParamSeed], 10, 64)
		if err != nil {
			err = fmt.Errorf("hash spec: parameter %s=%q: %w", ParamSeed, s.Params[ParamSeed], ErrBadSpec)
		}
	}
	if err != nil {
		return nil, err
	}
	// Zero fields would take defaults, which may change between versions: a recorded
	// spec must spell out every setting.
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("hash spec %s: %w: %w", s, ErrBadSpec, err)
	}
	h, err := NewHash(o)
	if err != nil {
		return nil, fmt.Errorf("hash spec %s: %w: %w", s, ErrBadSpec, err)
	}
	if err := s.Compatible(h.Spec()); err != nil || h.Spec().Dim != s.Dim {
		return nil, fmt.Errorf("hash spec %s is not in canonical form (rebuilt as %s): %w", s, h.Spec(), ErrBadSpec)
	}
	return h, nil
}

func openAIFromSpec(s Spec, conn OpenAIOptions) (*OpenAI, error) {
	for _, k := range sortedKeys(s.Params) {
		if k != ParamURL {
			return nil, fmt.Errorf("openai spec: unknown parameter %q: %w", k, ErrBadSpec)
		}
	}
	if s.Dim < 0 {
		return nil, fmt.Errorf("openai spec has dim %d: %w", s.Dim, ErrBadSpec)
	}
	if conn.Model != "" && conn.Model != s.Model {
		return nil, fmt.Errorf("collection was embedded with model %q, options name %q: %w", s.Model, conn.Model, ErrIncompatible)
	}
	if conn.Dim != 0 && s.Dim != 0 && conn.Dim != s.Dim {
		return nil, fmt.Errorf("collection uses %d-d vectors, options ask for %d-d: %w", s.Dim, conn.Dim, ErrIncompatible)
	}
	conn.Model = s.Model
	if s.Dim != 0 {
		conn.Dim = s.Dim
	}
	if conn.URL == "" {
		conn.URL = s.Params[ParamURL]
	}
	if conn.URL == "" {
		return nil, fmt.Errorf("openai spec records no URL and none was given: %w", ErrBadOptions)
	}
	return NewOpenAI(conn)
}
