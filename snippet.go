package vajra

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vajrasearch/vajra/internal/analysis"
)

// Snippet is an excerpt of a document's content around the first query term it contains,
// with the byte ranges of every matching word in Text. Query.Highlight fills one per hit.
type Snippet struct {
	Text       string   `json:"text"`
	Highlights [][2]int `json:"highlights"`
	// TitleHighlights are the byte ranges of matching words in the hit's title.
	TitleHighlights [][2]int `json:"title_highlights,omitempty"`
}

// highlightRanges returns the byte ranges of the words of text whose analysed form is one of
// terms, within its first snippetScanBytes.
func highlightRanges(an *analysis.Analyzer, text string, terms []string) [][2]int {
	want := termSet(terms)
	var out [][2]int
	for _, t := range tokensIn(an, nil, text, 0, min(len(text), snippetScanBytes)) {
		if want[t.Term] {
			out = appendRange(out, t.Start, t.End)
		}
	}
	return out
}

func termSet(terms []string) map[string]bool {
	m := make(map[string]bool, len(terms))
	for _, t := range terms {
		m[t] = true
	}
	return m
}

// appendRange adds [s, e), merging it with the previous range when they overlap (compounds
// emit a joined term over the same words as its parts).
func appendRange(out [][2]int, s, e int) [][2]int {
	if n := len(out); n > 0 && s <= out[n-1][1] {
		out[n-1][1] = max(out[n-1][1], e)
		return out
	}
	return append(out, [2]int{s, e})
}

// Snippets look at a bounded part of a document whatever its size: documents can be many
// megabytes, and a snippet's cost must not grow with them.
const (
	// snippetScanBytes is how much of the content is tokenised looking for the first match.
	snippetScanBytes = 64 << 10
	// snippetChunkBytes is the size of the pieces that prefix is tokenised in, so the token
	// buffer stays small and an early match ends the scan early.
	snippetChunkBytes = 4 << 10
	// snippetMaxCandidates caps the places past the prefix where the pre-scan found a query
	// word's spelling and that are tokenised to confirm a match.
	snippetMaxCandidates = 64
)

func makeSnippet(an *analysis.Analyzer, content string, terms []string, width int) Snippet {
	if width <= 0 {
		width = 160
	}
	want := termSet(terms)
	start, floor := 0, 0
	if first := firstMatch(an, content, terms, want, snippetScanBytes, snippetChunkBytes); first >= 0 {
		// Start about a third of the window before the hit, on a word boundary.
		start = backRunes(content, first, width/3)
		start = wordStart(content, start, first)
		floor = first
	}
	end := forwardRunes(content, start, width)
	end = wordEnd(content, end, floor)
	text := content[start:end]
	var hl [][2]int
	for _, t := range tokensIn(an, nil, content, start, end) {
		if t.End <= end && want[t.Term] {
			hl = appendRange(hl, t.Start-start, t.End-start)
		}
	}
	prefix, suffix := "", ""
	if start > 0 {
		prefix = "…"
	}
	if end < len(content) {
		suffix = "…"
	}
	// Collapse whitespace runs so a snippet is one line, shifting highlight offsets.
	var b strings.Builder
	b.WriteString(prefix)
	shift := make([]int, len(text)+1)
	space := false
	for i, r := range text {
		shift[i] = b.Len()
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	shift[len(text)] = b.Len()
	for i := len(text) - 1; i >= 0; i-- {
		if !utf8.RuneStart(text[i]) {
			shift[i] = shift[i+1]
		}
	}
	for i := range hl {
		hl[i] = [2]int{shift[hl[i][0]], shift[hl[i][1]]}
	}
	b.WriteString(suffix)
	return Snippet{Text: strings.TrimRight(b.String(), " "), Highlights: hl}
}

func backRunes(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

func forwardRunes(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// wordStart moves i forward past a partial word, unless i is at the start; never past limit,
// the start of the word the snippet is about.
func wordStart(s string, i, limit int) int {
	if i == 0 {
		return 0
	}
	for j := i; j < len(s) && j < i+40; {
		if j >= limit {
			return limit
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if unicode.IsSpace(r) {
			return j + size
		}
		j += size
	}
	return i
}

// wordEnd moves i back to the end of the last whole word, unless i is at the end; never to
// floor or before, so the window keeps the word the snippet is about.
func wordEnd(s string, i, floor int) int {
	if i >= len(s) {
		return len(s)
	}
	for j := i; j > floor && j > i-40; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if unicode.IsSpace(r) {
			if j-size > floor {
				return j - size
			}
			return i
		}
		j -= size
	}
	return i
}
