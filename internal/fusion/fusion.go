// Package fusion owns hybrid ranking: combining a lexical (BM25) ranking and a vector ranking of
// the same documents into one list, by reciprocal rank fusion, linear (min-max) fusion or
// relative-score fusion, keeping each side's rank, raw score and contribution for explain
// output. It does not run either search or decide how deep each side is fetched.
//
//	res := fusion.Fuse(lexHits, vecHits, 10, fusion.Options{Method: fusion.RRF})
//
// A query loop that wants no allocation keeps a Fuser and a result buffer per worker:
//
//	buf = fuser.Fuse(buf[:0], lexHits, vecHits, 10, opts)
package fusion

import (
	"math"
	"slices"
)

// Ranked is one entry of a side's ranking. Lists are passed best first, and on both sides a
// higher score is better (pass similarities, or negated distances).
type Ranked struct {
	ID    uint32
	Score float64
}

// Side describes how one side ranked a fused result.
type Side struct {
	// Rank is the 1-based position in the side's list; 0 means the document was absent.
	Rank int `json:"rank"`
	// Score is the raw score the side gave (0 when absent).
	Score float64 `json:"score"`
	// Contribution is what this side added to the fused score.
	Contribution float64 `json:"contribution"`
}

// Result is one fused document. Score = Lexical.Contribution + Vector.Contribution.
type Result struct {
	ID      uint32
	Score   float64
	Lexical Side
	Vector  Side
}

// Fuse combines the lexical ranking lex and the vector ranking vec (each best first) and returns
// the best k of their union, best first, ties broken by ascending ID. k <= 0 returns the whole
// union. With lexical weight α = *o.Alpha (default 0.5) and vector weight 1−α:
//
//   - RRF: a side contributes weight / (RRFK + rank), rank 1-based, so the top document of a
//     side with weight 0.5 and RRFK 60 adds 0.5/61. Raw scores are ignored.
//   - Linear: each side's scores are min-max normalised over that side's list (when all are
//     equal, each normalises to 1) and a side contributes weight × normalised score.
//   - Relative: each side's scores are taken relative to its best score b, given its worst w:
//     rel(s) = 1 − (b − s) / max(|b|, b − w), and a side contributes weight × rel(s). For
//     non-negative scores this is s/b; when scores spread wider than |b| (mixed signs, or
//     negated distances) it becomes min-max. rel is in [0,1], 1 for the best, and keeps the
//     side's order and spacing.
//
// A side a document is absent from contributes 0, so with α = 1 vector-only documents still
// appear, scored 0, after every lexical hit. An ID repeated within one list counts only at its
// first (best) position; later copies are ignored. NaN and −Inf scores normalise to 0 and +Inf
// to 1. Invalid options are not an error here (validate them once per query with
// Options.Validate); Fuse maps them to the nearest usable value and never panics.
//
// Fuse allocates its result and scratch space; use a Fuser to avoid that.
func Fuse(lex, vec []Ranked, k int, o Options) []Result {
	var f Fuser
	n := len(lex) + len(vec)
	if k > 0 && k < n {
		n = k
	}
	return f.Fuse(make([]Result, 0, n), lex, vec, k, o)
}

// Fuser holds scratch space reused across fusions, so that fusing two lists of a hundred
// costs no allocation once warm. A Fuser is not safe for concurrent use; keep one per worker
// (or in a sync.Pool). The zero value is ready to use.
type Fuser struct {
	// slots is an open-addressing table from ID to 1 + index in cand (0 = empty slot).
	slots []int32
	cand  []Result
	order []int32
}

// Fuse appends the fused results to dst and returns the extended slice. The results are the
// same as those of the package-level Fuse.
func (f *Fuser) Fuse(dst []Result, lex, vec []Ranked, k int, o Options) []Result {
	n := len(lex) + len(vec)
	if n == 0 {
		return dst
	}
	method, alpha, rrfK := o.resolved()
	f.merge(lex, vec)
	switch method {
	case RRF:
		f.scoreRRF(alpha, rrfK)
	case Linear, Relative:
		rel := method == Relative
		f.scoreNormalised(alpha, scaleOf(f.cand, true, rel), scaleOf(f.cand, false, rel))
	}
	order := f.rank(k)
	for _, i := range order {
		dst = append(dst, f.cand[i])
	}
	return dst
}

