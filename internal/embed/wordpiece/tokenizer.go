package wordpiece

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrBadTokenizer reports tokenizer files or options that cannot be used: a vocabulary
// without its unknown token, an unsupported tokenizer.json component, malformed JSON.
var ErrBadTokenizer = errors.New("bad tokenizer")

// Options configure a Tokenizer. The zero value is not usable; DefaultOptions gives the
// settings of bert-base-uncased and all-MiniLM-L6-v2.
type Options struct {
	// CleanText drops control characters and turns every kind of space into ' '.
	CleanText bool
	// ChineseChars puts spaces around CJK ideographs.
	ChineseChars bool
	// StripAccents removes nonspacing marks after canonical decomposition.
	StripAccents bool
	// Lowercase lowercases every character.
	Lowercase bool
	// MaxCharsPerWord: longer words become the unknown token (100 in BERT).
	MaxCharsPerWord int
	// ContinuationPrefix marks pieces that continue a word ("##").
	ContinuationPrefix string
	// Unknown names the token of words that cannot be split into pieces ("[UNK]").
	Unknown string
	// Prefix and Suffix are the tokens around every sequence ([CLS] and [SEP]).
	Prefix, Suffix []string
	// Special lists the tokens matched whole in the raw text before normalisation
	// (normally every special token: [PAD], [UNK], [CLS], [SEP], [MASK]); tokens not in the
	// vocabulary are ignored. NormalizedSpecial lists those matched after normalisation.
	Special, NormalizedSpecial []string
}

// DefaultOptions returns the options of an uncased BERT vocabulary.
func DefaultOptions() Options {
	return Options{
		CleanText: true, ChineseChars: true, StripAccents: true, Lowercase: true,
		MaxCharsPerWord: 100, ContinuationPrefix: "##", Unknown: "[UNK]",
		Prefix: []string{"[CLS]"}, Suffix: []string{"[SEP]"},
		Special: []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"},
	}
}

// Tokenizer encodes text into token ids. It is immutable and safe for concurrent use.
type Tokenizer struct {
	opts   Options
	tokens []string         // id → token
	whole  map[string]int32 // every token
	cont   map[string]int32 // continuation pieces, without their prefix
	// maxWhole and maxCont bound, in bytes, the longest piece worth looking up.
	maxWhole, maxCont int
	unknown           int32
	prefix, suffix    []int32
	special           matcher // matched in the raw text
	normSpecial       matcher // matched in the normalised text
	// chunkable: no special token holds a space, so long texts can be cut at spaces.
	chunkable bool
}

// New builds a tokenizer over vocab (token ids are positions; a repeated token keeps its
// last position, as Hugging Face's loaders do).
func New(vocab []string, o Options) (*Tokenizer, error) {
	if len(vocab) == 0 {
		return nil, fmt.Errorf("empty vocabulary: %w", ErrBadTokenizer)
	}
	if len(vocab) > 1<<24 {
		return nil, fmt.Errorf("vocabulary of %d tokens is larger than %d: %w", len(vocab), 1<<24, ErrBadTokenizer)
	}
	if o.MaxCharsPerWord <= 0 {
		return nil, fmt.Errorf("max characters per word %d: %w", o.MaxCharsPerWord, ErrBadTokenizer)
	}
	t := &Tokenizer{opts: o, tokens: vocab, whole: make(map[string]int32, len(vocab)),
		cont: make(map[string]int32), chunkable: true}
	for i, tok := range vocab {
		t.whole[tok] = int32(i)
		t.maxWhole = max(t.maxWhole, len(tok))
		if o.ContinuationPrefix != "" && strings.HasPrefix(tok, o.ContinuationPrefix) {
			piece := tok[len(o.ContinuationPrefix):]
			t.cont[piece] = int32(i)
			t.maxCont = max(t.maxCont, len(piece))
		}
	}
	if o.ContinuationPrefix == "" {
		t.cont, t.maxCont = t.whole, t.maxWhole
	}
	var ok bool
	if t.unknown, ok = t.whole[o.Unknown]; !ok {
		return nil, fmt.Errorf("unknown token %q is not in the vocabulary: %w", o.Unknown, ErrBadTokenizer)
	}
	var err error
	if t.prefix, err = t.ids(o.Prefix); err != nil {
		return nil, err
	}
	if t.suffix, err = t.ids(o.Suffix); err != nil {
		return nil, err
	}
	t.special = t.newMatcher(o.Special)
	t.normSpecial = t.newMatcher(o.NormalizedSpecial)
	for _, s := range append(append([]string(nil), o.Special...), o.NormalizedSpecial...) {
		if strings.IndexFunc(s, isSpace) >= 0 {
			t.chunkable = false
		}
	}
	return t, nil
}

func (t *Tokenizer) ids(tokens []string) ([]int32, error) {
	out := make([]int32, len(tokens))
	for i, s := range tokens {
		id, ok := t.whole[s]
		if !ok {
			return nil, fmt.Errorf("template token %q is not in the vocabulary: %w", s, ErrBadTokenizer)
		}
		out[i] = id
	}
	return out, nil
}

