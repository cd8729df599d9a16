package datagen

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// chain is a word-level model of one kind of text (passage bodies, or titles), fitted on
// whitespace-separated tokens, so punctuation and case stay as they were written and an
// analyzer sees realistic input.
//
// A token is drawn from the bigram distribution of the token before it (with probability
// bigramWeight, when that token was seen often enough to have one), from the text
// generated so far (with probability cacheWeight: words recur within a document, which
// is what gives term frequencies their shape), or else from the unigram distribution.
// The unigram distribution keeps the fitted counts for the frequent words (the head) and
// replaces the noisy counts of the rare ones by a Zipf tail of exponent 1/β, where β is
// the Heaps exponent of the training text's vocabulary growth; the tail goes on past the
// observed words into synthetic ones, so vocabulary keeps growing with corpus size as it
// does in real text instead of stopping at the training vocabulary.
type chain struct {
	words     []string // token id → surface form; id 0 marks the start of a text
	counts    []uint32
	total     int64    // tokens in the training texts
	byRank    []uint32 // token ids by count, descending, ties by first appearance
	head      alias    // over ranks 1..len(head.prob)
	headMass  float64  // probability that a unigram draw comes from the head
	tailExp   float64  // Zipf exponent s of the ranks past the head (s > 1)
	heapsBeta float64
	// The continuations of token w are next[start[w]:start[w+1]], with cumulative counts
	// in cum.
	start, next, cum []uint32
	lengths          []int32 // tokens per training text, sampled as they are

	bigramWeight, cacheWeight float64
}

// Fitting constants.
const (
	// headMinCount is the count from which a word's own frequency is trusted; rarer words
	// follow the fitted tail.
	headMinCount = 20
	// minContextCount is how often a token must be seen for its continuations to be used.
	minContextCount = 2
	// maxRank caps tail ranks so they stay exact in a float64 and an int64.
	maxRank = 1 << 50
)

// tok is a generated token: a word id of the chain, or a synthetic word (tok ≥
// len(words)) whose text is derived from its rank.
type tok int64

// fitChain fits a chain on texts already split into tokens.
func fitChain(texts [][]string, bigramWeight, cacheWeight float64) *chain {
	c := &chain{words: []string{""}, counts: []uint32{0}, bigramWeight: bigramWeight, cacheWeight: cacheWeight}
	index := map[string]uint32{}
	ids := make([][]uint32, len(texts))
	var heaps [][2]float64
	nextPoint := int64(1000)
	for i, text := range texts {
		row := make([]uint32, len(text))
		for j, w := range text {
			id, ok := index[w]
			if !ok {
				id = uint32(len(c.words))
				index[w] = id
				c.words = append(c.words, w)
				c.counts = append(c.counts, 0)
			}
			c.counts[id]++
			row[j] = id
			c.total++
			if c.total == nextPoint {
				heaps = append(heaps, [2]float64{float64(c.total), float64(len(c.words) - 1)})
				nextPoint = nextPoint * 5 / 4
			}
		}
		ids[i] = row
		c.lengths = append(c.lengths, int32(len(text)))
	}
	c.byRank = make([]uint32, 0, len(c.words)-1)
	for id := 1; id < len(c.words); id++ {
		c.byRank = append(c.byRank, uint32(id))
	}
	slices.SortStableFunc(c.byRank, func(a, b uint32) int { return int(c.counts[b]) - int(c.counts[a]) })

	headRanks := 0
	var headTotal float64
	for headRanks < len(c.byRank) && c.counts[c.byRank[headRanks]] >= headMinCount {
		headTotal += float64(c.counts[c.byRank[headRanks]])
		headRanks++
	}
	headRanks = max(headRanks, min(1, len(c.byRank)))
	if headRanks > 0 && headTotal == 0 {
		headTotal = float64(c.counts[c.byRank[0]])
	}
	w := make([]float64, headRanks)
	for r := range w {
		w[r] = float64(c.counts[c.byRank[r]])
	}
	if headRanks > 0 {
		c.head = newAlias(w)
	}
	c.headMass = 1
	if c.total > 0 {
		c.headMass = headTotal / float64(c.total)
	}
	c.heapsBeta = fitHeaps(heaps, float64(c.total))
	c.tailExp = 1 / c.heapsBeta

	c.fitBigrams(ids)
	return c
}

