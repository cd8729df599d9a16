package embed

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/testutil"
)

var tinyModel = filepath.Join("bert", "testdata", "tiny")

// copyModel copies the tiny model folder, so a test can move or change it.
func copyModel(t *testing.T) string { return testutil.CopyDir(t, tinyModel) }

func TestLocalEmbed(t *testing.T) {
	e, err := New(KindLocal, Options{ModelDir: tinyModel, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	s := e.Spec()
	if s.Kind != KindLocal || s.Dim != 64 || s.Model != "vajra-test/random-bert-tiny" {
		t.Fatalf("spec %s", s)
	}
	for _, k := range append([]string{ParamPath}, localParams...) {
		if s.Params[k] == "" {
			t.Fatalf("spec %s lacks %s", s, k)
		}
	}
	if _, ok := e.(SingleThreaded); ok {
		t.Fatal("the local embedder spreads calls over its threads; it must not claim SingleThreaded")
	}
	var done int
	e2, err := New(KindLocal, Options{ModelDir: tinyModel, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"hello world", "", "Café au lait 中文"}
	a, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e2.Embed(WithProgress(context.Background(), func(n int) { done += n }), texts)
	if err != nil {
		t.Fatal(err)
	}
	if done != len(texts) {
		t.Fatalf("progress reported %d texts, want %d", done, len(texts))
	}
	for i := range a {
		if len(a[i]) != 64 || !slices.Equal(a[i], b[i]) {
			t.Fatalf("text %d: %d values, or different with other threads", i, len(a[i]))
		}
	}
}

// TestLocalFromSpec checks that a recorded local spec reopens the same model, also from a
// moved folder, and refuses a folder holding another model.
func TestLocalFromSpec(t *testing.T) {
	e, err := New(KindLocal, Options{ModelDir: tinyModel})
	if err != nil {
		t.Fatal(err)
	}
	recorded := e.Spec()
	want, _ := e.Embed(context.Background(), []string{"a query"})

	t.Run("recorded folder, loaded lazily", func(t *testing.T) {
		r, err := FromSpec(recorded, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Dim() != 64 || recorded.Compatible(r.Spec()) != nil {
			t.Fatalf("rebuilt spec %s", r.Spec())
		}
		got, err := r.Embed(context.Background(), []string{"a query"})
		if err != nil || !slices.Equal(got[0], want[0]) {
			t.Fatalf("rebuilt embedder: %v", err)
		}
	})
	t.Run("moved folder", func(t *testing.T) {
		moved := copyModel(t)
		r, err := FromSpec(recorded, Options{ModelDir: moved})
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Embed(context.Background(), []string{"a query"})
		if err != nil || !slices.Equal(got[0], want[0]) {
			t.Fatalf("moved folder: %v", err)
		}
	})
	t.Run("other weights", func(t *testing.T) {
		other := copyModel(t)
		p := filepath.Join(other, "model.safetensors")
		data, _ := os.ReadFile(p)
		data[len(data)-1] ^= 0x40 // the last byte of the last tensor
		os.WriteFile(p, data, 0o644)
		_, err := FromSpec(recorded, Options{ModelDir: other})
		if !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), ParamWeights) {
			t.Fatalf("FromSpec with other weights: %v, want ErrIncompatible naming %s", err, ParamWeights)
		}
	})
	t.Run("other pooling, lazily", func(t *testing.T) {
		other := copyModel(t)
		pool := filepath.Join(other, "1_Pooling", "config.json")
		data, _ := os.ReadFile(pool)
		data = []byte(strings.Replace(strings.Replace(string(data), `"pooling_mode_cls_token": false`, `"pooling_mode_cls_token": true`, 1),
			`"pooling_mode_mean_tokens": true`, `"pooling_mode_mean_tokens": false`, 1))
		os.WriteFile(pool, data, 0o644)
		s := recorded
		s.Params = map[string]string{}
		for k, v := range recorded.Params {
			s.Params[k] = v
		}
		s.Params[ParamPath] = other
		r, err := FromSpec(s, Options{})
		if err != nil {
			t.Fatalf("lazy FromSpec must not load: %v", err)
		}
		if _, err := r.Embed(context.Background(), []string{"x"}); !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), ParamPooling) {
			t.Fatalf("Embed with other pooling: %v", err)
		}
	})
	t.Run("missing folder", func(t *testing.T) {
		s := recorded
		s.Params = map[string]string{}
		for k, v := range recorded.Params {
			s.Params[k] = v
		}
		s.Params[ParamPath] = filepath.Join(t.TempDir(), "gone")
		r, err := FromSpec(s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Embed(context.Background(), []string{"x"}); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Embed with the model folder gone: %v", err)
		}
	})
}

func TestLocalRefusals(t *testing.T) {
	e, err := New(KindLocal, Options{ModelDir: tinyModel})
	if err != nil {
		t.Fatal(err)
	}
	with := func(f func(*Spec)) Spec {
		s := e.Spec()
		f(&s)
		return s
	}
	for _, c := range []struct {
		name string
		spec Spec
		want error
	}{
		{"unknown parameter", with(func(s *Spec) { s.Params["quantize"] = "int8" }), ErrBadSpec},
		{"missing weights hash", with(func(s *Spec) { delete(s.Params, ParamWeights) }), ErrBadSpec},
		{"no dim", with(func(s *Spec) { s.Dim = 0 }), ErrBadSpec},
		{"no folder", with(func(s *Spec) { delete(s.Params, ParamPath) }), ErrBadOptions},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r, err := FromSpec(c.spec, Options{}); !errors.Is(err, c.want) || r != nil {
				t.Fatalf("FromSpec = %v, %v; want %v", r, err, c.want)
			}
		})
	}
	if _, err := New(KindLocal, Options{}); !errors.Is(err, ErrBadOptions) {
		t.Fatalf("New without a folder: %v", err)
	}
	if _, err := New(KindLocal, Options{ModelDir: t.TempDir()}); !errors.Is(err, ErrBadOptions) || !strings.Contains(err.Error(), "config.json") {
		t.Fatalf("New with an empty folder: %v", err)
	}
}

func TestKindsTable(t *testing.T) {
	if got := KindNames(); !slices.Equal(got, []string{KindHash, KindLocal, KindOpenAI, KindPrecomputed}) {
		t.Fatalf("kinds %v", got)
	}
	for _, k := range Kinds() {
		if k.Summary == "" || k.New == nil || k.FromSpec == nil {
			t.Fatalf("kind %q is incomplete", k.Name)
		}
	}
	_, err := LookupKind("bert")
	if !errors.Is(err, ErrBadOptions) || !strings.Contains(err.Error(), "hash, local, openai, precomputed") {
		t.Fatalf("LookupKind of an unknown kind: %v", err)
	}
	if err := Check(KindOpenAI, Options{}); !errors.Is(err, ErrBadOptions) {
		t.Fatalf("openai without a URL: %v", err)
	}
	if err := Check(KindHash, Options{Dim: -1}); !errors.Is(err, ErrBadOptions) {
		t.Fatalf("negative dimension: %v", err)
	}
	h, err := New(KindHash, Options{Dim: 32})
	if err != nil || h.Dim() != 32 {
		t.Fatalf("New hash: %v", err)
	}
	if _, ok := h.(SingleThreaded); !ok {
		t.Fatal("the hash embedder computes on the caller's goroutine")
	}
	if e, err := New(KindHash, Options{Dim: MaxHashDim + 1}); err == nil || e != nil {
		t.Fatalf("New hash with a huge dimension: %v, %v (a failed New must return a nil interface)", e, err)
	}
}