// merge builds the union of both lists in f.cand: lexical entries first in list order, then
// vector-only entries in list order, with each side's rank and raw score filled in.
func (f *Fuser) merge(lex, vec []Ranked) {
	n := len(lex) + len(vec)
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if cap(f.slots) < size {
		f.slots = make([]int32, size)
	} else {
		f.slots = f.slots[:size]
		clear(f.slots)
	}
	if cap(f.cand) < n {
		f.cand = make([]Result, n)
	}
	cand := f.cand[:n]
	slots := f.slots
	mask := uint32(size - 1)
	m := 0 // candidates so far; slot values are 1 + their index
	for i := range lex {
		id := lex[i].ID
		h := (id * 0x9E3779B1) & mask
		for slots[h] != 0 && cand[slots[h]-1].ID != id {
			h = (h + 1) & mask
		}
		if slots[h] != 0 {
			continue // repeated ID: the first, better position counts
		}
		cand[m] = Result{ID: id, Lexical: Side{Rank: i + 1, Score: lex[i].Score}}
		m++
		slots[h] = int32(m)
	}
	for i := range vec {
		id := vec[i].ID
		h := (id * 0x9E3779B1) & mask
		for slots[h] != 0 && cand[slots[h]-1].ID != id {
			h = (h + 1) & mask
		}
		if s := slots[h]; s == 0 {
			cand[m] = Result{ID: id, Vector: Side{Rank: i + 1, Score: vec[i].Score}}
			m++
			slots[h] = int32(m)
		} else if c := &cand[s-1]; c.Vector.Rank == 0 {
			c.Vector = Side{Rank: i + 1, Score: vec[i].Score}
		}
	}
	f.cand = cand[:m]
}

func (f *Fuser) scoreRRF(alpha, k float64) {
	for i := range f.cand {
		c := &f.cand[i]
		if c.Lexical.Rank > 0 {
			c.Lexical.Contribution = alpha / (k + float64(c.Lexical.Rank))
		}
		if c.Vector.Rank > 0 {
			c.Vector.Contribution = (1 - alpha) / (k + float64(c.Vector.Rank))
		}
		c.Score = c.Lexical.Contribution + c.Vector.Contribution
	}
}

func (f *Fuser) scoreNormalised(alpha float64, lex, vec scale) {
	for i := range f.cand {
		c := &f.cand[i]
		if c.Lexical.Rank > 0 {
			c.Lexical.Contribution = alpha * lex.apply(c.Lexical.Score)
		}
		if c.Vector.Rank > 0 {
			c.Vector.Contribution = (1 - alpha) * vec.apply(c.Vector.Score)
		}
		c.Score = c.Lexical.Contribution + c.Vector.Contribution
	}
}

// rank leaves in f.order the indexes of the best k candidates, best first.
func (f *Fuser) rank(k int) []int32 {
	n := len(f.cand)
	if k <= 0 || k > n {
		k = n
	}
	if cap(f.order) < n {
		f.order = make([]int32, n)
	}
	order := f.order[:n]
	for i := range order {
		order[i] = int32(i)
	}
	h := topK{cand: f.cand}
	if 4*k >= n {
		slices.SortFunc(order, h.compare)
		return order[:k]
	}
	// Keep the best k in a heap whose root is the worst of them, then sort the heap. For the
	// usual k = 10 of a few hundred candidates this touches each candidate once.
	h.heap = order[:k]
	for i := k/2 - 1; i >= 0; i-- {
		h.siftDown(i)
	}
	for _, idx := range order[k:] {
		if h.better(idx, h.heap[0]) {
			h.heap[0] = idx
			h.siftDown(0)
		}
	}
	slices.SortFunc(h.heap, h.compare)
	return h.heap
}

// topK orders candidate indexes by descending score, then ascending ID.
type topK struct {
	cand []Result
	heap []int32 // root is the worst kept candidate
}

