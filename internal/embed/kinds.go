package embed

import (
	"fmt"
	"slices"
	"strings"
)

// Options carry the settings of every kind of embedder; each kind reads the fields it
// documents and ignores the others. Fields that say where a model runs (URLs, keys,
// folders, threads) may differ each time a collection is opened; the rest shape the
// vectors and are recorded in the Spec.
type Options struct {
	// Dim is the hash embedder's output size (0 = 384); for openai and precomputed, the
	// expected vector length (0 = learn it from the first vectors). The local embedder
	// takes its dimension from the model.
	Dim int
	// Model names the model of an openai embedder (required) or labels precomputed vectors.
	Model string
	// OpenAI holds the connection settings of an openai embedder (URL, key, timeouts,
	// batching); its Model and Dim fields are ignored in favour of the ones above.
	OpenAI OpenAIOptions
	// ModelDir is the local embedder's model folder (a sentence-transformers or Hugging
	// Face BERT folder). When a collection is reopened it may be left empty to use the
	// recorded folder.
	ModelDir string
	// Threads bounds the cores one call of the local embedder uses (0 = all).
	Threads int
}

// Kind is one row of the table of embedder kinds: how to make an embedder of the kind for
// a new collection and how to rebuild the one a collection recorded. Adding a kind is
// writing its file and adding its row to kindTable.
type Kind struct {
	// Name is the kind recorded in Spec.Kind and accepted in options ("hash", "local").
	Name string
	// Summary says in a few words what the kind is, for help texts and listings.
	Summary string
	// Check reports options New would refuse, without building anything (nil: none).
	Check func(o Options) error
	// New makes an embedder for a new collection.
	New func(o Options) (Embedder, error)
	// FromSpec rebuilds the embedder recorded in s, taking from o only what a Spec never
	// holds (credentials, a moved URL or folder, threads). It refuses a spec it cannot
	// rebuild (ErrBadSpec) or options that contradict it (ErrIncompatible).
	FromSpec func(s Spec, o Options) (Embedder, error)
}

// kindTable lists the embedder kinds, in the order help texts show them.
func kindTable() []Kind {
	return []Kind{hashKind(), localKind(), openAIKind(), precomputedKind()}
}

// Kinds returns the table of embedder kinds.
func Kinds() []Kind { return kindTable() }

// KindNames returns the names of the embedder kinds, in table order.
func KindNames() []string {
	var names []string
	for _, k := range kindTable() {
		names = append(names, k.Name)
	}
	return names
}

// LookupKind returns the kind called name, or an ErrBadOptions error listing the kinds.
func LookupKind(name string) (Kind, error) {
	ks := kindTable()
	if i := slices.IndexFunc(ks, func(k Kind) bool { return k.Name == name }); i >= 0 {
		return ks[i], nil
	}
	return Kind{}, fmt.Errorf("unknown embedder kind %q (want %s): %w", name, strings.Join(KindNames(), ", "), ErrBadOptions)
}

// Check reports options that New(kind, o) would refuse, without building the embedder.
func Check(kind string, o Options) error {
	k, err := LookupKind(kind)
	if err != nil {
		return err
	}
	if o.Dim < 0 {
		return fmt.Errorf("dimension %d is negative: %w", o.Dim, ErrBadOptions)
	}
	if k.Check == nil {
		return nil
	}
	return k.Check(o)
}

// New makes an embedder of the given kind.
func New(kind string, o Options) (Embedder, error) {
	if err := Check(kind, o); err != nil {
		return nil, err
	}
	k, _ := LookupKind(kind)
	return k.New(o)
}

// FromSpec recreates the embedder a collection was created with from its recorded Spec;
// o supplies what the Spec does not hold (see Kind.FromSpec). Errors wrap ErrBadSpec (a
// spec this version cannot rebuild), ErrIncompatible (o contradicts the spec) or
// ErrBadOptions.
func FromSpec(s Spec, o Options) (Embedder, error) {
	k, err := LookupKind(s.Kind)
	if err != nil {
		return nil, fmt.Errorf("unknown embedder kind %q: %w", s.Kind, ErrBadSpec)
	}
	return k.FromSpec(s, o)
}

func hashKind() Kind {
	return Kind{
		Name:    KindHash,
		Summary: "built-in hashed word and character n-grams: offline, deterministic, no model",
		New: func(o Options) (Embedder, error) {
			return nonNil(NewHash(HashOptions{Dim: o.Dim}))
		},
		FromSpec: func(s Spec, _ Options) (Embedder, error) { return nonNil(hashFromSpec(s)) },
	}
}

func openAIKind() Kind {
	conn := func(o Options) OpenAIOptions {
		c := o.OpenAI
		c.Model, c.Dim = o.Model, o.Dim
		return c
	}
	return Kind{
		Name:    KindOpenAI,
		Summary: "an OpenAI-compatible /v1/embeddings service (OpenAI, Ollama, llama.cpp, vLLM, TEI)",
		Check: func(o Options) error {
			if o.OpenAI.URL == "" {
				return fmt.Errorf("the openai embedder needs a URL: %w", ErrBadOptions)
			}
			return nil
		},
		New: func(o Options) (Embedder, error) { return nonNil(NewOpenAI(conn(o))) },
		FromSpec: func(s Spec, o Options) (Embedder, error) {
			return nonNil(openAIFromSpec(s, conn(o)))
		},
	}
}

func precomputedKind() Kind {
	return Kind{
		Name:    KindPrecomputed,
		Summary: "vectors that come with the documents (their \"vector\" field)",
		New: func(o Options) (Embedder, error) {
			return NewPrecomputed(o.Dim, o.Model), nil
		},
		FromSpec: func(s Spec, _ Options) (Embedder, error) {
			if len(s.Params) != 0 {
				return nil, fmt.Errorf("precomputed spec has parameters %v: %w", sortedKeys(s.Params), ErrBadSpec)
			}
			if s.Dim < 0 {
				return nil, fmt.Errorf("precomputed spec has dim %d: %w", s.Dim, ErrBadSpec)
			}
			return NewPrecomputed(s.Dim, s.Model), nil
		},
	}
}

// nonNil turns a constructor's typed result into an Embedder, keeping a failed one nil
// (a nil *Hash in an interface would not compare equal to nil).
func nonNil[E Embedder](e E, err error) (Embedder, error) {
	if err != nil {
		return nil, err
	}
	return e, nil
}
