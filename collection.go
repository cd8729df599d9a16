package vajra

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/vajrasearch/vajra/internal/analysis"
	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/corruption"
	"github.com/vajrasearch/vajra/internal/embed"
	"github.com/vajrasearch/vajra/internal/filter"
	"github.com/vajrasearch/vajra/internal/lexical"
	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/vector"
)

// Document is one searchable item: an id unique in its collection, a title and content that
// are analysed for lexical search (and embedded for vector search), free-form metadata that
// filters can test, and optionally a precomputed vector.
type Document = corpus.Document

// Collection is a set of documents searchable three ways. It is safe for concurrent use:
// searches run in parallel with each other and with writes, and writes are serialised.
type Collection struct {
	dir  string // "" for an in-memory collection
	fsys storage.FS
	lock io.Closer

	opts     Options
	analyzer *analysis.Analyzer
	embedder embed.Embedder // nil without a vector side

	// writeMu serialises writers and snapshots; mu guards the state below against readers.
	writeMu  sync.Mutex
	mu       sync.RWMutex
	closed   bool
	readOnly atomic.Bool // writes refused: opened read-only (no lock, no log) or SetReadOnly

	docs   docTable
	live   *bitset.Set
	nextID uint32
	lex    *lexical.Index
	vec    *vector.Index // nil without a vector side
	// meta indexes the documents' metadata for filters. A collection opened from disk builds
	// it when a filter (or Stats) first needs it, reading every document's metadata then
	// rather than at open; until then writes leave it alone. See metaIndexLocked.
	meta   atomic.Pointer[filter.Index]
	metaMu sync.Mutex

	// maps holds the files read in place (memory-mapped), by name, until they are no longer
	// used (Close, or a snapshot that supersedes them). Their bytes are read under mu only.
	maps map[string]storage.Mapping
	// fault is the first fault or change found in a mapped file; every later call fails with
	// it, since nothing read from the files can be trusted any more.
	fault     atomic.Pointer[error]
	lastCheck atomic.Int64 // unix nanoseconds of the last check of the mapped files

	fusers sync.Pool // *fusion.Fuser scratch for hybrid searches

	wal      *storage.WAL
	gen      uint64
	lexFiles map[uint64]string // lexical segments already written, by segment id
	dirty    bool              // writes since the last snapshot
	// unsettled means the files may not match the documents in memory: a log append failed
	// (its record may or may not be on disk) or a manifest write failed (a restart may find
	// either manifest). No write is acknowledged until a snapshot has superseded both.
	unsettled bool
	// recordLimit caps one log record's payload (0 = maxLogRecordBytes); a larger write is
	// split across records that replay applies together.
	recordLimit int
}

// New returns an empty in-memory collection: nothing is written to disk, and Flush is a
// no-op. It suits tests, benchmarks and one-off searches over a corpus file.
func New(o Options) (*Collection, error) {
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	c := newCollection(o)
	if err := c.initEngines(OpenOptions{}, nil); err != nil {
		return nil, err
	}
	return c, nil
}

// initEngines builds the analyzer, embedder and empty indexes for c.opts. spec, when non-nil,
// is the embedder recorded in an existing collection.
func (c *Collection) initEngines(oo OpenOptions, spec *embed.Spec) error {
	an, err := analysis.New(c.opts.Analysis)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrOptions, err)
	}
	c.analyzer = an
	lex, err := lexical.New(c.lexicalOptions())
	if err != nil {
		return fmt.Errorf("%w: %w", ErrOptions, err)
	}
	c.lex = lex
	c.meta.Store(filter.NewIndex())
	if c.opts.Embedder.Kind == EmbedderNone {
		return nil
	}
	o := c.opts.Embedder.embedOptions(c.opts.Threads)
	var e embed.Embedder
	if spec != nil {
		// Only what a spec never records comes from the options: the key, a moved URL or
		// model folder, threads.
		if oo.EmbedURL != "" {
			o.OpenAI.URL = oo.EmbedURL
		}
		o.OpenAI.APIKey = oo.EmbedAPIKey
		o.ModelDir = oo.EmbedModelDir
		e, err = embed.FromSpec(*spec, o)
		if err != nil {
			return fmt.Errorf("embedder: %w", err)
		}
	} else if e, err = embed.New(c.opts.Embedder.Kind, o); err != nil {
		return fmt.Errorf("%w: %w", ErrOptions, err)
	}
	c.embedder = e
	return nil
}

func (c *Collection) lexicalOptions() lexical.Options {
	return lexical.Options{K1: c.opts.K1, B: c.opts.B, FieldWeights: []int{c.opts.TitleWeight, 1}, Threads: c.opts.Threads}
}

