package datagen

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"
	"unicode"

	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/storage"
)

// CorpusOptions configure GenerateCorpus.
type CorpusOptions struct {
	// N is the number of documents to generate (required).
	N int
	// Out is the JSON Lines file to write, gzip'd when it ends in ".gz" (required).
	Out string
	// QueriesOut, when set, receives Queries queries (JSON Lines, gzip'd on ".gz").
	QueriesOut string
	// Queries is the number of queries (default 1,000): titles of held-out articles and
	// phrases of two to five words from held-out passages, alternately.
	Queries int
	// HoldOutEvery holds out one article in HoldOutEvery (default 10) from fitting; the
	// queries come from those.
	HoldOutEvery int
	// Seed selects the corpus; 0 is a seed like any other.
	Seed uint64
	// Threads bounds the goroutines generating (default GOMAXPROCS). The output does not
	// depend on it.
	Threads int
	// Progress, when set, is called from one goroutine after each block of documents is
	// written, with the number written so far.
	Progress func(written int)
}

// EnsureDefaults fills the fields left at zero whose zero value is not meaningful.
func (o *CorpusOptions) EnsureDefaults() {
	if o.Queries == 0 {
		o.Queries = 1000
	}
	if o.HoldOutEvery == 0 {
		o.HoldOutEvery = 10
	}
	if o.Threads <= 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
}

// Validate reports the first option out of range.
func (o *CorpusOptions) Validate() error {
	switch {
	case o.N < 1 || o.N > 1e9:
		return fmt.Errorf("%w: N %d out of range [1, 1e9]", ErrBadOptions, o.N)
	case o.Out == "":
		return fmt.Errorf("%w: no output file", ErrBadOptions)
	case o.Queries < 0 || o.Queries > 1e7:
		return fmt.Errorf("%w: Queries %d out of range [0, 1e7]", ErrBadOptions, o.Queries)
	case o.HoldOutEvery < 2 || o.HoldOutEvery > 1e6:
		return fmt.Errorf("%w: HoldOutEvery %d out of range [2, 1e6]", ErrBadOptions, o.HoldOutEvery)
	}
	return nil
}

// CorpusReport says what GenerateCorpus did.
type CorpusReport struct {
	Training, HeldOut int // passages fitted on and held out
	Documents         int
	Queries           int
	Bytes             int64 // uncompressed JSON Lines written
	FitSeconds        float64
	Seconds           float64
}

