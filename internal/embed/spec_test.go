package embed

import (
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestSpecString(t *testing.T) {
	tests := []struct {
		spec Spec
		want string
	}{
		{Spec{Kind: KindHash, Model: "v1", Dim: 384, Params: map[string]string{"b": "2", "a": "1"}}, "hash/v1 dim=384 a=1 b=2"},
		{Spec{Kind: KindOpenAI, Model: "m"}, "openai/m dim=?"},
		{Spec{Kind: KindPrecomputed, Dim: 3}, "precomputed dim=3"},
	}
	for _, tt := range tests {
		if got := tt.spec.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestSpecCompatible(t *testing.T) {
	base := Spec{Kind: KindOpenAI, Model: "nomic", Dim: 768, Params: map[string]string{ParamURL: "http://a/v1/embeddings", "x": "1"}}
	with := func(f func(*Spec)) Spec {
		s := base
		s.Params = maps.Clone(base.Params)
		f(&s)
		return s
	}
	tests := []struct {
		name  string
		other Spec
		diffs []string // substrings of the error; nil means compatible
	}{
		{"same", base, nil},
		{"url moved", with(func(s *Spec) { s.Params[ParamURL] = "http://b:8080/v1/embeddings" }), nil},
		{"url dropped", with(func(s *Spec) { delete(s.Params, ParamURL) }), nil},
		{"dim unknown", with(func(s *Spec) { s.Dim = 0 }), nil},
		{"kind", with(func(s *Spec) { s.Kind = KindHash }), []string{`kind "openai" vs "hash"`}},
		{"model", with(func(s *Spec) { s.Model = "other" }), []string{`model "nomic" vs "other"`}},
		{"dim", with(func(s *Spec) { s.Dim = 384 }), []string{"dim 768 vs 384"}},
		{"param value", with(func(s *Spec) { s.Params["x"] = "2" }), []string{`param x "1" vs "2"`}},
		{"param missing", with(func(s *Spec) { delete(s.Params, "x") }), []string{`param x "1" vs unset`}},
		{"param extra", with(func(s *Spec) { s.Params["y"] = "3" }), []string{`param y unset vs "3"`}},
		{"several", with(func(s *Spec) { s.Model = "o"; s.Dim = 5 }), []string{"model", "dim 768 vs 5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := base.Compatible(tt.other)
			if tt.diffs == nil {
				if err != nil {
					t.Fatalf("Compatible: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrIncompatible) {
				t.Fatalf("Compatible = %v, want ErrIncompatible", err)
			}
			for _, d := range tt.diffs {
				if !strings.Contains(err.Error(), d) {
					t.Errorf("error %q does not mention %q", err, d)
				}
			}
		})
	}
}

func TestSpecJSONRoundTrip(t *testing.T) {
	h, err := NewHash(HashOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(h.Spec())
	b, _ := json.Marshal(h.Spec())
	if string(a) != string(b) {
		t.Fatalf("spec JSON not deterministic:\n%s\n%s", a, b)
	}
	var back Spec
	if err := json.Unmarshal(a, &back); err != nil {
		t.Fatal(err)
	}
	if err := h.Spec().Compatible(back); err != nil || back.String() != h.Spec().String() {
		t.Fatalf("round trip changed the spec: %s vs %s (%v)", back, h.Spec(), err)
	}
}

func TestSpecIsACopy(t *testing.T) {
	h, _ := NewHash(HashOptions{})
	s := h.Spec()
	s.Params[ParamSeed] = "99"
	if h.Spec().Params[ParamSeed] != "0" {
		t.Fatal("mutating a returned Spec changed the embedder's")
	}
}

func TestCheckVector(t *testing.T) {
	nan := float32(0)
	nan /= nan
	tests := []struct {
		v    []float32
		dim  int
		want error
	}{
		{[]float32{1, 2}, 2, nil},
		{[]float32{1, 2}, 0, nil},
		{[]float32{1, 2}, 3, ErrDimensionChanged},
		{nil, 0, ErrDimensionChanged},
		{[]float32{1, nan}, 2, ErrBadVector},
	}
	for i, tt := range tests {
		if err := CheckVector(tt.v, tt.dim); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("case %d: CheckVector = %v, want %v", i, err, tt.want)
		}
	}
}