// vectorIndexFor creates the HNSW index once the dimension is known.
func (c *Collection) vectorIndexFor(dim int) (*vector.Index, error) {
	m, err := vector.ParseMetric(c.opts.Vector.Metric)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	q, err := vector.ParseQuantization(c.opts.Vector.Quantization)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	vo := vector.Options{Dim: dim, Metric: m, Profile: vector.Profile(c.opts.Vector.Profile),
		M: c.opts.Vector.M, EfConstruction: c.opts.Vector.EfConstruction, EfSearch: c.opts.Vector.EfSearch,
		Seed: c.opts.Vector.Seed, Threads: c.opts.Threads, Quantization: q, Rescore: c.opts.Vector.Rescore,
		// The vectors of an sq8 index wait for the next snapshot in an unnamed file of the
		// collection's directory rather than in the heap.
		SpillDir: c.dir}
	return vector.NewIndex(vo)
}

// HasVectors reports whether the collection has a vector side (an embedder).
func (c *Collection) HasVectors() bool { return c.embedder != nil }

// Options returns the collection's effective options (the API key is never included).
func (c *Collection) Options() Options {
	o := c.opts
	o.Embedder.APIKey = ""
	return o
}

// EmbedderSpec describes the collection's embedder on one line ("" without one).
func (c *Collection) EmbedderSpec() string {
	if c.embedder == nil {
		return ""
	}
	return c.embedder.Spec().String()
}

// Len returns the number of live documents.
func (c *Collection) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.docs.count
}

// Get returns the document with the given id. Its Vector is the stored one (normalised
// when the metric is cosine). A document whose stored bytes are damaged gives an error
// matching ErrCorrupt.
func (c *Collection) Get(id string) (d Document, err error) {
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := c.readableLocked(); err != nil {
		return Document{}, err
	}
	iid, ok, err := c.docs.lookup(id, c.live)
	if err != nil {
		return Document{}, fmt.Errorf("document %q: %w", id, err)
	}
	if !ok {
		return Document{}, fmt.Errorf("document %q: %w", id, ErrNotFound)
	}
	return c.documentLocked(iid)
}

func (c *Collection) documentLocked(iid uint32) (Document, error) {
	r, ok, err := c.docs.record(iid)
	if err != nil {
		return Document{}, err
	}
	if !ok {
		return Document{}, corruption.Errorf("internal id %d is live but has no document", iid)
	}
	d := Document{ID: r.id, Title: r.title, Content: r.content, Metadata: cloneMetadata(r.metadata)}
	if c.vec != nil {
		if v, ok := c.vec.Vector(iid); ok {
			d.Vector = append([]float32(nil), v...)
		}
	}
	return d, nil
}

// IDs returns the ids of the live documents in insertion order of their current versions.
// An id whose stored bytes are damaged is left out (Get and Check report the damage).
func (c *Collection) IDs() (out []string) {
	var err error
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.readableLocked() != nil {
		return nil
	}
	out = make([]string, 0, c.docs.count)
	c.live.ForEach(func(iid uint32) bool {
		if id, ok, err := c.docs.id(iid); err == nil && ok {
			out = append(out, id)
		}
		return true
	})
	return out
}

// Close flushes a snapshot (for an on-disk collection with unsnapshotted writes, unless it is
// read-only), closes the log and releases the directory lock. A closed collection refuses
// every call.
func (c *Collection) Close() error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.closed {
		return nil
	}
	var errs []error
	if c.dir != "" && !c.readOnly.Load() && (c.dirty || c.unsettled) {
		errs = append(errs, c.snapshotLocked())
	}
	c.mu.Lock()
	c.closed = true
	errs = append(errs, c.releaseFilesLocked())
	c.mu.Unlock()
	if c.wal != nil {
		errs = append(errs, c.wal.Close())
	}
	if c.lock != nil {
		errs = append(errs, c.lock.Close())
	}
	return errors.Join(errs...)
}

// Dir returns the collection's directory ("" for an in-memory collection).
func (c *Collection) Dir() string { return c.dir }

// ctxErr reports a cancelled context as an error wrapping ctx.Err().
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cancelled: %w", err)
	}
	return nil
}

// Embed returns the collection's embedding of texts, as documents and queries get them.
func (c *Collection) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.embedder == nil {
		return nil, ErrNoVectors
	}
	return c.embedder.Embed(ctx, texts)
}

// Promote rebuilds the vector index with another build profile ("quality", "fast" or
// "instant") while the collection keeps answering searches and taking writes; the new graph
// replaces the old one atomically once it has caught up. A collection built quickly with
// "instant" can so be upgraded to "quality" without downtime. The new profile is recorded
// at the next snapshot.
func (c *Collection) Promote(ctx context.Context, profile string) error {
	if err := c.checkWritable(); err != nil {
		return err
	}
	c.mu.RLock()
	vec := c.vec
	c.mu.RUnlock()
	if vec == nil {
		return ErrNoVectors
	}
	if err := vec.Promote(ctx, vector.Profile(profile)); err != nil {
		return fmt.Errorf("promote to %q: %w", profile, err)
	}
	c.writeMu.Lock()
	c.opts.Vector.Profile = profile
	c.opts.Vector.M, c.opts.Vector.EfConstruction, c.opts.Vector.EfSearch = 0, 0, 0
	c.dirty = true
	c.writeMu.Unlock()
	return nil
}
