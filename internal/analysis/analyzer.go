package analysis

import (
	"fmt"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/porter"
	"github.com/clipperhouse/uax29/v2/words"
)

// Token is one term with where it came from.
type Token struct {
	// Term is the index term: folded, stemmed, valid UTF-8, never empty.
	Term string
	// Start and End are the byte offsets of the source word in the input: text[Start:End]
	// is the word the term came from (the whole compound for a joined form).
	Start, End int
	// Pos is the word position, counting every word including removed stopwords, so phrase
	// distances survive stopword removal. The joined form of a compound shares the position
	// of its first part. Positions never decrease along the token list.
	Pos int
}

// Analyzer turns text into terms. It is safe for concurrent use; create one per Options and
// share it, since its word cache is what makes it fast.
type Analyzer struct {
	opts  Options
	stop  map[string]struct{}
	stem  func(string) string // nil: no stemming
	cache *wordCache
}

// New returns an Analyzer for o (after o.EnsureDefaults).
func New(o Options) (*Analyzer, error) {
	return newAnalyzer(o, defaultCacheWords)
}

func newAnalyzer(o Options, cacheWords int) (*Analyzer, error) {
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	a := &Analyzer{opts: o, cache: newWordCache(cacheWords)}
	switch o.Stemmer {
	case StemmerEnglish:
		a.stem = snowball(english.Stem)
	case StemmerPorter:
		a.stem = snowball(porter.Stem)
	}
	var list []string
	switch o.Stopwords {
	case StopwordsEnglish:
		list = snowballEnglishStop[:]
	case StopwordsLucene:
		list = luceneEnglishStop[:]
	case StopwordsNone:
	default:
		custom, err := customStopwords(o.Stopwords)
		if err != nil {
			return nil, err
		}
		list = custom
	}
	a.stop = make(map[string]struct{}, len(list))
	for _, w := range list {
		// Entries are folded like text so that the comparison happens on equal terms.
		n := a.normalize(w, isASCII(w))
		if n == "" {
			return nil, fmt.Errorf("%w: stopword %q is empty after folding", ErrInvalidOptions, w)
		}
		a.stop[n] = struct{}{}
	}
	return a, nil
}

