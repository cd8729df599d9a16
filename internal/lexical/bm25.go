package lexical

import "math"

// boundSlack inflates upper bounds before they are compared with the current k-th score. The
// bounds and the scores are computed with the same float64 operations, but at different
// (tf, dl) points and summed in different orders, so each can be off by a few ulps; a
// relative margin of 1e-9 dwarfs that (it would take about a million query terms to reach
// it) and costs nothing measurable in pruning.
const boundSlack = 1 + 1e-9

// idf is Lucene's BM25 idf. df is capped at n: df counts postings of deleted documents that
// are not merged away yet while n counts live documents only, and without the cap a term
// could get a negative idf.
func idf(n, df uint64) float64 {
	if df > n {
		df = n
	}
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// bm25 holds the length-normalisation constants of one snapshot.
type bm25 struct {
	k1, b, avgdl float64
	k1p1         float64 // k1 + 1
	normBase     float64 // k1·(1 − b)
	normScale    float64 // k1·b / avgdl
}

func newBM25(k1, b, avgdl float64) bm25 {
	if !(avgdl > 0) {
		// Only documents without terms are live; they are never scored.
		avgdl = 1
	}
	return bm25{
		k1: k1, b: b, avgdl: avgdl,
		k1p1:      k1 + 1,
		normBase:  k1 * (1 - b),
		normScale: k1 * b / avgdl,
	}
}

// norm is k1·(1 − b + b·dl/avgdl), the length part of the BM25 denominator. The explicit
// float64 conversion keeps the compiler from fusing the multiply and add, which would change
// the rounding on some architectures.
func (p *bm25) norm(dl uint32) float64 {
	return p.normBase + float64(p.normScale*float64(dl))
}

// saturation is tw·tf / (tf + norm): with tw = weight·idf·(k1+1) it is one term's BM25
// contribution.
func saturation(tw, tf, norm float64) float64 {
	return float64(tw*tf) / (tf + norm)
}

// impactBound returns the largest saturation any posting dominated by the impact points can
// reach: a point (tf, dl) bounds every posting with tf' <= tf and dl' >= dl, because the
// score grows with tf and shrinks with dl. The best point is picked by cross-multiplying
// (tf_a·norm_b > tf_b·norm_a), which costs one division instead of one per point; a pick
// that rounding gets wrong differs from the true maximum by an ulp or so, which boundSlack
// covers.
func (p *bm25) impactBound(tw float64, imp []uint32) float64 {
	if len(imp) < 2 {
		return 0
	}
	bestTF, bestNorm := float64(imp[0]), p.norm(imp[1])
	for j := 2; j+1 < len(imp); j += 2 {
		if imp[j] == imp[j-2] && imp[j+1] == imp[j-1] {
			continue // padding repeats the last point
		}
		tf, norm := float64(imp[j]), p.norm(imp[j+1])
		if float64(tf*bestNorm) > float64(bestTF*norm) {
			bestTF, bestNorm = tf, norm
		}
	}
	return saturation(tw, bestTF, bestNorm)
}

// roundMagic rounds a non-negative float64 below 2^52 to an integer when added and
// subtracted again.
const roundMagic = 1 << 52

// scorer is the per-query scoring function shared by every search path and Explain.
//
// Contributions are counted in quanta: integers, held in float64, of a power of two q chosen
// per query so that every possible score is below 2^52 quanta. Sums of such integers are
// exact in float64, so a document's score does not depend on the order its contributions
// are added in: the reference adds them in query order, the pruned search in whatever order
// its data structures give, and both get the same bits. A score is float32(quanta·q). q is
// about 2^−51 times the largest possible score, far below float32 resolution, so the
// rounding to quanta is invisible in results.
type scorer struct {
	bm25
	q, invQ float64
}

// newScorer picks the quantum for a query whose terms have the given weight·idf values.
func newScorer(p bm25, wIdfs []float64) scorer {
	total := 0.0
	for _, w := range wIdfs {
		total += w * p.k1p1 // each contribution is below wIdf·(k1+1): tf/(tf+norm) < 1
	}
	total = total*(1+1e-6) + 1e-300
	_, exp := math.Frexp(total) // total < 2^exp
	// 2^52·q = 2^(exp+1) >= 2·total: room for the largest score and for half a quantum of
	// rounding per term.
	return scorer{bm25: p, q: math.Ldexp(1, exp-51), invQ: math.Ldexp(1, 51-exp)}
}

// termWeight is the per-term factor of quanta: weight·idf·(k1+1)/q.
func (s *scorer) termWeight(wIdf float64) float64 {
	return float64(wIdf*s.k1p1) * s.invQ
}

// quanta is one term's contribution, in quanta, for a posting with weighted tf in a document
// with the given norm; tw comes from termWeight.
func quanta(tw, tf, norm float64) float64 {
	return float64(saturation(tw, tf, norm)+roundMagic) - roundMagic
}

// score converts summed quanta to a result score.
func (s *scorer) score(quanta float64) float32 { return float32(quanta * s.q) }

// theta converts the heap's threshold to quanta (−1 while the heap is not full).
func (s *scorer) theta(t float64) float64 {
	if t < 0 {
		return t
	}
	return t * s.invQ
}

// bound turns the impact points of a block or term into an upper bound, in quanta, on the
// contribution of any posting they dominate: slack for float rounding, plus one quantum for
// rounding to quanta.
func (s *scorer) bound(tw float64, imp []uint32) float64 {
	return s.impactBound(tw, imp)*boundSlack + 1
}
