package embed

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

func newTestHash(t testing.TB, o HashOptions) *Hash {
	t.Helper()
	h, err := NewHash(o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func embedOne(t testing.TB, e Embedder, text string) []float32 {
	t.Helper()
	v, err := e.Embed(context.Background(), []string{text})
	if err != nil {
		t.Fatalf("embed %q: %v", text, err)
	}
	return v[0]
}

func TestHashOptionsValidate(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		o    HashOptions
		ok   bool
	}{
		{"defaults", HashOptions{}, true},
		{"words only", HashOptions{NgramMax: -1}, true},
		{"bigrams", HashOptions{BigramWeight: 1}, true},
		{"single n-gram length", HashOptions{NgramMin: 4, NgramMax: 4}, true},
		{"negative dim", HashOptions{Dim: -1}, false},
		{"huge dim", HashOptions{Dim: MaxHashDim + 1}, false},
		{"negative word weight", HashOptions{WordWeight: -1}, false},
		{"NaN word weight", HashOptions{WordWeight: nan}, false},
		{"infinite bigram weight", HashOptions{BigramWeight: math.Inf(1)}, false},
		{"min above max", HashOptions{NgramMin: 5, NgramMax: 3}, false},
		{"max too long", HashOptions{NgramMax: MaxNgram + 1}, false},
		{"max below -1", HashOptions{NgramMax: -2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewHash(tt.o)
			if tt.ok && err != nil {
				t.Fatalf("NewHash: %v", err)
			}
			if !tt.ok && !errors.Is(err, ErrBadOptions) {
				t.Fatalf("NewHash = %v, want ErrBadOptions", err)
			}
		})
	}
}

func TestHashDefaults(t *testing.T) {
	h := newTestHash(t, HashOptions{})
	o := h.Options()
	if o.Dim != 384 || o.NgramMin != 3 || o.NgramMax != 5 || o.WordWeight != 2 || o.BigramWeight != 0 {
		t.Fatalf("defaults = %+v", o)
	}
	if h.Dim() != 384 || h.Spec().Dim != 384 || h.Spec().Kind != KindHash || h.Spec().Model != HashModel {
		t.Fatalf("spec = %s", h.Spec())
	}
}

func TestHashUnitLength(t *testing.T) {
	for _, o := range []HashOptions{{}, {NgramMax: -1}, {BigramWeight: 1, Dim: 64}, {Dim: 1}} {
		h := newTestHash(t, o)
		for _, text := range []string{"a", "Hello, world!", "naïve café — ÉCOLE", "東京タワー", strings.Repeat("word ", 1000)} {
			v := embedOne(t, h, text)
			if len(v) != h.Dim() {
				t.Fatalf("%s: %d values, want %d", h.Spec(), len(v), h.Dim())
			}
			if n := math.Sqrt(float64(kernel.Dot(v, v))); math.Abs(n-1) > 1e-5 {
				t.Errorf("%s %q: norm %v", h.Spec(), text, n)
			}
		}
	}
}

func cosine(a, b []float32) float64 { return float64(kernel.Dot(a, b)) }

func TestHashSimilarity(t *testing.T) {
	h := newTestHash(t, HashOptions{})
	tests := []struct{ anchor, near, far string }{
		{"The cat sat on the mat", "A cat was sitting on the mat", "Stock markets fell sharply on Monday"},
		{"How do I reset my password?", "password reset instructions", "best pizza restaurants in Naples"},
		{"Effects of vitamin D on bone density", "vitamin D supplementation and bone mineral density", "quantum entanglement of photon pairs"},
		{"running", "runner", "table"},
		{"running", "runs", "purple"},
		{"colour", "color", "weather"},
		{"Straße", "STRASSE strasse", "Wald"},
	}
	for _, tt := range tests {
		a, n, f := embedOne(t, h, tt.anchor), embedOne(t, h, tt.near), embedOne(t, h, tt.far)
		near, far := cosine(a, n), cosine(a, f)
		if near <= far+0.1 {
			t.Errorf("%q: near %q scores %.3f, far %q scores %.3f; want near clearly higher", tt.anchor, tt.near, near, tt.far, far)
		}
	}
}

// "running" and "runner" must share character n-grams, so their similarity rests on
// n-grams alone when whole words are not shared.
func TestHashNgramsShared(t *testing.T) {
	h := newTestHash(t, HashOptions{})
	feats := func(word string) map[uint64]bool {
		s := newHashScratch(h.dim)
		h.extract(s, word)
		m := map[uint64]bool{}
		for _, slot := range s.table.order {
			m[s.table.keys[slot]] = true
		}
		return m
	}
	a, b := feats("running"), feats("runner")
	shared := 0
	for k := range a {
		if b[k] {
			shared++
		}
	}
	// <ru, run, <run, unn, runn, <runn
	if shared != 6 {
		t.Fatalf("running/runner share %d features, want 6", shared)
	}
	words := newTestHash(t, HashOptions{NgramMax: -1})
	if c := cosine(embedOne(t, words, "running"), embedOne(t, words, "runner")); math.Abs(c) > 0.2 {
		t.Errorf("words-only similarity of running/runner = %.3f, want about 0", c)
	}
}

func TestHashCaseAndPunctuation(t *testing.T) {
	h := newTestHash(t, HashOptions{})
	same := [][2]string{
		{"Hello World", "hello, world!"},
		{"ÉCOLE Über", "école über"},
		{"  tabs\tand\nnewlines ", "tabs and newlines"},
	}
	for _, p := range same {
		a, b := embedOne(t, h, p[0]), embedOne(t, h, p[1])
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%q and %q embed differently", p[0], p[1])
				break
			}
		}
	}
}