func snowball(stem func(*snowballstem.Env) bool) func(string) string {
	return func(w string) string {
		env := snowballstem.NewEnv(w)
		stem(env)
		return env.Current()
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Options returns the options in effect, defaults filled in.
func (a *Analyzer) Options() Options { return a.opts }

// AppendTokens appends the tokens of text to dst and returns the extended slice.
func (a *Analyzer) AppendTokens(dst []Token, text string) []Token {
	out := sink{tokens: dst, full: true}
	a.run(&out, text)
	return out.tokens
}

// AppendTerms appends the terms of text to dst: the same terms, in the same order, as
// AppendTokens, without offsets. It is the indexing fast path: repeated words return shared
// strings from the cache and allocate nothing.
func (a *Analyzer) AppendTerms(dst []string, text string) []string {
	out := sink{terms: dst}
	a.run(&out, text)
	return out.terms
}

// sink collects either Tokens or bare terms, so one pipeline serves both entry points.
type sink struct {
	tokens []Token
	terms  []string
	full   bool
}

func (s *sink) add(t Token) {
	if s.full {
		s.tokens = append(s.tokens, t)
	} else {
		s.terms = append(s.terms, t.Term)
	}
}

func (s *sink) len() int {
	if s.full {
		return len(s.tokens)
	}
	return len(s.terms)
}

// insert puts t at index i, shifting later entries; joined compound forms are placed right
// after their first part this way.
func (s *sink) insert(i int, t Token) {
	if s.full {
		s.tokens = append(s.tokens, Token{})
		copy(s.tokens[i+1:], s.tokens[i:])
		s.tokens[i] = t
		return
	}
	s.terms = append(s.terms, "")
	copy(s.terms[i+1:], s.terms[i:])
	s.terms[i] = t.Term
}

// compound tracks a hyphenated compound ("state-of-the-art") while its parts stream by.
type compound struct {
	parts     int
	firstPos  int
	start     int
	end       int
	hyphenEnd int // end of the hyphen right after the last part, or -1
	insertAt  int // sink index just after the first part's tokens
}

func isHyphen(seg string) bool {
	switch seg {
	case "-", "\u2010", "\u2011":
		return true
	}
	return false
}

func (a *Analyzer) run(out *sink, text string) {
	it := words.FromString(text)
	pos := 0
	c := compound{hyphenEnd: -1}
	for it.Next() {
		seg := it.Value()
		start := it.Start()
		if !hasAlnum(seg) {
			if a.opts.Compounds {
				if c.parts > 0 && c.hyphenEnd < 0 && start == c.end && isHyphen(seg) {
					c.hyphenEnd = start + len(seg)
				} else {
					a.flushCompound(out, &c, text)
				}
			}
			continue
		}
		if a.opts.Compounds {
			if c.parts > 0 && c.hyphenEnd == start {
				c.parts++
			} else {
				a.flushCompound(out, &c, text)
				c.parts, c.firstPos, c.start = 1, pos, start
			}
			c.end, c.hyphenEnd = start+len(seg), -1
		}
		r, ok := a.cache.get(seg)
		if !ok {
			r = a.analyzeWord(seg)
			if len(seg) <= 4*a.opts.MaxTokenBytes {
				a.cache.put(seg, r)
			}
		}
		afterFirst := -1 // sink index just after the tokens at this word's first position
		switch r.kind {
		case wordTerm:
			out.add(Token{Term: r.term, Start: start, End: start + len(seg), Pos: pos})
			pos++
		case wordDrop:
			pos++
		case wordMulti:
			pos, afterFirst = a.runParts(out, seg, start, pos)
		}
		if a.opts.Compounds && c.parts == 1 {
			c.insertAt = afterFirst
			if afterFirst < 0 {
				c.insertAt = out.len()
			}
		}
	}
	a.flushCompound(out, &c, text)
}

// runParts emits the parts of a dotted word ("example.com") and, with Compounds, its joined
// form right after the first part. It returns the next position and the sink index just
// after the tokens at the first part's position.
func (a *Analyzer) runParts(out *sink, seg string, start, pos int) (nextPos, afterFirst int) {
	firstPos, insertAt := pos, -1
	partStart := 0
	for i := 0; i <= len(seg); {
		// Past the end acts as a final separator, flushing the last part.
		r, n := utf8.RuneError, 1
		if i < len(seg) {
			r, n = utf8.DecodeRuneInString(seg[i:])
			if !isSeparator(r) {
				i += n
				continue
			}
		}
		if part := seg[partStart:i]; part != "" && hasAlnum(part) {
			if w := a.word(part); w.kind == wordTerm {
				out.add(Token{Term: w.term, Start: start + partStart, End: start + i, Pos: pos})
			}
			pos++
			if insertAt < 0 {
				insertAt = out.len()
			}
		}
		i += n
		partStart = i
	}
	if insertAt < 0 {
		return pos, out.len()
	}
	if a.opts.Compounds {
		var buf [128]byte
		if r := a.wordBytes(appendJoinPart(buf[:0], seg, 4*a.opts.MaxTokenBytes)); r.kind == wordTerm {
			out.insert(insertAt, Token{Term: r.term, Start: start, End: start + len(seg), Pos: firstPos})
			insertAt++
		}
	}
	return pos, insertAt
}

// word returns the cached analysis of a word that has no separators.
func (a *Analyzer) word(w string) wordResult {
	if r, ok := a.cache.get(w); ok {
		return r
	}
	r := a.analyzeWord(w)
	if len(w) <= 4*a.opts.MaxTokenBytes {
		a.cache.put(w, r)
	}
	return r
}

// flushCompound emits the joined form of a finished hyphenated compound, built from
// text[c.start:c.end]: the parts without the hyphens between them.
func (a *Analyzer) flushCompound(out *sink, c *compound, text string) {
	if c.parts >= 2 {
		var buf [128]byte // ordinary compounds are joined without allocating
		joined := buf[:0]
		span, limit := text[c.start:c.end], 4*a.opts.MaxTokenBytes
		for partStart, i := 0, 0; i <= len(span); {
			n := 1
			if i < len(span) {
				_, n = utf8.DecodeRuneInString(span[i:])
				if !isHyphen(span[i : i+n]) {
					i += n
					continue
				}
			}
			joined = appendJoinPart(joined, span[partStart:i], limit)
			i += n
			partStart = i
		}
		if len(joined) <= limit {
			if r := a.wordBytes(joined); r.kind == wordTerm {
				out.insert(c.insertAt, Token{Term: r.term, Start: c.start, End: c.end, Pos: c.firstPos})
			}
		}
	}
	c.parts, c.hyphenEnd = 0, -1
}

// wordBytes is word for a joined compound held in a reused buffer; a cache hit allocates
// nothing.
func (a *Analyzer) wordBytes(w []byte) wordResult {
	if r, ok := a.cache.getBytes(w); ok {
		return r
	}
	return a.word(string(w))
}

// appendJoinPart appends a compound part to the joined form: a part without digits loses
// its separators ("U.S" → "US"), a part with digits stays as is ("3.14"). Once the joined
// form exceeds limit it cannot become a term, so appending stops.
func appendJoinPart(dst []byte, part string, limit int) []byte {
	if len(dst) > limit {
		return dst
	}
	if info := classify(part); info.digit || !info.sep {
		return append(dst, part...)
	}
	for i, r := range part {
		if !isSeparator(r) {
			dst = append(dst, part[i:i+utf8.RuneLen(r)]...)
		}
	}
	return dst
}
