package embed

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/vajrasearch/vajra/internal/embed/bert"
)

// KindLocal is the kind of the local transformer embedder.
const KindLocal = "local"

// Spec parameters of the local embedder. Everything that shapes its vectors is recorded:
// the weights and tokenizer (by the first 16 hex digits of their SHA-256), pooling, normalisation and the token limit.
// ParamPath records where the model folder was, which, like ParamURL, is not part of
// the vector space: the same files elsewhere give the same vectors.
const (
	ParamWeights   = "weights_sha256"
	ParamTokenizer = "tokenizer_sha256"
	ParamPooling   = "pooling"
	ParamNormalize = "normalize"
	ParamMaxTokens = "max_tokens"
	ParamPath      = "path"
)

// hashDigits is how much of a SHA-256 a spec records: 64 bits tell models apart and keep
// the spec short enough to print.
const hashDigits = 16

// localParams are the parameters a local spec must hold, besides ParamPath.
var localParams = []string{ParamWeights, ParamTokenizer, ParamPooling, ParamNormalize, ParamMaxTokens}

// Local runs a BERT sentence encoder (all-MiniLM, bge, e5, gte and the like) from a model
// folder on this machine's CPU, in pure Go. It is safe for concurrent use; one call
// spreads its work over Options.Threads cores.
//
// A Local rebuilt from a recorded Spec loads its model on first use and refuses a model
// whose weights, tokenizer, pooling, normalisation or token limit differ from the record
// (ErrIncompatible).
type Local struct {
	dir      string
	opts     Options
	spec     Spec
	loadOnce sync.Once
	model    *bert.Model
	loadErr  error
}

// NewLocal loads the model folder o.ModelDir.
func NewLocal(o Options) (*Local, error) {
	if o.ModelDir == "" {
		return nil, fmt.Errorf("the local embedder needs a model folder: %w", ErrBadOptions)
	}
	m, err := bert.Load(o.ModelDir, bert.Options{Threads: o.Threads})
	if err != nil {
		return nil, fmt.Errorf("local model %s: %w: %w", o.ModelDir, ErrBadOptions, err)
	}
	l := &Local{dir: o.ModelDir, opts: o, spec: localSpec(m, o.ModelDir), model: m}
	l.loadOnce.Do(func() {})
	return l, nil
}

// localSpec describes a loaded model.
func localSpec(m *bert.Model, dir string) Spec {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return Spec{Kind: KindLocal, Model: m.Name(), Dim: m.Dim(), Params: map[string]string{
		ParamWeights:   m.WeightsSHA256()[:hashDigits],
		ParamTokenizer: m.TokenizerSHA256()[:hashDigits],
		ParamPooling:   string(m.Pipeline().Pooling),
		ParamNormalize: strconv.FormatBool(m.Pipeline().Normalize),
		ParamMaxTokens: strconv.Itoa(m.MaxTokens()),
		ParamPath:      dir,
	}}
}

func localFromSpec(s Spec, o Options) (*Local, error) {
	for _, k := range sortedKeys(s.Params) {
		if k != ParamPath && !containsString(localParams, k) {
			return nil, fmt.Errorf("local spec: unknown parameter %q: %w", k, ErrBadSpec)
		}
	}
	for _, k := range localParams {
		if s.Params[k] == "" {
			return nil, fmt.Errorf("local spec: parameter %q missing: %w", k, ErrBadSpec)
		}
	}
	if s.Dim <= 0 {
		return nil, fmt.Errorf("local spec has dim %d: %w", s.Dim, ErrBadSpec)
	}
	dir := o.ModelDir
	if dir == "" {
		dir = s.Params[ParamPath]
	}
	if dir == "" {
		return nil, fmt.Errorf("local spec records no model folder and none was given: %w", ErrBadOptions)
	}
	l := &Local{dir: dir, opts: o, spec: s}
	if o.ModelDir != "" {
		// A folder named at open time is checked at once, so a wrong one fails early.
		if _, err := l.load(); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// load reads the model once and checks it against the recorded spec.
func (l *Local) load() (*bert.Model, error) {
	l.loadOnce.Do(func() {
		m, err := bert.Load(l.dir, bert.Options{Threads: l.opts.Threads})
		if err != nil {
			l.loadErr = fmt.Errorf("local model %s: %w: %w", l.dir, ErrUnavailable, err)
			return
		}
		got := localSpec(m, l.dir)
		got.Model = l.spec.Model // the name is a label; the hashes say what the model is
		if err := l.spec.Compatible(got); err != nil {
			l.loadErr = fmt.Errorf("model folder %s is not the model the collection was built with: %w", l.dir, err)
			return
		}
		l.model = m
	})
	return l.model, l.loadErr
}

// Embed returns the normalised (when the folder says so) sentence embedding of every
// text, in order. Texts longer than the model's token limit are truncated.
func (l *Local) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	m, err := l.load()
	if err != nil {
		return nil, err
	}
	out := make([][]float32, len(texts))
	flat := make([]float32, len(texts)*m.Dim())
	for i := range out {
		out[i] = flat[i*m.Dim() : (i+1)*m.Dim() : (i+1)*m.Dim()]
	}
	if err := m.EmbedInto(ctx, out, texts, progressFrom(ctx)); err != nil {
		return nil, err
	}
	for i, v := range out {
		if err := CheckVector(v, m.Dim()); err != nil {
			return nil, fmt.Errorf("text %d: %w", i, err)
		}
	}
	return out, nil
}

// Dim returns the model's embedding size.
func (l *Local) Dim() int { return l.spec.Dim }

// Spec returns kind "local", the model's name and dimension and the parameters listed
// above.
func (l *Local) Spec() Spec {
	s := l.spec
	s.Params = make(map[string]string, len(l.spec.Params))
	for k, v := range l.spec.Params {
		s.Params[k] = v
	}
	return s
}

// Model returns the loaded model, loading it if needed.
func (l *Local) Model() (*bert.Model, error) { return l.load() }

func localKind() Kind {
	return Kind{
		Name:    KindLocal,
		Summary: "a BERT sentence-transformers model folder (MiniLM, bge, e5, gte) run in pure Go",
		Check: func(o Options) error {
			if o.ModelDir == "" {
				return fmt.Errorf("the local embedder needs a model folder: %w", ErrBadOptions)
			}
			return nil
		},
		New: func(o Options) (Embedder, error) { return nonNil(NewLocal(o)) },
		FromSpec: func(s Spec, o Options) (Embedder, error) {
			return nonNil(localFromSpec(s, o))
		},
	}
}