func TestHashEmptyText(t *testing.T) {
	h := newTestHash(t, HashOptions{})
	for _, text := range []string{"", "   ", "!!! ... ---", "\u00a0\u2014"} {
		_, err := h.Embed(context.Background(), []string{"fine", text})
		if !errors.Is(err, ErrEmptyText) || !strings.Contains(err.Error(), "text 1") {
			t.Errorf("Embed(%q) = %v, want ErrEmptyText naming text 1", text, err)
		}
	}
}

func TestHashEmbedToWrongLength(t *testing.T) {
	h := newTestHash(t, HashOptions{Dim: 8})
	if err := h.EmbedTo(make([]float32, 7), "x"); !errors.Is(err, ErrDimensionChanged) {
		t.Fatalf("EmbedTo with short dst = %v", err)
	}
}

func TestHashCanceled(t *testing.T) {
	h := newTestHash(t, HashOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Embed(ctx, []string{"a"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Embed on canceled ctx = %v", err)
	}
}

func TestHashSeedsDiffer(t *testing.T) {
	a := embedOne(t, newTestHash(t, HashOptions{Seed: 1}), "seeded text")
	b := embedOne(t, newTestHash(t, HashOptions{Seed: 2}), "seeded text")
	if c := cosine(a, b); c > 0.5 {
		t.Fatalf("different seeds give similar vectors (cos %.3f)", c)
	}
}

func vectorsChecksum(vs [][]float32) uint32 {
	var buf []byte
	for _, v := range vs {
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
	}
	return crc32.Checksum(buf, crc32.MakeTable(crc32.Castagnoli))
}

var goldenTexts = []string{
	"The quick brown fox jumps over the lazy dog.",
	"Microstructural development of human newborn cerebral white matter",
	"naïve café — ÉCOLE Straße 東京タワー",
	"a",
	"running runner runs ran",
}

// TestHashGolden pins the exact bytes of the default hash vectors. If it fails, the feature
// algorithm changed: vectors stored by earlier builds no longer match new ones, so HashModel
// must change with it before the golden value is updated.
func TestHashGolden(t *testing.T) {
	tests := []struct {
		o    HashOptions
		want uint32
	}{
		{HashOptions{}, 0xb58e34e6},
		{HashOptions{Dim: 64, BigramWeight: 0.5, Seed: 42}, 0x02682bbe},
	}
	for _, tt := range tests {
		h := newTestHash(t, tt.o)
		vs, err := h.Embed(context.Background(), goldenTexts)
		if err != nil {
			t.Fatal(err)
		}
		if got := vectorsChecksum(vs); got != tt.want {
			t.Errorf("%s: checksum %#08x, want %#08x", h.Spec(), got, tt.want)
		}
	}
}

func TestHashConcurrentMatchesSequential(t *testing.T) {
	h := newTestHash(t, HashOptions{Dim: 128})
	texts := make([]string, 64)
	for i := range texts {
		texts[i] = strings.Repeat(goldenTexts[i%len(goldenTexts)]+" ", 1+i%7)
	}
	want, err := h.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for w := range 4 {
		wg.Go(func() {
			got, err := h.Embed(context.Background(), texts)
			if err != nil {
				errs[w] = err
				return
			}
			if vectorsChecksum(got) != vectorsChecksum(want) {
				errs[w] = errors.New("concurrent embedding differs from sequential")
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func FuzzHashEmbed(f *testing.F) {
	for _, s := range goldenTexts {
		f.Add(s)
	}
	f.Add("")
	f.Add("\xff\xfe\x80 broken utf8 \xc3")
	f.Add("\u0301\u0301 leading marks")
	h, err := NewHash(HashOptions{Dim: 32, BigramWeight: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		dst := make([]float32, h.Dim())
		err := h.EmbedTo(dst, text)
		if err != nil {
			if !errors.Is(err, ErrEmptyText) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if n := math.Sqrt(float64(kernel.Dot(dst, dst))); math.Abs(n-1) > 1e-4 {
			t.Fatalf("norm %v", n)
		}
		again := make([]float32, h.Dim())
		if err := h.EmbedTo(again, text); err != nil {
			t.Fatal(err)
		}
		for i := range dst {
			if dst[i] != again[i] {
				t.Fatal("not deterministic")
			}
		}
	})
}

func TestPortableLog(t *testing.T) {
	for _, x := range []float64{1, 1.5, 2, 3, 10, 255, 256, 1000, 123456789, 1 << 40} {
		got, want := portableLog(x), math.Log(x)
		if math.Abs(got-want) > 1e-14*math.Max(1, want) {
			t.Errorf("portableLog(%v) = %v, want %v", x, got, want)
		}
	}
	if tfWeight(1) != 1 || tfWeight(300) != 1+portableLog(300) {
		t.Error("tfWeight does not follow 1 + ln(c)")
	}
}

func TestHashLongWordBounded(t *testing.T) {
	h := newTestHash(t, HashOptions{})
	var b strings.Builder
	x := uint64(1)
	for range 100000 {
		x = mix64(x)
		b.WriteByte(byte('a' + x%26))
	}
	s := newHashScratch(h.dim)
	if words := h.extract(s, b.String()); words != 1 {
		t.Fatalf("%d words, want 1", words)
	}
	// One whole-word feature plus at most 3 n-gram lengths at each of 66 positions.
	if n := len(s.table.order); n > 1+3*(maxNgramWord+2) {
		t.Fatalf("a 100000-letter word made %d features", n)
	}
	long := b.String()
	a, c := embedOne(t, h, long), embedOne(t, h, long[:99999])
	if cosine(a, c) > 0.99 {
		t.Fatal("words differing past the n-gram limit embed identically; the whole-word feature must tell them apart")
	}
}