func (t *topK) better(a, b int32) bool {
	ca, cb := &t.cand[a], &t.cand[b]
	return ca.Score > cb.Score || (ca.Score == cb.Score && ca.ID < cb.ID)
}

func (t *topK) compare(a, b int32) int {
	ca, cb := &t.cand[a], &t.cand[b]
	switch {
	case ca.Score > cb.Score:
		return -1
	case ca.Score < cb.Score:
		return 1
	case ca.ID < cb.ID:
		return -1
	case ca.ID > cb.ID:
		return 1
	}
	return 0
}

func (t *topK) siftDown(i int) {
	h := t.heap
	for {
		worst := i
		l, r := 2*i+1, 2*i+2
		if l < len(h) && t.better(h[worst], h[l]) {
			worst = l
		}
		if r < len(h) && t.better(h[worst], h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// scale maps one side's raw scores into [0,1] as an affine function s ↦ (s − zero) / unit,
// which keeps the side's order and the relative spacing of its scores.
type scale struct {
	zero, unit float64
	// half is set when the raw score range overflows float64; scores are then halved first.
	half bool
}

// scaleOf derives the scale of one side from the finite scores of the candidates it ranked
// (first occurrences only). Linear (relative=false) uses min-max: zero = worst, unit =
// best − worst. Relative uses relativeScale.
func scaleOf(cand []Result, lexical, relative bool) scale {
	best, worst := math.Inf(-1), math.Inf(1)
	for i := range cand {
		side := &cand[i].Vector
		if lexical {
			side = &cand[i].Lexical
		}
		// s-s == 0 only for finite s; plain comparisons are cheaper than the NaN-aware
		// min and max builtins, and NaN cannot reach them.
		if s := side.Score; side.Rank > 0 && s-s == 0 {
			if s > best {
				best = s
			}
			if s < worst {
				worst = s
			}
		}
	}
	if best < worst {
		return scale{}
	}
	sc := relativeScale
	if !relative {
		sc = minMaxScale
	}
	zero, unit := sc(best, worst)
	if math.IsInf(unit, 0) || math.IsInf(zero, 0) {
		zero, unit = sc(best/2, worst/2)
		return scale{zero: zero, unit: unit, half: true}
	}
	return scale{zero: zero, unit: unit}
}

func minMaxScale(best, worst float64) (zero, unit float64) { return worst, best - worst }

// relativeScale scores a side relative to its best score b, given its worst score w:
//
//	rel(s) = 1 − (b − s) / D,  D = max(|b|, b − w)
//
// i.e. one minus the gap to the best, measured in units of D. Why this D:
//   - for non-negative scores (BM25, positive similarities) D = b whenever w ≥ 0, so
//     rel(s) = s/b, the classic "fraction of the best score";
//   - when the gap to the best can exceed |b| (mixed signs, or negative scores spread wider
//     than the best's magnitude) D becomes the list's range, so the worst maps to exactly 0
//     instead of going negative — min-max in that case;
//   - for negative scores within |b| of the best (e.g. negated distances 10 and 12) the gap is
//     measured relative to the best's magnitude: −12 against a best of −10 is 20% worse, 0.8.
//
// It is affine in s, so order and relative spacing within a side are kept; rel(b) = 1, and
// rel ∈ [0,1] for every score of the list because b − s ≤ b − w ≤ D. All-equal lists (D = 0
// when all are 0) map to 1; it is invariant to multiplying a side's scores by a positive
// constant.
func relativeScale(best, worst float64) (zero, unit float64) {
	d := max(math.Abs(best), best-worst)
	return best - d, d
}

// apply maps a raw score into [0,1]: +Inf to 1, NaN and −Inf to 0.
func (s scale) apply(x float64) float64 {
	switch {
	case math.IsInf(x, 1):
		return 1
	case math.IsNaN(x) || math.IsInf(x, -1):
		return 0
	case s.unit == 0:
		return 1
	}
	if s.half {
		x /= 2
	}
	v := (x - s.zero) / s.unit
	if v < 0 {
		return 0 // rounding only: every score of the list is >= zero
	}
	if v > 1 {
		return 1
	}
	return v
}
