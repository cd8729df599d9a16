package datagen

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
)

// Passage is one training text: a title and a body.
type Passage struct {
	ID, Title, Text string
}

// CorpusModel generates documents that look like the passages it was fitted on: a body
// chain and a title chain (see chain), sharing one speller of synthetic words.
type CorpusModel struct {
	body, title *chain
	speller     *charModel
	// Passages and Tokens count the training passages and their body tokens.
	Passages int
	Tokens   int64
}

// Default weights of the chains' components, chosen so that generated passages match the
// English Wikipedia passages of the shared data in vocabulary growth, in-document
// repetition and length (see the package tests).
const (
	DefaultBodyBigram  = 0.55
	DefaultBodyCache   = 0.16
	DefaultTitleBigram = 0.5
)

// FitCorpusModel fits a model on passages. It fails on an empty training set.
func FitCorpusModel(ctx context.Context, passages []Passage, seed uint64) (*CorpusModel, error) {
	if len(passages) == 0 {
		return nil, fmt.Errorf("%w: no training passages", ErrBadOptions)
	}
	bodies := make([][]string, 0, len(passages))
	var titles [][]string
	seen := map[string]bool{}
	for i, p := range passages {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("fit corpus model: %w", ctx.Err())
		}
		if f := strings.Fields(p.Text); len(f) > 0 {
			bodies = append(bodies, f)
		}
		if !seen[p.Title] {
			seen[p.Title] = true
			if f := strings.Fields(p.Title); len(f) > 0 {
				titles = append(titles, f)
			}
		}
	}
	if len(bodies) == 0 {
		return nil, fmt.Errorf("%w: the training passages have no text", ErrBadOptions)
	}
	m := &CorpusModel{body: fitChain(bodies, DefaultBodyBigram, DefaultBodyCache), Passages: len(passages)}
	m.Tokens = m.body.total
	if len(titles) == 0 {
		titles = [][]string{{"Untitled"}}
	}
	m.title = fitChain(titles, DefaultTitleBigram, 0)
	m.speller = fitCharModel(m.body.words, m.body.counts, splitMix(seed^0x5eed))
	return m, nil
}

// HeapsBeta returns the Heaps exponent fitted on the training bodies (whitespace tokens).
func (m *CorpusModel) HeapsBeta() float64 { return m.body.heapsBeta }

// spell appends the text of tokens of a chain to b, separated by spaces.
func (m *CorpusModel) spell(c *chain, toks []tok, b []byte) []byte {
	for i, t := range toks {
		if i > 0 {
			b = append(b, ' ')
		}
		if int64(t) < int64(len(c.words)) {
			b = append(b, c.words[t]...)
			continue
		}
		b = append(b, m.speller.word(int64(t)-int64(len(c.words)))...)
	}
	return b
}

// document generates one document's title and body with rng.
func (m *CorpusModel) document(rng *rand.Rand, scratch []tok) (title, body []byte, _ []tok) {
	toks := m.title.text(rng, m.title.length(rng), scratch[:0])
	title = m.spell(m.title, toks, nil)
	toks = m.body.text(rng, m.body.length(rng), toks[:0])
	body = m.spell(m.body, toks, nil)
	return title, body, toks
}

// SplitHeldOut divides passages by article (title), so no article is on both sides: one
// in every `every` titles, picked by a hash of the title and seed, is held out. every < 2
// holds out nothing.
func SplitHeldOut(passages []Passage, every int, seed uint64) (train, held []Passage) {
	for _, p := range passages {
		if every >= 2 && titleHash(p.Title, seed)%uint64(every) == 0 {
			held = append(held, p)
		} else {
			train = append(train, p)
		}
	}
	return train, held
}

func titleHash(title string, seed uint64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(title))
	return splitMix(h.Sum64() ^ seed)
}
