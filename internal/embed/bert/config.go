package bert

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// ErrUnsupported reports a model folder this package cannot run: another architecture, a
// missing file or tensor, a setting it does not implement. The message names it.
var ErrUnsupported = errors.New("unsupported model")

// Config is the architecture of a BERT encoder, from config.json.
type Config struct {
	// Name is _name_or_path, when the folder records one.
	Name                  string   `json:"_name_or_path"`
	ModelType             string   `json:"model_type"`
	Architectures         []string `json:"architectures"`
	HiddenSize            int      `json:"hidden_size"`
	NumHiddenLayers       int      `json:"num_hidden_layers"`
	NumAttentionHeads     int      `json:"num_attention_heads"`
	IntermediateSize      int      `json:"intermediate_size"`
	MaxPositionEmbeddings int      `json:"max_position_embeddings"`
	TypeVocabSize         int      `json:"type_vocab_size"`
	VocabSize             int      `json:"vocab_size"`
	LayerNormEps          float64  `json:"layer_norm_eps"`
	HiddenAct             string   `json:"hidden_act"`
	PositionEmbeddingType string   `json:"position_embedding_type"`
}

// Limits far above any released BERT, so that a corrupt config fails here rather than
// by exhausting memory.
const (
	maxHidden       = 1 << 14
	maxLayers       = 1 << 8
	maxIntermediate = 1 << 16
	maxPositions    = 1 << 16
	maxVocab        = 1 << 24
)

// ParseConfig reads a config.json and checks that it describes a BERT encoder this
// package runs.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	if c.ModelType == "" && len(c.Architectures) > 0 && strings.HasPrefix(c.Architectures[0], "Bert") {
		c.ModelType = "bert"
	}
	if c.ModelType != "bert" {
		return Config{}, fmt.Errorf("model_type %q: only BERT encoders are supported: %w", c.ModelType, ErrUnsupported)
	}
	if c.HiddenAct != "gelu" {
		return Config{}, fmt.Errorf("hidden_act %q: only gelu (erf) is supported: %w", c.HiddenAct, ErrUnsupported)
	}
	if c.PositionEmbeddingType != "" && c.PositionEmbeddingType != "absolute" {
		return Config{}, fmt.Errorf("position_embedding_type %q: only absolute is supported: %w", c.PositionEmbeddingType, ErrUnsupported)
	}
	if c.TypeVocabSize == 0 {
		c.TypeVocabSize = 2
	}
	if c.LayerNormEps == 0 {
		c.LayerNormEps = 1e-12
	}
	for _, f := range []struct {
		name     string
		v, lo, h int
	}{
		{"hidden_size", c.HiddenSize, 1, maxHidden},
		{"num_hidden_layers", c.NumHiddenLayers, 1, maxLayers},
		{"num_attention_heads", c.NumAttentionHeads, 1, maxHidden},
		{"intermediate_size", c.IntermediateSize, 1, maxIntermediate},
		{"max_position_embeddings", c.MaxPositionEmbeddings, 3, maxPositions},
		{"type_vocab_size", c.TypeVocabSize, 1, maxVocab},
		{"vocab_size", c.VocabSize, 1, maxVocab},
	} {
		if f.v < f.lo || f.v > f.h {
			return Config{}, fmt.Errorf("%s %d outside [%d, %d]: %w", f.name, f.v, f.lo, f.h, ErrUnsupported)
		}
	}
	if c.HiddenSize%c.NumAttentionHeads != 0 {
		return Config{}, fmt.Errorf("hidden_size %d is not a multiple of num_attention_heads %d: %w", c.HiddenSize, c.NumAttentionHeads, ErrUnsupported)
	}
	if !(c.LayerNormEps > 0) || math.IsInf(c.LayerNormEps, 0) {
		return Config{}, fmt.Errorf("layer_norm_eps %v: %w", c.LayerNormEps, ErrUnsupported)
	}
	return c, nil
}
