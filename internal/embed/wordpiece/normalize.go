package wordpiece

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// matcher finds special tokens in text: the leftmost match, and the longest one among
// those starting there, as Hugging Face's added-vocabulary matcher does.
type matcher struct {
	tokens []string
	ids    []int32
}

func (t *Tokenizer) newMatcher(tokens []string) matcher {
	var m matcher
	for _, s := range tokens {
		id, ok := t.whole[s]
		if !ok || s == "" {
			continue
		}
		m.tokens = append(m.tokens, s)
		m.ids = append(m.ids, id)
	}
	return m
}

// next returns where the first special token in s starts, its length and id; n is 0 (and
// at is len(s)) when there is none.
func (m *matcher) next(s string) (at, n int, id int32) {
	at = len(s)
	for i, tok := range m.tokens {
		j := strings.Index(s[:min(len(s), at+len(tok))], tok)
		if j < 0 {
			continue
		}
		if j < at || j == at && len(tok) > n {
			at, n, id = j, len(tok), m.ids[i]
		}
	}
	return at, n, id
}

// normalize appends the BERT normalisation of s to dst: cleaning, spaces around CJK
// ideographs, accent stripping and lowercasing, as configured. Invalid UTF-8 bytes are
// dropped.
func (t *Tokenizer) normalize(dst []byte, s string) []byte {
	o := &t.opts
	start := len(dst)
	ascii := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if o.CleanText {
				if c == '\t' || c == '\n' || c == '\r' {
					c = ' '
				} else if c < 0x20 || c == 0x7f {
					continue
				}
			}
			if o.Lowercase && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			continue
		}
		if o.CleanText {
			if r == utf8.RuneError || isControl(r) {
				continue
			}
			if isSpace(r) {
				dst = append(dst, ' ')
				continue
			}
		}
		ascii = false
		if o.ChineseChars && isCJK(r) {
			dst = append(dst, ' ')
			dst = utf8.AppendRune(dst, r)
			dst = append(dst, ' ')
			continue
		}
		dst = utf8.AppendRune(dst, r)
	}
	if ascii || !o.StripAccents && !o.Lowercase {
		return dst
	}
	text := dst[start:]
	if o.StripAccents {
		text = stripMarks(norm.NFD.Bytes(text))
	}
	if o.Lowercase {
		text = lowercase(text)
	}
	return append(dst[:start], text...)
}

// stripMarks drops nonspacing marks (category Mn), in place.
func stripMarks(b []byte) []byte {
	out := b[:0]
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r < utf8.RuneSelf || !unicode.Is(unicode.Mn, r) {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// lowercase maps every character to its full lowercase form, one character at a time: the
// only character whose full form differs from its simple one, İ, becomes i and a
// combining dot above; there is no final-sigma rule.
func lowercase(b []byte) []byte {
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		i += size
		switch {
		case r == '\u0130':
			out = append(out, 'i', 0xcc, 0x87)
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			out = append(out, byte(r))
		default:
			out = utf8.AppendRune(out, unicode.ToLower(r))
		}
	}
	return out
}
