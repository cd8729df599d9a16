package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// wordInfo describes a raw segment.
type wordInfo struct {
	alnum bool // has a letter or digit: the segment is a word
	digit bool // has a digit (any Unicode number): kept whole and never stemmed
	sep   bool // has a separator UAX#29 kept inside the word (. : · _ and the like)
	ascii bool
}

func isASCIIAlnum(c byte) bool {
	return c-'a' < 26 || c-'A' < 26 || c-'0' < 10
}

// isApostrophe reports the characters treated as an apostrophe inside words; all of them
// fold to "'".
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u2018', '\u02BC', '\uFF07':
		return true
	}
	return false
}

// hasAlnum reports whether a segment is a word. It is the hot check on every segment.
func hasAlnum(seg string) bool {
	if isASCIIAlnum(seg[0]) {
		return true
	}
	for i := 0; i < len(seg); {
		c := seg[i]
		if c < utf8.RuneSelf {
			if isASCIIAlnum(c) {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(seg[i:])
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
		i += n
	}
	return false
}

func classify(seg string) wordInfo {
	info := wordInfo{ascii: true}
	for i := 0; i < len(seg); {
		c := seg[i]
		if c < utf8.RuneSelf {
			switch {
			case c-'0' < 10:
				info.alnum, info.digit = true, true
			case isASCIIAlnum(c):
				info.alnum = true
			case c != '\'':
				info.sep = true
			}
			i++
			continue
		}
		info.ascii = false
		r, n := utf8.DecodeRuneInString(seg[i:])
		i += n
		switch {
		case unicode.IsLetter(r):
			info.alnum = true
		case unicode.IsNumber(r):
			info.alnum, info.digit = true, true
		case unicode.IsMark(r), unicode.Is(unicode.Cf, r), isApostrophe(r):
		default: // includes utf8.RuneError: invalid bytes separate words
			info.sep = true
		}
	}
	return info
}

// isSeparator is the per-rune form of wordInfo.sep.
func isSeparator(r rune) bool {
	if r < utf8.RuneSelf {
		c := byte(r)
		return !isASCIIAlnum(c) && c != '\''
	}
	return !(unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) ||
		unicode.Is(unicode.Cf, r) || isApostrophe(r))
}

// acronymLetters reports whether seg is single letters joined by dots ("U.S.A", "e.g";
// UAX#29 leaves the final dot out) and returns it without the dots.
func acronymLetters(seg string) (string, bool) {
	var b strings.Builder
	letters, dots := 0, 0
	needLetter := true
	for _, r := range seg {
		switch {
		case r == '.':
			if needLetter {
				return "", false
			}
			dots++
			needLetter = true
		case unicode.IsLetter(r):
			if !needLetter {
				return "", false // two letters in a row: a word, not an initial
			}
			letters++
			needLetter = false
			b.WriteRune(r)
		case unicode.IsMark(r) || unicode.Is(unicode.Cf, r):
			if needLetter {
				return "", false
			}
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if letters < 2 || dots != letters-1 || needLetter {
		return "", false
	}
	return b.String(), true
}

// normalize folds a word: ASCII is lower-cased; anything else is NFC-normalised, fully case
// folded, stripped of format characters, has its apostrophes unified and, with FoldAccents,
// loses its diacritics. The result is valid UTF-8 in NFC.
func (a *Analyzer) normalize(w string, ascii bool) string {
	if ascii {
		for i := 0; i < len(w); i++ {
			if c := w[i]; c-'A' < 26 {
				b := []byte(w)
				for j := i; j < len(b); j++ {
					if b[j]-'A' < 26 {
						b[j] += 'a' - 'A'
					}
				}
				return string(b)
			}
		}
		return w
	}
	w = strings.ToValidUTF8(w, "\uFFFD")
	w = norm.NFC.String(w)
	w = cases.Fold().String(w)
	w = strings.Map(func(r rune) rune {
		if isApostrophe(r) {
			return '\''
		}
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, w)
	if a.opts.FoldAccents {
		w = foldAccents(w)
	}
	return norm.NFC.String(w)
}

// foldAccents removes combining diacritics (U+0300–U+036F, the marks Latin, Greek and
// Cyrillic use; marks of other scripts such as the kana voicing marks carry meaning and stay)
// and spells a few letters that have no decomposition in ASCII.
func foldAccents(w string) string {
	d := norm.NFD.String(w)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if r >= 0x300 && r <= 0x36F {
			continue
		}
		switch r {
		case 'ø':
			b.WriteByte('o')
		case 'ł':
			b.WriteByte('l')
		case 'đ', 'ð':
			b.WriteByte('d')
		case 'ħ':
			b.WriteByte('h')
		case 'ı':
			b.WriteByte('i')
		case 'æ':
			b.WriteString("ae")
		case 'œ':
			b.WriteString("oe")
		case 'þ':
			b.WriteString("th")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// finish applies stopwords, possessive removal, the length limit and stemming to a
// normalised word. ok is false when the word yields no term.
func (a *Analyzer) finish(w string, digit bool) (term string, ok bool) {
	if _, stop := a.stop[w]; stop {
		return "", false
	}
	if len(w) > 2 && strings.HasSuffix(w, "'s") {
		w = w[:len(w)-2]
		if _, stop := a.stop[w]; stop {
			return "", false
		}
	}
	if w == "" || len(w) > a.opts.MaxTokenBytes {
		return "", false
	}
	if a.stem != nil && !digit && hasASCIILetter(w) {
		w = a.stem(w)
	}
	return w, w != ""
}

func hasASCIILetter(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c-'a' < 26 || c-'A' < 26 {
			return true
		}
	}
	return false
}

// analyzeWord computes what one source word yields, without the cache.
func (a *Analyzer) analyzeWord(seg string) wordResult {
	info := classify(seg)
	if !info.alnum {
		return wordResult{kind: wordDrop}
	}
	if !info.digit && info.sep {
		letters, ok := acronymLetters(seg)
		if !ok {
			return wordResult{kind: wordMulti}
		}
		seg = letters
	}
	if len(seg) > 4*a.opts.MaxTokenBytes {
		// Folding never shrinks text by more than 3x (three Hangul jamo compose into one
		// syllable), so this word cannot fit and need not be folded.
		return wordResult{kind: wordDrop}
	}
	term, ok := a.finish(a.normalize(seg, info.ascii), info.digit)
	if !ok {
		return wordResult{kind: wordDrop}
	}
	return wordResult{term: term, kind: wordTerm}
}