// VocabSize is the number of ids the tokenizer may return.
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }

// Token returns the text of token id, or "" for an id outside the vocabulary.
func (t *Tokenizer) Token(id int32) string {
	if id < 0 || int(id) >= len(t.tokens) {
		return ""
	}
	return t.tokens[id]
}

// Options returns the options the tokenizer was built with.
func (t *Tokenizer) Options() Options { return t.opts }

// Specials is the number of tokens the template adds around every sequence.
func (t *Tokenizer) Specials() int { return len(t.prefix) + len(t.suffix) }

// Encode returns the ids of text with the template tokens around them. When maxLen > 0 the
// pieces are truncated (keeping the first ones) so that the whole sequence holds at most
// maxLen ids; maxLen must then be larger than Specials(). Invalid UTF-8 bytes are dropped.
// Work stops once maxLen ids are known, so a huge text costs no more than its beginning.
func (t *Tokenizer) Encode(text string, maxLen int) []int32 {
	return t.AppendEncode(nil, text, maxLen)
}

// AppendEncode appends the encoding of text to dst; see Encode.
func (t *Tokenizer) AppendEncode(dst []int32, text string, maxLen int) []int32 {
	dst = append(dst, t.prefix...)
	limit := -1
	if maxLen > 0 {
		limit = max(len(dst)+maxLen-t.Specials(), len(dst))
	}
	var buf []byte
	for len(text) > 0 && (limit < 0 || len(dst) < limit) {
		chunk := text
		if t.chunkable {
			chunk = cutAtSpace(text, chunkBytes)
		}
		text = text[len(chunk):]
		dst, buf = t.appendChunk(dst, chunk, buf)
	}
	if limit >= 0 && len(dst) > limit {
		dst = dst[:limit]
	}
	return append(dst, t.suffix...)
}

// chunkBytes is the size above which a text is tokenised in pieces cut at spaces. Cutting
// at a space changes nothing: special tokens then hold no space, a space starts a new
// normalisation unit and ends a word.
const chunkBytes = 4096

// cutAtSpace returns the prefix of s up to and including the first ASCII space, tab or
// newline at or after n bytes, or all of s.
func cutAtSpace(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.IndexAny(s[n:], " \t\n\r"); i >= 0 {
		return s[:n+i+1]
	}
	return s
}

// appendChunk tokenises one chunk: special tokens first, then normalisation, the
// normalised special tokens, words and pieces.
func (t *Tokenizer) appendChunk(dst []int32, s string, buf []byte) ([]int32, []byte) {
	for len(s) > 0 {
		at, n, id := t.special.next(s)
		plain := s[:at]
		if len(plain) > 0 {
			buf = t.normalize(buf[:0], plain)
			dst = t.appendNormalized(dst, string(buf))
		}
		if n == 0 {
			break
		}
		dst = append(dst, id)
		s = s[at+n:]
	}
	return dst, buf
}

// appendNormalized matches the normalised special tokens, then splits the rest into words.
func (t *Tokenizer) appendNormalized(dst []int32, s string) []int32 {
	for len(s) > 0 {
		at, n, id := t.normSpecial.next(s)
		dst = t.appendWords(dst, s[:at])
		if n == 0 {
			break
		}
		dst = append(dst, id)
		s = s[at+n:]
	}
	return dst
}

// appendWords is the BERT pre-tokenizer: words end at spaces, and each punctuation
// character is a word of its own.
func (t *Tokenizer) appendWords(dst []int32, s string) []int32 {
	start := -1
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case isSpace(r):
			if start >= 0 {
				dst = t.appendWord(dst, s[start:i])
				start = -1
			}
		case isPunct(r):
			if start >= 0 {
				dst = t.appendWord(dst, s[start:i])
				start = -1
			}
			dst = t.appendWord(dst, s[i:i+size])
		default:
			if start < 0 {
				start = i
			}
		}
		i += size
	}
	if start >= 0 {
		dst = t.appendWord(dst, s[start:])
	}
	return dst
}

// appendWord splits one word into its greedy longest-match-first pieces.
func (t *Tokenizer) appendWord(dst []int32, w string) []int32 {
	if utf8.RuneCountInString(w) > t.opts.MaxCharsPerWord {
		return append(dst, t.unknown)
	}
	if id, ok := t.whole[w]; ok {
		return append(dst, id)
	}
	mark := len(dst)
	for start := 0; start < len(w); {
		table, longest := t.whole, t.maxWhole
		if start > 0 {
			table, longest = t.cont, t.maxCont
		}
		end := min(len(w), start+longest)
		for end < len(w) && end > start && !utf8.RuneStart(w[end]) {
			end-- // back to a character boundary
		}
		found := false
		for end > start {
			if id, ok := table[w[start:end]]; ok {
				dst = append(dst, id)
				found = true
				break
			}
			_, size := utf8.DecodeLastRuneInString(w[start:end])
			end -= size
		}
		if !found {
			return append(dst[:mark], t.unknown)
		}
		start = end
	}
	return dst
}
