package datagen

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// charModel spells synthetic words: an order-3 character Markov model fitted on the rare
// words of the training text (their letters, case kept: many are names), plus the
// punctuation those words carry around them. A synthetic word is a function of its rank
// alone, so any goroutine can spell it.
type charModel struct {
	ctxs   []charCtx // sorted by key
	affix  []string  // prefix + "\x00" + suffix
	affixW alias
	known  map[string]bool // training words, which a synthetic word must not repeat
	seed   uint64
}

type charCtx struct {
	key   [3]rune
	next  []rune // rune 0 ends the word
	cum   []uint32
	total uint32
}

// maxWordRunes bounds a synthetic word.
const maxWordRunes = 24

// fitCharModel learns from the tokens seen at most twice.
func fitCharModel(words []string, counts []uint32, seed uint64) *charModel {
	m := &charModel{known: make(map[string]bool, len(words)), seed: seed}
	trans := map[[3]rune]map[rune]uint32{}
	affixes := map[string]uint32{}
	for i, w := range words {
		m.known[w] = true
		if i == 0 || counts[i] > 2 {
			continue
		}
		pre, core, suf := splitAffixes(w)
		if utf8.RuneCountInString(core) < 2 || !isLetters(core) {
			continue
		}
		m.known[core] = true
		affixes[pre+"\x00"+suf]++
		var ctx [3]rune
		for _, r := range core + "\x00" {
			if trans[ctx] == nil {
				trans[ctx] = map[rune]uint32{}
			}
			trans[ctx][r]++
			ctx = [3]rune{ctx[1], ctx[2], r}
		}
	}
	for key, nexts := range trans {
		c := charCtx{key: key}
		for r := range nexts {
			c.next = append(c.next, r)
		}
		slices.Sort(c.next)
		for _, r := range c.next {
			c.total += nexts[r]
			c.cum = append(c.cum, c.total)
		}
		m.ctxs = append(m.ctxs, c)
	}
	slices.SortFunc(m.ctxs, func(a, b charCtx) int { return compareKeys(a.key, b.key) })
	var weights []float64
	for a := range affixes {
		m.affix = append(m.affix, a)
	}
	slices.Sort(m.affix)
	for _, a := range m.affix {
		weights = append(weights, float64(affixes[a]))
	}
	if len(m.affix) == 0 {
		m.affix, weights = []string{"\x00"}, []float64{1}
	}
	m.affixW = newAlias(weights)
	return m
}

func compareKeys(a, b [3]rune) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}

// splitAffixes cuts the non-letter runes off both ends of a token.
func splitAffixes(w string) (pre, core, suf string) {
	core = strings.TrimLeftFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
	pre = w[:len(w)-len(core)]
	trimmed := strings.TrimRightFunc(core, func(r rune) bool { return !unicode.IsLetter(r) })
	return pre, trimmed, core[len(trimmed):]
}

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// word spells the synthetic word of a rank: a fresh spelling from a generator seeded by
// the rank, redrawn while it is too short or a training word.
func (m *charModel) word(rank int64) string {
	rng := rand.New(rand.NewPCG(m.seed, uint64(rank)))
	var b strings.Builder
	for attempt := 0; ; attempt++ {
		b.Reset()
		core := m.spell(rng, &b)
		if (core >= 3 && !m.known[b.String()]) || attempt >= 8 || len(m.ctxs) == 0 {
			break
		}
	}
	core := b.String()
	if core == "" {
		core = "x"
	}
	a := m.affix[m.affixW.sample(rng)]
	pre, suf, _ := strings.Cut(a, "\x00")
	return pre + core + suf
}

// spell writes one spelling to b and returns its length in runes.
func (m *charModel) spell(rng *rand.Rand, b *strings.Builder) int {
	var ctx [3]rune
	n := 0
	for n < maxWordRunes {
		i := sort.Search(len(m.ctxs), func(i int) bool { return compareKeys(m.ctxs[i].key, ctx) >= 0 })
		if i == len(m.ctxs) || m.ctxs[i].key != ctx {
			break
		}
		c := &m.ctxs[i]
		u := uint32(rng.Uint64N(uint64(c.total)))
		j := sort.Search(len(c.cum), func(j int) bool { return c.cum[j] > u })
		r := c.next[j]
		if r == 0 {
			break
		}
		b.WriteRune(r)
		n++
		ctx = [3]rune{ctx[1], ctx[2], r}
	}
	return n
}
