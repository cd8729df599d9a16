package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vajrasearch/vajra"
)

// sourceFlags choose what to search: a collection directory (-i), a corpus to index in
// memory (-c), or the built-in corpus; and, for corpora, how to embed them.
type sourceFlags struct {
	corpus, index string
	embedder      string
	embedURL      string
	embedModel    string
	embedDim      int
	modelDir      string
	profile       string
	metric        string
	quantization  string
	skipBad       bool
	threads       int
	k1, b         float64
	titleWeight   int
	stopwords     string
	stemmer       string
	foldAccents   bool
	compounds     bool
	seed          uint64
}

func (s *sourceFlags) register(fs *flag.FlagSet, withIndex bool) {
	fs.StringVar(&s.corpus, "c", "", "corpus to search: JSONL(.gz) file, BEIR folder or folder of .txt/.md files")
	fs.StringVar(&s.corpus, "corpus", "", "same as -c")
	if withIndex {
		fs.StringVar(&s.index, "i", "", "collection directory (made by 'vajra index')")
		fs.StringVar(&s.index, "index", "", "same as -i")
	}
	fs.StringVar(&s.embedder, "embedder", "", "embedder for a corpus: "+embedderNames()+" (default: hash when a vector mode is used, local with --model)")
	fs.StringVar(&s.modelDir, "model", "", "model folder of the local embedder (a sentence-transformers BERT folder: config.json, model.safetensors, tokenizer)")
	fs.StringVar(&s.embedURL, "embed-url", "", "OpenAI-compatible embeddings URL (e.g. http://localhost:11434/v1)")
	fs.StringVar(&s.embedModel, "embed-model", "", "embedding model name (openai embedder)")
	intVar(fs, &s.embedDim, "embed-dim", 0, 0, anyInt, "embedding dimension (hash: default 384; openai: learned)")
	fs.StringVar(&s.profile, "profile", "", "HNSW build profile: quality, fast or instant (default quality)")
	fs.StringVar(&s.metric, "metric", "", "vector metric: cosine, l2 or ip (default cosine)")
	fs.StringVar(&s.quantization, "quantization", "", "vector codes the graph is walked on: none, sq8 or bq (default none)")
	fs.BoolVar(&s.skipBad, "skip-bad", false, "skip malformed corpus lines (counted and reported) instead of stopping")
	intVar(fs, &s.threads, "threads", 0, 0, anyInt, "indexing threads (default: all CPUs)")
	floatVar(fs, &s.k1, "k1", 0, 0, math.Inf(1), fmt.Sprintf("BM25 k1 (default %g)", vajra.DefaultK1))
	floatVar(fs, &s.b, "b", 0, 0, 1, fmt.Sprintf("BM25 b (default %g)", vajra.DefaultB))
	intVar(fs, &s.titleWeight, "title-weight", 0, 0, anyInt, fmt.Sprintf("weight of title words against content words (default %d)", vajra.DefaultTitleWeight))
	fs.StringVar(&s.stopwords, "stopwords", "", "stop list: english (default), lucene, none, or a comma-separated list")
	fs.StringVar(&s.stemmer, "stemmer", "", "stemmer: english (default), porter or none")
	fs.BoolVar(&s.foldAccents, "fold-accents", false, "fold accents (café matches cafe)")
	fs.BoolVar(&s.compounds, "compounds", false, "also index joined compounds (x-ray → xray)")
	fs.Uint64Var(&s.seed, "seed", 0, "HNSW seed (same corpus + seed = same index)")
}

// options turns the flags into collection options. wantVectors says whether the command will
// run vector or hybrid queries (then the hash embedder is the default).
func (s *sourceFlags) options(wantVectors bool) (vajra.Options, error) {
	if s.modelDir != "" && s.embedderKind() != vajra.EmbedderLocal {
		return vajra.Options{}, usagef("--model names the model folder of the local embedder, not of --embedder %s", s.embedder)
	}
	kind := s.embedderKind()
	if kind == "" {
		kind = vajra.EmbedderNone
		if wantVectors {
			kind = vajra.EmbedderHash
		}
	}
	o := vajra.Options{
		Analysis: vajra.AnalysisOptions{Stopwords: s.stopwords, Stemmer: s.stemmer, FoldAccents: s.foldAccents, Compounds: s.compounds},
		K1:       s.k1, B: s.b, TitleWeight: s.titleWeight,
		Embedder: vajra.EmbedderOptions{Kind: kind, Dim: s.embedDim, URL: s.embedURL, Model: s.embedModel, APIKey: apiKey(), ModelDir: s.modelDir},
		Vector:   vajra.VectorOptions{Profile: s.profile, Metric: s.metric, Seed: s.seed, Quantization: s.quantization},
		Threads:  s.threads,
	}
	return o, nil
}

