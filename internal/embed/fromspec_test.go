package embed

import (
	"context"
	"errors"
	"maps"
	"testing"
)

func TestFromSpecHashRoundTrip(t *testing.T) {
	for _, o := range []HashOptions{{}, {Dim: 64, WordWeight: 0.75, NgramMin: 2, NgramMax: 4, BigramWeight: 1.5, Seed: 1 << 63}, {NgramMax: -1}} {
		h := newTestHash(t, o)
		e, err := FromSpec(h.Spec(), Options{})
		if err != nil {
			t.Fatalf("FromSpec(%s): %v", h.Spec(), err)
		}
		if err := h.Spec().Compatible(e.Spec()); err != nil {
			t.Fatal(err)
		}
		a, b := embedOne(t, h, goldenTexts[2]), embedOne(t, e, goldenTexts[2])
		if vectorsChecksum([][]float32{a}) != vectorsChecksum([][]float32{b}) {
			t.Fatalf("%s: rebuilt embedder gives different vectors", h.Spec())
		}
	}
}

func TestFromSpecRejects(t *testing.T) {
	h := newTestHash(t, HashOptions{})
	hashWith := func(f func(*Spec)) Spec {
		s := h.Spec()
		f(&s)
		return s
	}
	openai := Spec{Kind: KindOpenAI, Model: "nomic", Dim: 768, Params: map[string]string{ParamURL: "http://h/v1/embeddings"}}
	tests := []struct {
		name string
		spec Spec
		conn Options
		want error
	}{
		{"unknown kind", Spec{Kind: "bert"}, Options{}, ErrBadSpec},
		{"hash version", hashWith(func(s *Spec) { s.Model = "v0" }), Options{}, ErrBadSpec},
		{"hash unknown param", hashWith(func(s *Spec) { s.Params["stem"] = "1" }), Options{}, ErrBadSpec},
		{"hash missing param", hashWith(func(s *Spec) { delete(s.Params, ParamSeed) }), Options{}, ErrBadSpec},
		{"hash bad number", hashWith(func(s *Spec) { s.Params[ParamNgramMax] = "five" }), Options{}, ErrBadSpec},
		{"hash non-canonical", hashWith(func(s *Spec) { s.Params[ParamNgramMax] = "05" }), Options{}, ErrBadSpec},
		{"hash zero weight", hashWith(func(s *Spec) { s.Params[ParamWordWeight] = "0" }), Options{}, ErrBadSpec},
		{"hash no dim", hashWith(func(s *Spec) { s.Dim = 0 }), Options{}, ErrBadSpec},
		{"hash bad ngrams", hashWith(func(s *Spec) { s.Params[ParamNgramMin] = "9" }), Options{}, ErrBadSpec},
		{"openai other model", openai, Options{Model: "ada"}, ErrIncompatible},
		{"openai other dim", openai, Options{Dim: 384}, ErrIncompatible},
		{"openai unknown param", Spec{Kind: KindOpenAI, Model: "m", Params: map[string]string{"x": "1"}}, Options{}, ErrBadSpec},
		{"openai no url", Spec{Kind: KindOpenAI, Model: "m"}, Options{}, ErrBadOptions},
		{"precomputed params", Spec{Kind: KindPrecomputed, Dim: 3, Params: map[string]string{"a": "b"}}, Options{}, ErrBadSpec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := FromSpec(tt.spec, tt.conn)
			if !errors.Is(err, tt.want) || e != nil {
				t.Fatalf("FromSpec = %v, %v; want %v", e, err, tt.want)
			}
		})
	}
}

func TestFromSpecOpenAI(t *testing.T) {
	srv := newEmbedServer(t, 3, nil)
	recorded := Spec{Kind: KindOpenAI, Model: "m", Dim: 3, Params: map[string]string{ParamURL: srv.URL + "/v1/embeddings"}}
	e, err := FromSpec(recorded, Options{OpenAI: OpenAIOptions{APIKey: "k"}})
	if err != nil {
		t.Fatal(err)
	}
	if e.Dim() != 3 || recorded.Compatible(e.Spec()) != nil {
		t.Fatalf("rebuilt spec %s", e.Spec())
	}
	if _, err := e.Embed(context.Background(), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	// The server moved: the URL given at open time wins, and the spec stays compatible.
	moved := recorded
	moved.Params = maps.Clone(recorded.Params)
	moved.Params[ParamURL] = "http://old-host:1/v1/embeddings"
	e, err = FromSpec(moved, Options{OpenAI: OpenAIOptions{URL: srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Embed(context.Background(), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if err := moved.Compatible(e.Spec()); err != nil {
		t.Fatal(err)
	}
}

func TestFromSpecPrecomputed(t *testing.T) {
	e, err := FromSpec(Spec{Kind: KindPrecomputed, Model: "clip", Dim: 512}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Dim() != 512 || e.Spec().Model != "clip" {
		t.Fatalf("spec %s", e.Spec())
	}
}

func FuzzHashSpec(f *testing.F) {
	f.Add(384, "3", "5", "2", "0", "0")
	f.Add(16, "1", "16", "0.5", "1e3", "18446744073709551615")
	f.Add(0, "-1", "-1", "NaN", "+Inf", "-1")
	f.Fuzz(func(t *testing.T, dim int, nmin, nmax, ww, bw, seed string) {
		s := Spec{Kind: KindHash, Model: HashModel, Dim: dim, Params: map[string]string{
			ParamNgramMin: nmin, ParamNgramMax: nmax, ParamWordWeight: ww, ParamBigramWeight: bw, ParamSeed: seed,
		}}
		e, err := FromSpec(s, Options{})
		if err != nil {
			if !errors.Is(err, ErrBadSpec) {
				t.Fatalf("error %v does not wrap ErrBadSpec", err)
			}
			return
		}
		if err := s.Compatible(e.Spec()); err != nil || e.Spec().Dim != dim {
			t.Fatalf("accepted spec %s rebuilt as %s", s, e.Spec())
		}
		if _, err := e.Embed(context.Background(), []string{"fuzz text"}); err != nil {
			t.Fatal(err)
		}
	})
}