// LoadPassages reads a corpus file (JSON Lines, gzip'd or not) as passages.
func LoadPassages(ctx context.Context, path string) ([]Passage, error) {
	var ps []Passage
	_, err := corpus.Scan(ctx, path, corpus.ReadOptions{}, func(d corpus.Document) error {
		ps = append(ps, Passage{ID: d.ID, Title: d.Title, Text: d.Content})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load passages: %w", err)
	}
	return ps, nil
}

// corpusBlock is how many documents one generator stream covers (the unit of parallel
// work).
const corpusBlock = 1024

// GenerateCorpus fits a model on the passages not held out and writes o.N generated
// documents ({"_id","title","text"}, ids g000000000, g000000001, ...) to o.Out, and the
// queries to o.QueriesOut. Each file is written atomically. The same passages and
// options give the same bytes whatever o.Threads.
func GenerateCorpus(ctx context.Context, fsys storage.FS, passages []Passage, o CorpusOptions) (*CorpusReport, error) {
	start := time.Now()
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	train, held := SplitHeldOut(passages, o.HoldOutEvery, o.Seed)
	if o.QueriesOut != "" && o.Queries > 0 && len(held) == 0 {
		return nil, fmt.Errorf("%w: no passage held out to draw queries from (%d passages)", ErrBadOptions, len(passages))
	}
	model, err := FitCorpusModel(ctx, train, o.Seed)
	if err != nil {
		return nil, err
	}
	rep := &CorpusReport{Training: len(train), HeldOut: len(held), Documents: o.N,
		FitSeconds: time.Since(start).Seconds()}
	if o.QueriesOut != "" && o.Queries > 0 {
		qs := drawQueries(held, o.Queries, o.Seed)
		err := writeMaybeGzip(fsys, o.QueriesOut, func(w io.Writer) error {
			var line []byte
			for _, q := range qs {
				line = appendQueryLine(line[:0], q)
				if _, err := w.Write(line); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		rep.Queries = len(qs)
	}
	err = writeMaybeGzip(fsys, o.Out, func(w io.Writer) error {
		return model.write(ctx, w, &o, rep)
	})
	if err != nil {
		return nil, err
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

// write generates the documents in parallel blocks and writes them in order.
func (m *CorpusModel) write(ctx context.Context, w io.Writer, o *CorpusOptions, rep *CorpusReport) error {
	blocks := (o.N + corpusBlock - 1) / corpusBlock
	threads := max(1, min(o.Threads, blocks))
	scratch := make([][]tok, threads)
	written := 0
	return orderedBlocks(ctx, blocks, threads, func(worker, b int, buf []byte) ([]byte, error) {
		rng := newRNG(o.Seed, streamCorpus, b)
		for i := b * corpusBlock; i < min(o.N, (b+1)*corpusBlock); i++ {
			var title, body []byte
			title, body, scratch[worker] = m.document(rng, scratch[worker])
			buf = append(buf, `{"_id":"`...)
			buf = fmt.Appendf(buf, "g%09d", i)
			buf = append(buf, `","title":`...)
			buf = appendJSONString(buf, title)
			buf = append(buf, `,"text":`...)
			buf = appendJSONString(buf, body)
			buf = append(buf, "}\n"...)
		}
		return buf, nil
	}, func(b int, data []byte) error {
		if _, err := w.Write(data); err != nil {
			return err
		}
		rep.Bytes += int64(len(data))
		written = min(o.N, (b+1)*corpusBlock)
		if o.Progress != nil {
			o.Progress(written)
		}
		return nil
	})
}

// streamCorpus is the random stream of generated documents (see the vector streams).
const streamCorpus = 16

// writeMaybeGzip writes a file atomically, gzip-compressed when its name ends in ".gz".
func writeMaybeGzip(fsys storage.FS, name string, write func(w io.Writer) error) error {
	return storage.WriteFileAtomic(fsys, name, func(w io.Writer) error {
		if !strings.HasSuffix(name, ".gz") {
			return write(w)
		}
		zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if err != nil {
			return err
		}
		if err := write(zw); err != nil {
			return err
		}
		return zw.Close()
	})
}

// query is a generated query and the held-out passage it came from.
type query struct {
	id, text, kind, source string
}

// drawQueries alternates titles of held-out articles and phrases of two to five words
// from held-out passages, each picked at random (only one kind when the other has none).
func drawQueries(held []Passage, n int, seed uint64) []query {
	rng := newRNG(seed, streamCorpus+1, 0)
	var titles, texts []Passage
	seen := map[string]bool{}
	for _, p := range held {
		if !seen[p.Title] && strings.TrimSpace(p.Title) != "" {
			seen[p.Title] = true
			titles = append(titles, p)
		}
		if phraseWords(p.Text) != nil {
			texts = append(texts, p)
		}
	}
	if len(titles) == 0 && len(texts) == 0 {
		return nil
	}
	qs := make([]query, 0, n)
	for len(qs) < n {
		id := fmt.Sprintf("q%06d", len(qs)+1)
		if len(texts) == 0 || len(qs)%2 == 0 && len(titles) > 0 {
			p := titles[rng.IntN(len(titles))]
			qs = append(qs, query{id, p.Title, "title", p.ID})
			continue
		}
		p := texts[rng.IntN(len(texts))]
		qs = append(qs, query{id, phrase(rng, p.Text), "phrase", p.ID})
	}
	return qs
}

// phrase picks two to five consecutive words of text (which has at least one), stripped
// of surrounding punctuation.
func phrase(rng *rand.Rand, text string) string {
	words := phraseWords(text)
	n := min(len(words), 2+rng.IntN(4))
	i := rng.IntN(len(words) - n + 1)
	return strings.Join(words[i:i+n], " ")
}

func phraseWords(text string) []string {
	var words []string
	for _, f := range strings.Fields(text) {
		f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if f != "" {
			words = append(words, f)
		}
	}
	return words
}

func appendQueryLine(b []byte, q query) []byte {
	b = append(b, `{"_id":`...)
	b = appendJSONString(b, []byte(q.id))
	b = append(b, `,"text":`...)
	b = appendJSONString(b, []byte(q.text))
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, []byte(q.kind))
	b = append(b, `,"source":`...)
	b = appendJSONString(b, []byte(q.source))
	return append(b, "}\n"...)
}

// appendJSONString appends s as a JSON string. s is valid UTF-8 (every token comes from
// decoded JSON or from runes), so only quotes, backslashes and control characters need
// escapes.
func appendJSONString(b, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
