package bert

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/testutil"
)

var tinyDir = filepath.Join("testdata", "tiny")

// copyTiny copies the tiny model folder so a test can change it.
func copyTiny(t *testing.T) string { return testutil.CopyDir(t, tinyDir) }

func edit(t *testing.T, path, from, to string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), from, to, 1)
	if s == string(data) {
		t.Fatalf("%s: %q not found", path, from)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBatchAndThreadIndependence checks that a text's embedding has the same bits alone
// or in any batch, with any number of threads.
func TestBatchAndThreadIndependence(t *testing.T) {
	ref := readReference(t, tinyDir)
	var texts []string
	for _, c := range ref.Cases[:40] {
		texts = append(texts, c.Text)
	}
	var want [][]float32
	for _, threads := range []int{1, 2, 5} {
		m, err := Load(tinyDir, Options{Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Embed(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = got
			for i, text := range texts {
				alone, err := m.Embed(context.Background(), []string{text})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(alone[0], want[i]) {
					t.Fatalf("text %d embedded alone differs from its batch", i)
				}
			}
			continue
		}
		for i := range got {
			if !slices.Equal(got[i], want[i]) {
				t.Fatalf("%d threads: text %d differs from 1 thread", threads, i)
			}
		}
	}
}

func TestEmbedCancelled(t *testing.T) {
	m, err := Load(tinyDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Embed(ctx, []string{"a", "b"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Embed with a cancelled context: %v", err)
	}
	if out, err := m.Embed(context.Background(), nil); err != nil || len(out) != 0 {
		t.Fatalf("Embed of no texts: %v, %v", out, err)
	}
}

func TestModelIdentity(t *testing.T) {
	m, err := Load(tinyDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != "vajra-test/random-bert-tiny" || m.Dim() != 64 || m.MaxTokens() != 256 {
		t.Fatalf("name %q dim %d max %d", m.Name(), m.Dim(), m.MaxTokens())
	}
	if len(m.WeightsSHA256()) != 64 || len(m.TokenizerSHA256()) != 64 {
		t.Fatalf("hashes %q %q", m.WeightsSHA256(), m.TokenizerSHA256())
	}
	if m.MemoryBytes() <= 0 {
		t.Fatalf("memory %d", m.MemoryBytes())
	}
	// The same folder with another vocabulary setting has another tokenizer identity.
	dir := copyTiny(t)
	edit(t, filepath.Join(dir, "tokenizer.json"), `"lowercase": true`, `"lowercase": false`)
	m2, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m2.TokenizerSHA256() == m.TokenizerSHA256() || m2.WeightsSHA256() != m.WeightsSHA256() {
		t.Fatal("tokenizer identity did not change with its settings, or weights identity changed")
	}
}

// TestTruncation checks that a text longer than the model's limit is embedded as its first
// MaxTokens tokens ([CLS] and [SEP] included), as sentence-transformers truncates.
func TestTruncation(t *testing.T) {
	m, err := Load(tinyDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	words := m.MaxTokens() - 2 // "word" is one token
	got, err := m.Embed(context.Background(), []string{strings.Repeat("word ", 3*words), strings.Repeat("word ", words),
		strings.Repeat("word ", words-1)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[0], got[1]) {
		t.Fatal("a long text and its first MaxTokens tokens embed differently")
	}
	if slices.Equal(got[1], got[2]) {
		t.Fatal("one token fewer gives the same embedding: the comparison cannot tell truncation")
	}
}

func unit(v []float64) []float64 {
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x / math.Sqrt(ss)
	}
	return out
}

func norm(v []float32) float64 {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	return math.Sqrt(ss)
}

// TestLoadRefusals checks that every unsupported or broken folder is refused with an
// error naming the cause.
func TestLoadRefusals(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, dir string)
		want   string
	}{
		{"no config", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "config.json")) }, "no config.json"},
		{"roberta", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "config.json"), `"model_type": "bert"`, `"model_type": "roberta"`)
		}, `model_type "roberta"`},
		{"tanh gelu", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "config.json"), `"hidden_act": "gelu"`, `"hidden_act": "gelu_new"`)
		}, `hidden_act "gelu_new"`},
		{"relative positions", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "config.json"), `"absolute"`, `"relative_key"`)
		}, "relative_key"},
		{"heads do not divide", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "config.json"), `"num_attention_heads": 4`, `"num_attention_heads": 5`)
		}, "not a multiple"},
		{"missing layer", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "config.json"), `"num_hidden_layers": 2`, `"num_hidden_layers": 3`)
		}, `"encoder.layer.2.attention.self.query.weight" is missing`},
		{"wrong shape", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "config.json"), `"intermediate_size": 256`, `"intermediate_size": 128`)
		}, "has shape [256 64]"},
		{"vocabulary larger than the model", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "config.json"), `"vocab_size": 509`, `"vocab_size": 500`)
		}, "the tokenizer has 509 tokens"},
		{"no weights", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "model.safetensors")) }, "no model.safetensors"},
		{"onnx only", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "model.safetensors"), filepath.Join(dir, "model.onnx"))
		}, "holds model.onnx but no model.safetensors; ONNX weights are not supported"},
		{"onnx export in its folder", func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, "onnx"), 0o755)
			os.Rename(filepath.Join(dir, "model.safetensors"), filepath.Join(dir, "onnx", "model.onnx"))
		}, "holds " + filepath.Join("onnx", "model.onnx") + " but no model.safetensors; ONNX weights are not supported"},
		{"pytorch pickle only", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "model.safetensors"), filepath.Join(dir, "pytorch_model.bin"))
		}, "PyTorch pickle weights are not supported"},
		{"xlm-roberta", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "config.json"), `"model_type": "bert"`, `"model_type": "xlm-roberta"`)
			edit(t, filepath.Join(dir, "config.json"), `"BertModel"`, `"XLMRobertaModel"`)
		}, `model_type "xlm-roberta": only BERT encoders are supported`},
		{"distilbert", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "config.json"), `"model_type": "bert"`, `"model_type": "distilbert"`)
		}, `model_type "distilbert"`},
		{"corrupt weights", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "model.safetensors"), []byte("0123456789"), 0o644)
		}, "model.safetensors"},
		{"dense module", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "modules.json"), "sentence_transformers.models.Normalize", "sentence_transformers.models.Dense")
		}, `type "sentence_transformers.models.Dense"`},
		{"max pooling", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "1_Pooling", "config.json"), `"pooling_mode_max_tokens": false`, `"pooling_mode_max_tokens": true`)
		}, "pooling_mode_max_tokens"},
		{"two poolings", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "1_Pooling", "config.json"), `"pooling_mode_cls_token": false`, `"pooling_mode_cls_token": true`)
		}, "2 pooling modes"},
		{"module outside the folder", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "modules.json"), `"path": "1_Pooling"`, `"path": "../1_Pooling"`)
		}, "leaves the model folder"},
		{"no tokenizer", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "tokenizer.json"))
			os.Remove(filepath.Join(dir, "vocab.txt"))
		}, "neither tokenizer.json nor vocab.txt"},
		{"tiny max length", func(t *testing.T, dir string) {
			edit(t, filepath.Join(dir, "sentence_bert_config.json"), `256`, `2`)
		}, "max_seq_length 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyTiny(t)
			c.change(t, dir)
			_, err := Load(dir, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load: %v, want an error mentioning %q", err, c.want)
			}
		})
	}
}

