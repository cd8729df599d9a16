package bert

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/vajrasearch/vajra/internal/embed/safetensors"
	"github.com/vajrasearch/vajra/internal/embed/wordpiece"
)

// Options adjust how a model runs; none changes its results.
type Options struct {
	// Threads bounds the cores one Embed call uses (0 = GOMAXPROCS).
	Threads int
}

// linear is a dense layer y = x·Wᵀ + b with W packed for kernel.MulPanel and b padded to
// whole panels.
type linear struct {
	w    packed
	bias []float32
}

type layer struct {
	qkv          linear // query, key and value projections side by side: 3·hidden outputs
	attnOut      linear
	attnG, attnB []float32
	inter        linear
	out          linear
	outG, outB   []float32
}

// Model is a loaded sentence encoder. It is immutable and safe for concurrent use.
type Model struct {
	cfg      Config
	pipe     Pipeline
	tok      *wordpiece.Tokenizer
	maxLen   int
	threads  int
	word     []float32 // vocab × hidden
	pos      []float32 // positions × hidden
	typ0     []float32 // the token-type-0 row: every token of a single sequence has type 0
	embG     []float32
	embB     []float32
	layers   []layer
	weights  string // SHA-256 of the weights file
	tokHash  string
	name     string
	memBytes int64
	// spare keeps workspaces between calls; it is the only mutable part of a Model, and
	// safe for concurrent use.
	spare sync.Pool
}

// Load reads the model folder dir. The folder needs config.json, model.safetensors and a
// tokenizer (tokenizer.json or vocab.txt); sentence-transformers files are optional.
func Load(dir string, o Options) (*Model, error) {
	pipe, err := LoadPipeline(dir)
	if err != nil {
		return nil, err
	}
	tdir := pipe.TransformerDir
	cp := filepath.Join(tdir, "config.json")
	data, err := os.ReadFile(cp)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no config.json: %w", tdir, ErrUnsupported)
	}
	if err != nil {
		return nil, err
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cp, err)
	}
	tok, err := wordpiece.LoadDir(tdir)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	if tok.VocabSize() > cfg.VocabSize {
		return nil, fmt.Errorf("%s: the tokenizer has %d tokens, the model's vocab_size is %d: %w", tdir, tok.VocabSize(), cfg.VocabSize, ErrUnsupported)
	}
	m := &Model{cfg: cfg, pipe: pipe, tok: tok, threads: o.Threads}
	if m.threads <= 0 {
		m.threads = runtime.GOMAXPROCS(0)
	}
	if m.maxLen, err = maxLength(tdir, cfg, pipe); err != nil {
		return nil, err
	}
	if tok.Specials() >= m.maxLen {
		return nil, fmt.Errorf("%s: maximum length %d leaves no room beside %d special tokens: %w", tdir, m.maxLen, tok.Specials(), ErrUnsupported)
	}
	wp := filepath.Join(tdir, "model.safetensors")
	if _, err := os.Stat(wp); errors.Is(err, fs.ErrNotExist) {
		return nil, missingWeights(tdir)
	}
	if m.weights, err = fileSHA256(wp); err != nil {
		return nil, err
	}
	st, err := safetensors.Open(wp)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := m.loadWeights(st); err != nil {
		return nil, fmt.Errorf("%s: %w", wp, err)
	}
	m.tokHash = tokenizerHash(tok)
	m.name = cfg.Name
	if m.name == "" {
		m.name = filepath.Base(filepath.Clean(dir))
	}
	return m, nil
}

// missingWeights explains a folder without model.safetensors, naming the weights it holds
// instead when they are in a format this package does not read.
func missingWeights(dir string) error {
	for _, f := range []struct{ name, format string }{
		{"model.onnx", "ONNX"}, {filepath.Join("onnx", "model.onnx"), "ONNX"},
		{"pytorch_model.bin", "PyTorch pickle"}, {"tf_model.h5", "TensorFlow"},
	} {
		if _, err := os.Stat(filepath.Join(dir, f.name)); err == nil {
			return fmt.Errorf("%s holds %s but no model.safetensors; %s weights are not supported (convert them to safetensors): %w",
				dir, f.name, f.format, ErrUnsupported)
		}
	}
	return fmt.Errorf("%s: no model.safetensors: %w", dir, ErrUnsupported)
}

// maxLength is the token limit sentence-transformers applies: max_seq_length when the
// folder sets it, else the smaller of the model's positions and the tokenizer's
// model_max_length; never more than the positions the model has.
func maxLength(dir string, cfg Config, pipe Pipeline) (int, error) {
	n := cfg.MaxPositionEmbeddings
	if pipe.MaxSeqLength > 0 {
		return min(n, pipe.MaxSeqLength), nil
	}
	p := filepath.Join(dir, "tokenizer_config.json")
	data, err := readOptional(p)
	if err != nil {
		return 0, err
	}
	if data != nil {
		var c struct {
			ModelMaxLength float64 `json:"model_max_length"`
		}
		// A malformed file was already refused by the tokenizer loader when it matters;
		// here only a usable limit counts.
		if json.Unmarshal(data, &c) == nil && c.ModelMaxLength >= 3 && c.ModelMaxLength < float64(n) {
			n = int(c.ModelMaxLength)
		}
	}
	return n, nil
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// tokenizerHash identifies what the tokenizer computes: its vocabulary and options.
func tokenizerHash(t *wordpiece.Tokenizer) string {
	h := sha256.New()
	for id := range t.VocabSize() {
		io.WriteString(h, t.Token(int32(id)))
		h.Write([]byte{0})
	}
	o := t.Options()
	fmt.Fprintf(h, "%v|%v|%v|%v|%d|%q|%q|%q|%q|%q|%q", o.CleanText, o.ChineseChars, o.StripAccents, o.Lowercase,
		o.MaxCharsPerWord, o.ContinuationPrefix, o.Unknown, o.Prefix, o.Suffix, o.Special, o.NormalizedSpecial)
	return hex.EncodeToString(h.Sum(nil))
}

// Dim is the length of the embeddings.
func (m *Model) Dim() int { return m.cfg.HiddenSize }

// Config is the encoder's architecture.
func (m *Model) Config() Config { return m.cfg }

// Pipeline is the pooling and normalisation around the encoder.
func (m *Model) Pipeline() Pipeline { return m.pipe }

// Name is the model's name: config.json's _name_or_path, or the folder's name.
func (m *Model) Name() string { return m.name }

// MaxTokens is the most tokens of a text the model reads ([CLS] and [SEP] included);
// longer texts are truncated.
func (m *Model) MaxTokens() int { return m.maxLen }

// WeightsSHA256 is the hex SHA-256 of model.safetensors.
func (m *Model) WeightsSHA256() string { return m.weights }

// TokenizerSHA256 is a hex SHA-256 of the tokenizer's vocabulary and settings.
func (m *Model) TokenizerSHA256() string { return m.tokHash }

// MemoryBytes is the memory the weights take once loaded.
func (m *Model) MemoryBytes() int64 { return m.memBytes }

// Tokenizer is the model's tokenizer.
func (m *Model) Tokenizer() *wordpiece.Tokenizer { return m.tok }

// Describe summarises the model on one line, for messages.
func (m *Model) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: BERT %d layers, hidden %d, %d heads, %s pooling", m.name, m.cfg.NumHiddenLayers,
		m.cfg.HiddenSize, m.cfg.NumAttentionHeads, m.pipe.Pooling)
	if m.pipe.Normalize {
		b.WriteString(", normalized")
	}
	b.WriteString(", max " + strconv.Itoa(m.maxLen) + " tokens")
	return b.String()
}
