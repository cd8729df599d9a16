package vajra

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vajrasearch/vajra/internal/analysis"
)

// firstMatch returns the byte offset of the first word of content whose analysed form is in
// want, or -1. It tokenises at most the first scanBytes, chunkBytes at a time; past them, a
// pre-scan looks for the query words' spellings and tokenises only around what it finds.
func firstMatch(an *analysis.Analyzer, content string, terms []string, want map[string]bool, scanBytes, chunkBytes int) int {
	if len(want) == 0 {
		return -1
	}
	limit := min(len(content), scanBytes)
	var buf []analysis.Token
	for lo := 0; lo < limit; {
		hi := min(lo+chunkBytes, len(content))
		if hi < len(content) {
			hi = cutAfterSpace(content, lo, hi)
		}
		buf = tokensIn(an, buf[:0], content, lo, hi)
		for _, t := range buf {
			if want[t.Term] {
				return t.Start
			}
		}
		lo = hi
	}
	if limit == len(content) {
		return -1
	}
	return prescanMatch(an, content, limit, terms, want)
}

// prescanMatch looks for the first match at or after from without tokenising everything:
// it finds where a query word's spelling occurs (ASCII, ignoring case) and tokenises a few
// hundred bytes around each such place to confirm. A word whose surface form does not contain
// its term's spelling (a non-ASCII term, an accented letter folded away, an acronym written
// with dots, an irregular stem such as dying → die) is not found this way; the snippet then
// starts at the beginning of the content, as for a document without a visible match.
func prescanMatch(an *analysis.Analyzer, content string, from int, terms []string, want map[string]bool) int {
	best := -1
	budget := snippetMaxCandidates
	var buf []analysis.Token
	for i, term := range terms {
		needle := scanNeedle(term)
		if needle == "" || slices.Contains(terms[:i], term) {
			continue
		}
		end := len(content)
		if best >= 0 {
			end = best
		}
		for p := from; budget > 0 && p < end; {
			j := indexFoldASCII(content[p:end], needle)
			if j < 0 {
				break
			}
			j += p
			budget--
			lo, hi := max(j-64, 0), min(j+len(needle)+256, len(content))
			lo, hi = backToRuneStart(content, lo), backToRuneStart(content, hi)
			found := -1
			buf = tokensIn(an, buf[:0], content, lo, hi)
			for _, t := range buf {
				if want[t.Term] {
					found = t.Start
					break
				}
			}
			if found >= 0 {
				if best < 0 || found < best {
					best = found
				}
				break
			}
			p = j + 1
		}
	}
	return best
}

// scanNeedle returns lower-case ASCII text that a word yielding term contains, ignoring
// case, or "" when none can be told from the term. Stemmers rewrite only a word's ending
// (happy → happi, hoping → hope), so all but the term's last byte is kept.
func scanNeedle(term string) string {
	for i := 0; i < len(term); i++ {
		if term[i] >= utf8.RuneSelf || ('A' <= term[i] && term[i] <= 'Z') {
			return ""
		}
	}
	if len(term) >= 3 {
		return term[:len(term)-1]
	}
	return term
}

// indexFoldASCII returns the index of the first occurrence of needle (lower-case ASCII, not
// empty) in s, ignoring ASCII case, or -1. It allocates nothing and finds candidate first
// bytes with strings.IndexByte, keeping the next position of each case so that neither is
// searched for twice.
func indexFoldASCII(s, needle string) int {
	lower, upper := needle[0], needle[0]
	if 'a' <= lower && lower <= 'z' {
		upper = lower - 'a' + 'A'
	}
	nextLower, nextUpper := -2, -2 // -2: not searched yet past i; -1: none left
	for i := 0; i+len(needle) <= len(s); {
		if nextLower != -1 && nextLower < i {
			nextLower = indexByteFrom(s, lower, i)
		}
		if nextUpper != -1 && nextUpper < i {
			nextUpper = indexByteFrom(s, upper, i)
		}
		p := nextLower
		if p < 0 || (nextUpper >= 0 && nextUpper < p) {
			p = nextUpper
		}
		if p < 0 || p+len(needle) > len(s) {
			return -1
		}
		if equalFoldASCII(s[p+1:p+len(needle)], needle[1:]) {
			return p
		}
		i = p + 1
	}
	return -1
}

func indexByteFrom(s string, c byte, from int) int {
	if j := strings.IndexByte(s[from:], c); j >= 0 {
		return from + j
	}
	return -1
}

// equalFoldASCII reports whether s equals lower (lower-case ASCII) ignoring ASCII case.
func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// tokensIn appends to dst the tokens of the words that start in content[lo:hi], with offsets
// into content. It tokenises a little past both ends, to the nearest ASCII space, so that
// words cut by lo or hi are seen whole or not at all, never as a fragment.
func tokensIn(an *analysis.Analyzer, dst []analysis.Token, content string, lo, hi int) []analysis.Token {
	reach := 4*an.Options().MaxTokenBytes + 4
	rlo, rhi := lo, hi
	for rlo > 0 && lo-rlo < reach && !isASCIISpace(content[rlo-1]) {
		rlo--
	}
	for rhi < len(content) && rhi-hi < reach && !isASCIISpace(content[rhi]) {
		rhi++
	}
	rlo, rhi = backToRuneStart(content, rlo), backToRuneStart(content, rhi)
	cleanLo := rlo == 0 || isASCIISpace(content[rlo-1])
	cleanHi := rhi == len(content) || isASCIISpace(content[rhi])
	n := len(dst)
	dst = an.AppendTokens(dst, content[rlo:rhi])
	out := dst[:n]
	for _, t := range dst[n:] {
		t.Start += rlo
		t.End += rlo
		if t.Start < lo || t.Start >= hi || (!cleanLo && t.Start == rlo) || (!cleanHi && t.End == rhi) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// cutAfterSpace moves hi back to just after the last ASCII space in content[lo:hi], so a
// chunk ends between words; with no space it stays, on a rune boundary.
func cutAfterSpace(content string, lo, hi int) int {
	if j := strings.LastIndexAny(content[lo:hi], " \t\n\r\f\v"); j >= 0 {
		return lo + j + 1
	}
	if r := backToRuneStart(content, hi); r > lo {
		return r
	}
	return hi
}

func backToRuneStart(s string, i int) int {
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