// embedderKind is the --embedder flag, or "local" when only --model is given.
func (s *sourceFlags) embedderKind() string {
	if s.embedder == "" && s.modelDir != "" {
		return vajra.EmbedderLocal
	}
	return s.embedder
}

// embedderNames lists the --embedder values.
func embedderNames() string {
	var names []string
	for _, k := range vajra.EmbedderKinds() {
		names = append(names, k[0])
	}
	return strings.Join(names, ", ")
}

// apiKey reads an embeddings API key from the environment (never from flags, which other
// users of the machine can see).
func apiKey() string {
	for _, k := range []string{"VAJRA_EMBED_API_KEY", "OPENAI_API_KEY"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// open returns the collection to search and a one-line description of it.
func (s *sourceFlags) open(ctx context.Context, u *ui, wantVectors bool) (*vajra.Collection, string, error) {
	if s.index != "" && s.corpus != "" {
		return nil, "", usagef("give -i (a collection) or -c (a corpus), not both")
	}
	if s.index != "" {
		// Read-only: searching needs no lock, so it works while another process writes.
		if s.modelDir != "" && s.embedder != "" && s.embedder != vajra.EmbedderLocal {
			return nil, "", usagef("--model names the model folder of the local embedder, not of --embedder %s", s.embedder)
		}
		c, err := vajra.Open(s.index, vajra.OpenOptions{EmbedURL: s.embedURL, EmbedAPIKey: apiKey(), Threads: s.threads,
			Embedder: s.embedderKind(), EmbedModel: s.embedModel, EmbedModelDir: s.modelDir, ReadOnly: true})
		if err != nil {
			return nil, "", err
		}
		return c, fmt.Sprintf("%s (%d documents)", s.index, c.Len()), nil
	}
	var docs []vajra.Document
	var what string
	if s.corpus == "" {
		var err error
		if docs, err = vajra.DefaultCorpus(); err != nil {
			return nil, "", err
		}
		what = "the built-in corpus: English Wikipedia passages by Wikipedia contributors, CC BY-SA 4.0"
	} else {
		var rep vajra.LoadReport
		var err error
		docs, rep, err = vajra.LoadDocuments(ctx, s.corpus, vajra.LoadOptions{SkipBad: s.skipBad})
		if err != nil {
			return nil, "", err
		}
		reportLoad(u, rep)
		what = s.corpus
	}
	o, err := s.options(wantVectors)
	if err != nil {
		return nil, "", err
	}
	c, err := vajra.New(o)
	if err != nil {
		return nil, "", err
	}
	if err := upsertWithProgress(ctx, u, c, docs, "indexing"); err != nil {
		return nil, "", err
	}
	return c, fmt.Sprintf("%s (%d documents)", what, c.Len()), nil
}

// reportLoad tells the user what reading a corpus did, so nothing is dropped silently.
func reportLoad(u *ui, rep vajra.LoadReport) {
	msg := fmt.Sprintf("read %s: %d documents", rep.Source, rep.Kept)
	if rep.Bad > 0 {
		msg += fmt.Sprintf(", %d bad lines skipped", rep.Bad)
	}
	if rep.Duplicates > 0 {
		msg += fmt.Sprintf(", %d duplicate ids (last one kept)", rep.Duplicates)
	}
	fmt.Fprintln(u.err, termSafe(msg))
	for _, e := range rep.BadErrors {
		fmt.Fprintln(u.err, "  skipped:", termSafe(e.Error()))
	}
	if rep.Bad > len(rep.BadErrors) {
		fmt.Fprintf(u.err, "  ... and %d more\n", rep.Bad-len(rep.BadErrors))
	}
}

// upsertWithProgress adds docs in batches, drawing a progress bar on a terminal.
func upsertWithProgress(ctx context.Context, u *ui, c *vajra.Collection, docs []vajra.Document, label string) error {
	const batch = 10000
	p := u.newProgress(label, int64(len(docs)))
	defer p.Finish()
	start := time.Now()
	// Embedders that work through long batches (the local model) report documents as
	// they embed them, so the bar and its ETA move within a batch; the rest of a batch
	// is counted when it is stored.
	var embedded atomic.Int64
	ctx = vajra.WithEmbedProgress(ctx, func(n int) {
		embedded.Add(int64(n))
		p.Add(int64(n))
	})
	for lo := 0; lo < len(docs); lo += batch {
		hi := min(lo+batch, len(docs))
		if _, err := c.Upsert(ctx, docs[lo:hi]); err != nil {
			return err
		}
		p.Add(max(int64(hi-lo)-embedded.Swap(0), 0))
	}
	if d := time.Since(start); d > 2*time.Second {
		p.Finish()
		fmt.Fprintf(u.err, "%s %d documents in %.1f s\n", label, len(docs), d.Seconds())
	}
	return nil
}
