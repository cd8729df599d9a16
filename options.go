package vajra

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/vajrasearch/vajra/internal/analysis"
	"github.com/vajrasearch/vajra/internal/embed"
	"github.com/vajrasearch/vajra/internal/lexical"
	"github.com/vajrasearch/vajra/internal/vector"
)

// AnalysisOptions configure text analysis: stop list, stemmer, accent folding. The zero value
// is the default English pipeline.
type AnalysisOptions = analysis.Options

// Defaults for Options, chosen by evaluation on BEIR SciFact's train split and checked on its
// test split and on Cranfield (see the README).
const (
	DefaultK1          = 1.2
	DefaultB           = 0.75
	DefaultTitleWeight = 2
	// DefaultSnapshotBytes is the write-ahead log size at which a collection writes a new
	// snapshot, so that reopening never replays more than this much log.
	DefaultSnapshotBytes = 64 << 20
)

// Embedder kinds accepted by EmbedderOptions.Kind: "none" or a row of the embedder table
// (EmbedderKinds lists them all).
const (
	EmbedderNone        = "none"                // lexical search only
	EmbedderHash        = embed.KindHash        // built-in, offline, deterministic hashing embedder
	EmbedderLocal       = embed.KindLocal       // a BERT sentence-transformers model folder, run in pure Go
	EmbedderOpenAI      = embed.KindOpenAI      // an OpenAI-compatible /v1/embeddings service
	EmbedderPrecomputed = embed.KindPrecomputed // vectors come with the documents (the "vector" field)
)

// EmbedderKinds returns the accepted EmbedderOptions.Kind values, "none" first, each with a
// one-line summary.
func EmbedderKinds() [][2]string {
	kinds := [][2]string{{EmbedderNone, "no vector index: lexical search only"}}
	for _, k := range embed.Kinds() {
		kinds = append(kinds, [2]string{k.Name, k.Summary})
	}
	return kinds
}

// EmbedderOptions choose how a collection turns text into vectors. The choice is recorded in
// the collection: queries are always embedded the same way as the documents were.
type EmbedderOptions struct {
	// Kind is "none" (the default: no vector index), "hash", "local", "openai" or
	// "precomputed".
	Kind string
	// Dim is the vector dimension: the hash embedder's output size (default 384); for
	// "openai" and "precomputed", 0 means "learn it from the first vectors".
	Dim int
	// URL and Model name the OpenAI-compatible service and model ("openai" only). The URL may
	// change when a collection is reopened (the same model served elsewhere); the model may not.
	URL, Model string
	// APIKey is sent as a bearer token ("openai" only). It is never stored.
	APIKey string
	// ModelDir is the model folder of the "local" embedder: a sentence-transformers or
	// Hugging Face BERT folder (config.json, model.safetensors, tokenizer files). The
	// collection records the model's name, dimension and a hash of its weights and
	// tokenizer, and refuses another model when reopened; the folder may move
	// (OpenOptions.EmbedModelDir).
	ModelDir string
	// Timeout per HTTP request (default 30 s), BatchSize texts per request (default 64),
	// MaxRetries on transient failures (default 4).
	Timeout    time.Duration
	BatchSize  int
	MaxRetries int
}

// VectorOptions configure the HNSW index of a collection with an embedder.
type VectorOptions struct {
	// Metric is "cosine" (default), "l2" or "ip".
	Metric string
	// Profile is "quality" (default), "fast" or "instant": a documented trade of build time
	// for recall. M, EfConstruction and EfSearch override single parameters of the profile.
	Profile                     string
	M, EfConstruction, EfSearch int
	// Seed makes builds reproducible: the same documents in the same order with the same seed
	// give the same graph, whatever the number of threads.
	Seed uint64
	// Quantization is "none" (default), "sq8" or "bq": searches walk the graph on one byte
	// (sq8) or one bit (bq) a dimension and rank the best Rescore candidates (0 = 3·k for
	// sq8, 10·k or 20·k for bq) by their float32 vectors, which stay in the index file and are read
	// from its memory mapping. It is chosen at creation.
	Quantization string `json:",omitempty"`
	Rescore      int    `json:",omitempty"`
}

// SyncPolicy says when writes reach stable storage.
type SyncPolicy string

const (
	// SyncAlways fsyncs the write-ahead log before Upsert or Delete returns: an acknowledged
	// write survives power loss. The default.
	SyncAlways SyncPolicy = "always"
	// SyncNever leaves flushing to the operating system: acknowledged writes survive a crash
	// of the process but not of the machine. For bulk loads that can be redone.
	SyncNever SyncPolicy = "never"
)

// Options configure a collection when it is created. They are stored with the collection;
// Open uses the stored ones (see OpenOptions for what may change on reopening).
type Options struct {
	// Analysis configures the text pipeline for documents and queries alike.
	Analysis AnalysisOptions
	// K1 and B are the BM25 parameters (0 = DefaultK1, DefaultB).
	K1, B float64
	// TitleWeight counts each title word this many times against one content word
	// (0 = DefaultTitleWeight).
	TitleWeight int
	// Embedder chooses the vector side; the zero value means lexical search only.
	Embedder EmbedderOptions
	// Vector configures the HNSW index when there is an embedder.
	Vector VectorOptions
	// Threads bounds the parallelism of indexing (0 = all CPUs). Results never depend on it.
	Threads int
	// Sync is the durability policy of writes (default SyncAlways).
	Sync SyncPolicy
	// SnapshotBytes is the log size that triggers a snapshot (0 = DefaultSnapshotBytes).
	SnapshotBytes int64
}

