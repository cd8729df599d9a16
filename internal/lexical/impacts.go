package lexical

import "slices"

// Impacts summarise a run of postings for upper-bound computation: a small set of (tf, dl)
// points such that every posting in the run is dominated by one of them (its tf is <= and
// its dl is >= the point's). Because BM25 grows with tf and shrinks with dl, the best score
// over the points bounds every posting, for any k1, b, N and avgdl, so bounds are computed
// at query time from current statistics. Each block stores impactPoints points (as tf, dl
// pairs); unused slots repeat the last point.
const impactPoints = 4

// impactWords is the number of uint32 words one impact set occupies.
const impactWords = 2 * impactPoints

type impact struct{ tf, dl uint32 }

// addImpact adds p to the Pareto frontier front (points no other point dominates).
func addImpact(front []impact, p impact) []impact {
	for _, q := range front {
		if q.tf >= p.tf && q.dl <= p.dl {
			return front
		}
	}
	out := front[:0]
	for _, q := range front {
		if !(p.tf >= q.tf && p.dl <= q.dl) {
			out = append(out, q)
		}
	}
	return append(out, p)
}

// reduceImpacts sorts the frontier by tf and, while it has more than impactPoints points,
// replaces the adjacent pair whose merge loses least by one point dominating both: (tf of the
// higher, dl of the lower). The loss is judged with fixed reference parameters, which only
// affects how tight bounds are, never whether they are valid. The result is appended to dst
// as impactWords words.
func reduceImpacts(dst []uint32, front []impact, refAvgdl float64) []uint32 {
	slices.SortFunc(front, func(a, b impact) int {
		if a.tf != b.tf {
			if a.tf < b.tf {
				return -1
			}
			return 1
		}
		if a.dl < b.dl {
			return -1
		}
		if a.dl > b.dl {
			return 1
		}
		return 0
	})
	ref := newBM25(DefaultK1, DefaultB, refAvgdl)
	for len(front) > impactPoints {
		best, bestLoss := 0, 0.0
		for i := 0; i+1 < len(front); i++ {
			merged := saturation(ref.k1p1, float64(front[i+1].tf), ref.norm(front[i].dl))
			if i == 0 || merged < bestLoss {
				best, bestLoss = i, merged
			}
		}
		front[best+1].dl = front[best].dl
		front = slices.Delete(front, best, best+1)
	}
	for i := 0; i < impactPoints; i++ {
		p := front[min(i, len(front)-1)]
		dst = append(dst, p.tf, p.dl)
	}
	return dst
}

// dominated reports whether one of the impact points dominates (tf, dl).
func dominated(imp []uint32, tf, dl uint32) bool {
	for j := 0; j+1 < len(imp); j += 2 {
		if imp[j] >= tf && imp[j+1] <= dl {
			return true
		}
	}
	return false
}