// TestLoadVariants checks folders that differ from the committed one but are supported.
func TestLoadVariants(t *testing.T) {
	ref := readReference(t, tinyDir)
	texts := []string{ref.Cases[5].Text, ref.Cases[8].Text}
	base, err := Load(tinyDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := base.Embed(context.Background(), texts)

	t.Run("vocab.txt without tokenizer.json", func(t *testing.T) {
		dir := copyTiny(t)
		os.Remove(filepath.Join(dir, "tokenizer.json"))
		m, err := Load(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := m.Embed(context.Background(), texts)
		if !slices.Equal(got[0], want[0]) || !slices.Equal(got[1], want[1]) {
			t.Fatal("embeddings differ with the vocab.txt tokenizer")
		}
	})
	t.Run("tokenizer.json without vocab.txt", func(t *testing.T) {
		dir := copyTiny(t)
		os.Remove(filepath.Join(dir, "vocab.txt"))
		m, err := Load(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := m.Embed(context.Background(), texts)
		if !slices.Equal(got[0], want[0]) || !slices.Equal(got[1], want[1]) {
			t.Fatal("embeddings differ without vocab.txt")
		}
	})
	t.Run("cls pooling from 1_Pooling", func(t *testing.T) {
		dir := copyTiny(t)
		pool := filepath.Join(dir, "1_Pooling", "config.json")
		edit(t, pool, `"pooling_mode_cls_token": false`, `"pooling_mode_cls_token": true`)
		edit(t, pool, `"pooling_mode_mean_tokens": true`, `"pooling_mode_mean_tokens": false`)
		m, err := Load(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if p := m.Pipeline(); p.Pooling != PoolCLS || !p.Normalize {
			t.Fatalf("pipeline %+v: want cls pooling, normalised", p)
		}
		got, _ := m.Embed(context.Background(), texts)
		cls := [][]float64{unit(ref.Cases[5].CLS), unit(ref.Cases[8].CLS)}
		if d, cos, _ := compare(got, cls); d > maxAbsDiff || cos < minCosine {
			t.Fatalf("normalised [CLS] against the reference: max |diff| %.3g, min cosine %.9f", d, cos)
		}
	})
	t.Run("no Normalize module", func(t *testing.T) {
		dir := copyTiny(t)
		modules := `[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
			{"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]`
		if err := os.WriteFile(filepath.Join(dir, "modules.json"), []byte(modules), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Load(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if m.Pipeline().Normalize {
			t.Fatal("normalised without a Normalize module")
		}
		got, _ := m.Embed(context.Background(), texts)
		if n := norm(got[0]); math.Abs(n-1) < 1e-3 {
			t.Fatalf("mean pooling without Normalize has norm %v", n)
		}
		normalize(got[0])
		if d, cos, _ := compare(got[:1], [][]float64{ref.Cases[5].Mean}); d > maxAbsDiff || cos < minCosine {
			t.Fatalf("unnormalised mean against the reference: max |diff| %.3g, min cosine %.9f", d, cos)
		}
	})
	t.Run("max_seq_length above the positions", func(t *testing.T) {
		dir := copyTiny(t)
		edit(t, filepath.Join(dir, "sentence_bert_config.json"), `256`, `4096`)
		m, err := Load(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if m.MaxTokens() != 512 {
			t.Fatalf("max tokens %d, want the 512 positions", m.MaxTokens())
		}
		long := strings.Repeat("word ", 2000)
		if n := len(m.Tokenizer().Encode(long, m.MaxTokens())); n != 512 {
			t.Fatalf("a 2000-word text encodes to %d tokens", n)
		}
		if _, err := m.Embed(context.Background(), []string{long}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("model_max_length of tokenizer_config.json", func(t *testing.T) {
		dir := copyTiny(t)
		os.Remove(filepath.Join(dir, "sentence_bert_config.json"))
		if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"model_max_length": 128}`), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Load(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if m.MaxTokens() != 128 {
			t.Fatalf("max tokens %d, want 128", m.MaxTokens())
		}
	})
	t.Run("plain Hugging Face folder", func(t *testing.T) {
		dir := copyTiny(t)
		for _, f := range []string{"modules.json", "sentence_bert_config.json"} {
			os.Remove(filepath.Join(dir, f))
		}
		m, err := Load(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if p := m.Pipeline(); p.Pooling != PoolMean || p.Normalize || m.MaxTokens() != 512 {
			t.Fatalf("pipeline %+v, max %d: want mean pooling, no normalisation, 512 positions", p, m.MaxTokens())
		}
	})
}
