package bert

import (
	"fmt"
	"slices"

	"github.com/vajrasearch/vajra/internal/embed/safetensors"
)

// tensorSource reads named tensors, trying the prefixes checkpoints use for the encoder
// ("" for BertModel and sentence-transformers, "bert." for the task heads' checkpoints)
// and the old gamma/beta names of LayerNorm parameters.
type tensorSource struct {
	f      *safetensors.File
	prefix string
}

func (s *tensorSource) read(name string, shape ...int) ([]float32, error) {
	candidates := []string{s.prefix + name}
	if alt, ok := legacyName(name); ok {
		candidates = append(candidates, s.prefix+alt)
	}
	for _, full := range candidates {
		if _, ok := s.f.Tensor(full); !ok {
			continue
		}
		vals, t, err := s.f.Float32(full)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(t.Shape, shape) {
			return nil, fmt.Errorf("tensor %q has shape %v, the config implies %v: %w", full, t.Shape, shape, ErrUnsupported)
		}
		return vals, nil
	}
	return nil, fmt.Errorf("tensor %q is missing: %w", s.prefix+name, ErrUnsupported)
}

func legacyName(name string) (string, bool) {
	const w, b = "LayerNorm.weight", "LayerNorm.bias"
	switch {
	case len(name) >= len(w) && name[len(name)-len(w):] == w:
		return name[:len(name)-len(w)] + "LayerNorm.gamma", true
	case len(name) >= len(b) && name[len(name)-len(b):] == b:
		return name[:len(name)-len(b)] + "LayerNorm.beta", true
	}
	return "", false
}

func (m *Model) loadWeights(f *safetensors.File) error {
	s := &tensorSource{f: f}
	if _, ok := f.Tensor("embeddings.word_embeddings.weight"); !ok {
		if _, ok := f.Tensor("bert.embeddings.word_embeddings.weight"); ok {
			s.prefix = "bert."
		}
	}
	c := m.cfg
	h := c.HiddenSize
	var err error
	read := func(dst *[]float32, name string, shape ...int) {
		if err == nil {
			*dst, err = s.read(name, shape...)
		}
	}
	var typ []float32
	read(&m.word, "embeddings.word_embeddings.weight", c.VocabSize, h)
	read(&m.pos, "embeddings.position_embeddings.weight", c.MaxPositionEmbeddings, h)
	read(&typ, "embeddings.token_type_embeddings.weight", c.TypeVocabSize, h)
	read(&m.embG, "embeddings.LayerNorm.weight", h)
	read(&m.embB, "embeddings.LayerNorm.bias", h)
	if err != nil {
		return err
	}
	m.typ0 = slices.Clone(typ[:h])
	m.layers = make([]layer, c.NumHiddenLayers)
	for i := range m.layers {
		l := &m.layers[i]
		p := fmt.Sprintf("encoder.layer.%d.", i)
		var q, k, v, qb, kb, vb, wo, bo, wi, bi, w2, b2 []float32
		read(&q, p+"attention.self.query.weight", h, h)
		read(&qb, p+"attention.self.query.bias", h)
		read(&k, p+"attention.self.key.weight", h, h)
		read(&kb, p+"attention.self.key.bias", h)
		read(&v, p+"attention.self.value.weight", h, h)
		read(&vb, p+"attention.self.value.bias", h)
		read(&wo, p+"attention.output.dense.weight", h, h)
		read(&bo, p+"attention.output.dense.bias", h)
		read(&l.attnG, p+"attention.output.LayerNorm.weight", h)
		read(&l.attnB, p+"attention.output.LayerNorm.bias", h)
		read(&wi, p+"intermediate.dense.weight", c.IntermediateSize, h)
		read(&bi, p+"intermediate.dense.bias", c.IntermediateSize)
		read(&w2, p+"output.dense.weight", h, c.IntermediateSize)
		read(&b2, p+"output.dense.bias", h)
		read(&l.outG, p+"output.LayerNorm.weight", h)
		read(&l.outB, p+"output.LayerNorm.bias", h)
		if err != nil {
			return err
		}
		l.qkv = newLinear(slices.Concat(q, k, v), slices.Concat(qb, kb, vb), 3*h, h)
		l.attnOut = newLinear(wo, bo, h, h)
		l.inter = newLinear(wi, bi, c.IntermediateSize, h)
		l.out = newLinear(w2, b2, h, c.IntermediateSize)
	}
	// The pooler, when present, serves classification heads; sentence embeddings ignore it.
	m.memBytes = m.weightBytes()
	return nil
}

// newLinear packs a weight of out × in values and pads its bias to whole panels.
func newLinear(w, b []float32, out, in int) linear {
	var l linear
	l.w.packTransposed(w, in, out, in)
	l.bias = make([]float32, l.w.panels*panelWidth)
	copy(l.bias, b)
	return l
}

// weightBytes is the memory the loaded weights take.
func (m *Model) weightBytes() int64 {
	n := len(m.word) + len(m.pos) + len(m.typ0) + len(m.embG) + len(m.embB)
	for _, l := range m.layers {
		for _, lin := range []linear{l.qkv, l.attnOut, l.inter, l.out} {
			n += len(lin.w.data) + len(lin.bias)
		}
		n += len(l.attnG) + len(l.attnB) + len(l.outG) + len(l.outB)
	}
	return 4 * int64(n)
}
