package bert

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseConfig: any config.json is accepted within the limits or refused with
// ErrUnsupported, never a panic.
func FuzzParseConfig(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join(tinyDir, "config.json")); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"architectures":["BertForMaskedLM"],"hidden_act":"gelu","hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":4,"max_position_embeddings":8,"vocab_size":5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error %v does not wrap ErrUnsupported", err)
			}
			return
		}
		if c.HiddenSize%c.NumAttentionHeads != 0 || c.HiddenSize > maxHidden || c.NumHiddenLayers < 1 || !(c.LayerNormEps > 0) {
			t.Fatalf("accepted an impossible config %+v", c)
		}
	})
}

// FuzzLoadPipeline: any modules.json, pooling config and sentence_bert_config.json is read
// or refused with ErrUnsupported (or a file error), never a panic.
func FuzzLoadPipeline(f *testing.F) {
	read := func(p string) []byte {
		data, _ := os.ReadFile(filepath.Join(tinyDir, p))
		return data
	}
	f.Add(read("modules.json"), read("1_Pooling/config.json"), read("sentence_bert_config.json"))
	f.Add([]byte(`[{"type":"sentence_transformers.models.Transformer","path":"0_Transformer"}]`), []byte(`{}`), []byte(`{"max_seq_length": 9}`))
	f.Fuzz(func(t *testing.T, modules, pooling, sbert []byte) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "1_Pooling"), 0o755)
		os.WriteFile(filepath.Join(dir, "modules.json"), modules, 0o644)
		os.WriteFile(filepath.Join(dir, "1_Pooling", "config.json"), pooling, 0o644)
		os.WriteFile(filepath.Join(dir, "sentence_bert_config.json"), sbert, 0o644)
		p, err := LoadPipeline(dir)
		if err != nil {
			return
		}
		if p.Pooling != PoolMean && p.Pooling != PoolCLS || p.MaxSeqLength < 0 || p.TransformerDir == "" {
			t.Fatalf("accepted an impossible pipeline %+v", p)
		}
	})
}