// fitHeaps returns β of V = K·N^β fitted by least squares on log-log points from the
// last 90% of the growth curve (the first tokens are all new and would bias it), or 0.5
// when there are too few points.
func fitHeaps(points [][2]float64, total float64) float64 {
	var sx, sy, sxx, sxy, n float64
	for _, p := range points {
		if p[0] < total/10 {
			continue
		}
		x, y := math.Log(p[0]), math.Log(p[1])
		sx, sy, sxx, sxy, n = sx+x, sy+y, sxx+x*x, sxy+x*y, n+1
	}
	if n < 3 || n*sxx-sx*sx == 0 {
		return 0.5
	}
	beta := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	return min(max(beta, 0.2), 0.95)
}

// fitBigrams builds the continuation table from every adjacent pair of tokens (the first
// token of a text follows id 0).
func (c *chain) fitBigrams(ids [][]uint32) {
	var pairs []uint64
	for _, row := range ids {
		prev := uint32(0)
		for _, id := range row {
			pairs = append(pairs, uint64(prev)<<32|uint64(id))
			prev = id
		}
	}
	slices.Sort(pairs)
	c.start = make([]uint32, len(c.words)+1)
	for i := 0; i < len(pairs); {
		j := i
		for j < len(pairs) && pairs[j] == pairs[i] {
			j++
		}
		prev := uint32(pairs[i] >> 32)
		c.start[prev+1]++
		i = j
	}
	for w := 1; w < len(c.start); w++ {
		c.start[w] += c.start[w-1]
	}
	c.next = make([]uint32, c.start[len(c.words)])
	c.cum = make([]uint32, len(c.next))
	k := 0
	prevCtx, run := uint32(math.MaxUint32), uint32(0)
	for i := 0; i < len(pairs); {
		j := i
		for j < len(pairs) && pairs[j] == pairs[i] {
			j++
		}
		ctx := uint32(pairs[i] >> 32)
		if ctx != prevCtx {
			prevCtx, run = ctx, 0
		}
		run += uint32(j - i)
		c.next[k], c.cum[k] = uint32(pairs[i]), run
		k++
		i = j
	}
}

// unigram draws a token from the head counts or the Zipf tail.
func (c *chain) unigram(rng *rand.Rand) tok {
	headRanks := len(c.head.prob)
	if headRanks > 0 && rng.Float64() < c.headMass {
		return tok(c.byRank[c.head.sample(rng)])
	}
	// Ranks past the head follow a Pareto law: P(rank > r) = (r/headRanks)^(1-s).
	r := float64(max(headRanks, 1)) * math.Pow(1-rng.Float64(), -1/(c.tailExp-1))
	rank := int64(min(r, maxRank)) + 1
	if rank <= int64(len(c.byRank)) {
		return tok(c.byRank[rank-1])
	}
	return tok(int64(len(c.words)) + rank)
}

// bigram draws a continuation of prev, or returns false when prev has too few.
func (c *chain) bigram(rng *rand.Rand, prev tok) (tok, bool) {
	if prev < 0 || int64(prev) >= int64(len(c.words)) || (prev > 0 && c.counts[prev] < minContextCount) {
		return 0, false
	}
	lo, hi := c.start[prev], c.start[prev+1]
	if lo == hi {
		return 0, false
	}
	cum := c.cum[lo:hi]
	u := uint32(rng.Uint64N(uint64(cum[len(cum)-1])))
	i := sort.Search(len(cum), func(i int) bool { return cum[i] > u })
	return tok(c.next[int(lo)+i]), true
}

// text appends n tokens of one generated text to dst.
func (c *chain) text(rng *rand.Rand, n int, dst []tok) []tok {
	first := len(dst)
	prev := tok(0)
	for range n {
		u := rng.Float64()
		var t tok
		ok := false
		if u < c.bigramWeight {
			t, ok = c.bigram(rng, prev)
		} else if u < c.bigramWeight+c.cacheWeight && len(dst) > first {
			t, ok = dst[first+rng.IntN(len(dst)-first)], true
		}
		if !ok {
			t = c.unigram(rng)
		}
		dst = append(dst, t)
		prev = t
	}
	return dst
}

// length draws a text length from the training texts' lengths.
func (c *chain) length(rng *rand.Rand) int { return int(c.lengths[rng.IntN(len(c.lengths))]) }