// EnsureDefaults fills zero values with the defaults.
func (o *Options) EnsureDefaults() {
	o.Analysis.EnsureDefaults()
	if o.K1 == 0 {
		o.K1 = DefaultK1
	}
	if o.B == 0 {
		o.B = DefaultB
	}
	if o.TitleWeight == 0 {
		o.TitleWeight = DefaultTitleWeight
	}
	if o.Embedder.Kind == "" {
		o.Embedder.Kind = EmbedderNone
	}
	if o.Embedder.Kind == EmbedderHash && o.Embedder.Dim == 0 {
		o.Embedder.Dim = 384
	}
	if o.Vector.Metric == "" {
		o.Vector.Metric = "cosine"
	}
	if o.Vector.Profile == "" {
		o.Vector.Profile = "quality"
	}
	if o.Threads <= 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
	if o.Sync == "" {
		o.Sync = SyncAlways
	}
	if o.SnapshotBytes <= 0 {
		o.SnapshotBytes = DefaultSnapshotBytes
	}
}

// Validate reports options Create would reject.
func (o Options) Validate() error {
	if err := o.Analysis.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrOptions, err)
	}
	lo := lexical.Options{K1: o.K1, B: o.B, FieldWeights: []int{max(o.TitleWeight, 1), 1}}
	lo.EnsureDefaults()
	if err := lo.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrOptions, err)
	}
	if o.TitleWeight < 0 || o.TitleWeight > lexical.MaxFieldWeight {
		return fmt.Errorf("%w: TitleWeight %d out of range [1, %d]", ErrOptions, o.TitleWeight, lexical.MaxFieldWeight)
	}
	if k := o.Embedder.Kind; k != "" && k != EmbedderNone {
		if err := embed.Check(k, o.Embedder.embedOptions(o.Threads)); err != nil {
			return fmt.Errorf("%w: %w", ErrOptions, err)
		}
	}
	if _, err := vector.ParseQuantization(o.Vector.Quantization); err != nil {
		return fmt.Errorf("%w: %w", ErrOptions, err)
	}
	if o.Vector.Rescore < 0 {
		return fmt.Errorf("%w: Rescore %d is negative", ErrOptions, o.Vector.Rescore)
	}
	switch o.Sync {
	case "", SyncAlways, SyncNever:
	default:
		return fmt.Errorf("%w: unknown sync policy %q (want always or never)", ErrOptions, o.Sync)
	}
	return nil
}

// OpenOptions adjust how an existing collection is opened. Stored options (analysis, BM25,
// embedder kind and model, vector parameters) cannot change.
type OpenOptions struct {
	// EmbedURL and EmbedAPIKey reach the collection's OpenAI-compatible embedder (the URL is
	// stored at creation; a new one here replaces it, the key is never stored).
	EmbedURL, EmbedAPIKey string
	// EmbedModelDir is where the local embedder's model folder is now, when it moved since
	// the collection was created; it must hold the same model. Empty means the recorded
	// folder, read when the first text is embedded.
	EmbedModelDir string
	// Embedder and EmbedModel, when set, must name the collection's embedder kind and model:
	// Open refuses a collection whose vectors came from another embedder, since queries
	// embedded differently would be compared with unrelated vectors.
	Embedder, EmbedModel string
	// Threads bounds indexing parallelism (0 = all CPUs).
	Threads int
	// Sync overrides the durability policy for this session ("" = the stored one).
	Sync SyncPolicy
	// ReadOnly opens the collection for reading only, without taking its lock: it loads the
	// newest published snapshot and the log written since, as they are at that moment, even
	// while a writer (in this process or another) holds the collection. Nothing in the
	// directory is changed, not even a torn log tail, and later writes are not seen until the
	// collection is opened again. Upsert, Delete, Flush and Promote fail with ErrReadOnly.
	ReadOnly bool
}

// embedOptions turns the options into the embed package's; threads bounds the cores of a
// local model.
func (e EmbedderOptions) embedOptions(threads int) embed.Options {
	return embed.Options{Dim: e.Dim, Model: e.Model, ModelDir: e.ModelDir, Threads: threads,
		OpenAI: embed.OpenAIOptions{URL: e.URL, APIKey: e.APIKey, Timeout: e.Timeout, BatchSize: e.BatchSize, MaxRetries: e.MaxRetries}}
}

// WithEmbedProgress returns a context under which Upsert reports, through f, how many
// documents an embedder that works through long batches (the local transformer) has just
// embedded, so that a long indexing job can show how far it is. f may be called from
// several goroutines; embedders that answer quickly report nothing.
func WithEmbedProgress(ctx context.Context, f func(docs int)) context.Context {
	return embed.WithProgress(ctx, f)
}
