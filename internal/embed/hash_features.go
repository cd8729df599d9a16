package embed

import (
	"unicode"
	"unicode/utf8"
)

// Feature hashing for the hash embedder.
//
// A text becomes a bag of features: each lower-cased word, the character n-grams of each word
// wrapped in boundary markers ('<' and '>', as fastText does, so "<ru" marks a word start),
// and optionally adjacent word pairs. Each feature is a 64-bit hash; distinct features are
// counted in a small open-addressing table (kept in insertion order so floating-point sums
// never depend on table layout), and each one adds weight·(1 + ln tf) with a hash-chosen sign
// to a hash-chosen bucket.

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211

	// Namespaces keep a word, the n-gram with the same characters, and a word pair apart.
	nsWord   = 0x9e3779b97f4a7c15
	nsNgram  = 0xbf58476d1ce4e5b9
	nsBigram = 0x94d049bb133111eb

	boundaryStart = '<'
	boundaryEnd   = '>'

	// maxNgramWord bounds the characters of one word that yield n-grams, so that a
	// megabyte-long "word" (a base64 blob, say) costs no more than a long real word; the
	// whole-word feature still covers every character.
	maxNgramWord = 64

	// A table grown past this by a huge text is dropped rather than pooled.
	maxPooledSlots = 1 << 16
)

// mix64 is the splitmix64 finaliser: it spreads every input bit over the whole word, so the
// bucket (high bits) and the sign (low bit) of a feature are independent.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// asciiClass maps an ASCII byte to its lower-case form when it is a letter or digit, and to 0
// when it separates words.
var asciiClass = func() (t [128]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c)
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = byte(c)
		t[c-'a'+'A'] = byte(c)
	}
	return t
}()

// featureTable counts distinct features of one text.
type featureTable struct {
	keys   []uint64  // 0 marks an empty slot
	counts []uint32  // occurrences of the feature in keys[i]
	weight []float32 // class weight of the feature in keys[i]
	order  []int32   // occupied slots, in first-seen order
	mask   uint64
}

func (t *featureTable) init(slots int) {
	t.keys = make([]uint64, slots)
	t.counts = make([]uint32, slots)
	t.weight = make([]float32, slots)
	t.order = t.order[:0]
	t.mask = uint64(slots - 1)
}

// add counts one occurrence of feature key (already mixed, never 0) of class weight w.
func (t *featureTable) add(key uint64, w float32) {
	if 2*(len(t.order)+1) > len(t.keys) {
		t.grow()
	}
	for i := key & t.mask; ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case key:
			t.counts[i]++
			return
		case 0:
			t.keys[i] = key
			t.counts[i] = 1
			t.weight[i] = w
			t.order = append(t.order, int32(i))
			return
		}
	}
}

func (t *featureTable) grow() {
	oldKeys, oldCounts, oldWeight, oldOrder := t.keys, t.counts, t.weight, t.order
	t.init(2 * len(oldKeys))
	t.order = make([]int32, 0, cap(oldOrder)*2)
	for _, s := range oldOrder {
		key := oldKeys[s]
		i := key & t.mask
		for t.keys[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.keys[i] = key
		t.counts[i] = oldCounts[s]
		t.weight[i] = oldWeight[s]
		t.order = append(t.order, int32(i))
	}
}

// reset empties the table, touching only the occupied slots.
func (t *featureTable) reset() {
	for _, s := range t.order {
		t.keys[s] = 0
	}
	t.order = t.order[:0]
}

// hashScratch is the per-call working memory of the hash embedder, pooled per Hash.
type hashScratch struct {
	table featureTable
	word  []rune    // the current word, between boundary markers
	acc   []float64 // Dim accumulators
}

func newHashScratch(dim int) *hashScratch {
	s := &hashScratch{acc: make([]float64, dim), word: make([]rune, 0, maxNgramWord+2)}
	s.table.init(1024)
	return s
}

// oversized reports whether a huge text grew the buffers beyond what is worth keeping.
func (s *hashScratch) oversized() bool {
	return len(s.table.keys) > maxPooledSlots
}

// extract fills s.table with the features of text and returns the number of words seen.
func (h *Hash) extract(s *hashScratch, text string) int {
	words := 0
	var prev uint64 // hash of the previous word, for word pairs
	wordLen := 0
	wh := uint64(fnvOffset) ^ h.seed // hash of the current word, all of it
	s.word = append(s.word[:0], boundaryStart)
	i := 0
	for i <= len(text) {
		// Read one rune and decide whether it continues the current word.
		var r rune
		inWord := false
		size := 1
		if i < len(text) {
			c := text[i]
			if c < utf8.RuneSelf {
				if l := asciiClass[c]; l != 0 {
					r, inWord = rune(l), true
				}
			} else {
				r, size = utf8.DecodeRuneInString(text[i:])
				switch {
				case unicode.IsLetter(r) || unicode.IsDigit(r):
					r, inWord = unicode.ToLower(r), true
				case unicode.IsMark(r) && wordLen > 0:
					inWord = true // combining marks belong to the letter before them
				}
			}
		}
		if inWord {
			wh = (wh ^ uint64(r)) * fnvPrime
			if wordLen < maxNgramWord {
				s.word = append(s.word, r)
			}
			wordLen++
			i += size
			continue
		}
		if wordLen > 0 {
			wh = nonZero(wh)
			h.addWord(s, wh)
			if prev != 0 && h.bigramW > 0 {
				s.table.add(nonZero(mix64((prev*fnvPrime)^wh^nsBigram^h.seed)), h.bigramW)
			}
			prev = wh
			words++
			wordLen = 0
			wh = uint64(fnvOffset) ^ h.seed
			s.word = append(s.word[:0], boundaryStart)
		}
		i += size
	}
	return words
}

// addWord adds the features of one word: its hash wh, and the character n-grams of s.word
// (the word's first maxNgramWord characters after the start marker).
func (h *Hash) addWord(s *hashScratch, wh uint64) {
	if h.wordW > 0 {
		s.table.add(nonZero(mix64(wh^nsWord)), h.wordW)
	}
	if h.ngramMax > 0 {
		s.word = append(s.word, boundaryEnd)
		g := s.word
		for start := range g {
			x := uint64(fnvOffset) ^ h.seed
			for n := 1; n <= h.ngramMax && start+n <= len(g); n++ {
				x = (x ^ uint64(g[start+n-1])) * fnvPrime
				if n >= h.ngramMin {
					s.table.add(nonZero(mix64(x^nsNgram)), 1)
				}
			}
		}
	}
}

func nonZero(x uint64) uint64 {
	if x == 0 {
		return 1
	}
	return x
}

// project turns the counted features into acc (bucket sums) and returns the squared norm.
// Products are converted explicitly so that no platform fuses them into multiply-adds,
// which would change the last bits of the result.
func (h *Hash) project(s *hashScratch) float64 {
	acc := s.acc
	clear(acc)
	dim := uint64(len(acc))
	t := &s.table
	for _, slot := range t.order {
		key := t.keys[slot]
		v := float64(t.weight[slot])
		if c := t.counts[slot]; c > 1 {
			v = float64(v * tfWeight(c))
		}
		b := ((key >> 32) * dim) >> 32
		if key&1 != 0 {
			acc[b] -= v
		} else {
			acc[b] += v
		}
	}
	var sq float64
	for _, x := range acc {
		sq += float64(x * x)
	}
	return sq
}

// tfWeights holds 1 + ln(c) for the small counts that make up nearly all features.
var tfWeights = func() (t [256]float64) {
	for c := 1; c < len(t); c++ {
		t[c] = 1 + portableLog(float64(c))
	}
	return t
}()

// tfWeight is the sublinear term-frequency weight 1 + ln(c) of a feature seen c times.
func tfWeight(c uint32) float64 {
	if int(c) < len(tfWeights) {
		return tfWeights[c]
	}
	return 1 + portableLog(float64(c))
}

// portableLog returns ln(x) for x >= 1 using only correctly rounded IEEE operations, so it
// gives the same bits on every platform (math.Log has per-architecture assembly).
func portableLog(x float64) float64 {
	const ln2 = 0.6931471805599453
	k := 0
	for x >= 2 {
		x /= 2
		k++
	}
	// ln(x) = 2·atanh(s) with s = (x-1)/(x+1) <= 1/3: 2·(s + s³/3 + s⁵/5 + ...).
	s := (x - 1) / (x + 1)
	s2 := float64(s * s)
	term := s
	var sum float64
	for i := 1; i < 60; i += 2 {
		sum += float64(term / float64(i))
		term = float64(term * s2)
	}
	return float64(float64(k)*ln2) + float64(2*sum)
}
