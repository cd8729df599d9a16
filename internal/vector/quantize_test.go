package vector

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// prepared returns the rows of vecs prepared for m (normalised under cosine).
func prepared(t testing.TB, m Metric, vecs []float32, dim int) []float32 {
	t.Helper()
	out := make([]float32, len(vecs))
	for r := 0; r < len(vecs)/dim; r++ {
		if err := m.prepare(out[r*dim:(r+1)*dim], vecs[r*dim:(r+1)*dim], acceptSafe); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestSQ8EncodeDecode(t *testing.T) {
	const dim = 37
	vecs := clustered(1, 500, dim, 5)
	q := trainSQ8(vecs, dim, L2)
	codes := make([]uint8, dim)
	for r := range 500 {
		v := vecs[r*dim : (r+1)*dim]
		q.encode(codes, v)
		for j, c := range codes {
			got := q.lo[j] + q.step[j]*float32(c)
			if d := math.Abs(float64(got - v[j])); d > float64(q.step[j])*0.5001 {
				t.Fatalf("row %d dim %d: %g decodes to %g (step %g)", r, j, v[j], got, q.step[j])
			}
		}
	}
	// Values outside the trained range clamp to the end codes.
	v := make([]float32, dim)
	for j := range v {
		v[j] = q.lo[j] - 1
	}
	v[0] = q.lo[0] + 300*q.step[0]
	q.encode(codes, v)
	if codes[0] != 255 || codes[1] != 0 {
		t.Errorf("clamping: codes %v", codes[:2])
	}
	// A constant dimension encodes and decodes exactly.
	flat := make([]float32, 4*dim)
	for i := range flat {
		flat[i] = 0.25
	}
	qf := trainSQ8(flat, dim, L2)
	qf.encode(codes, flat[:dim])
	if got := qf.lo[3] + qf.step[3]*float32(codes[3]); got != 0.25 {
		t.Errorf("constant dimension decodes to %g", got)
	}
}

// TestSQ8ScoreMatchesDecoded checks that the code-domain score equals the metric's score
// against the decoded vector, up to the query weights' rounding.
func TestSQ8ScoreMatchesDecoded(t *testing.T) {
	for _, m := range []Metric{Cosine, L2, InnerProduct} {
		for _, dim := range []int{1, 7, 96, 384} {
			t.Run(fmt.Sprintf("%s/%d", m, dim), func(t *testing.T) {
				vecs := prepared(t, m, clustered(uint64(dim), 200, dim, 4), dim)
				q := trainSQ8(vecs, dim, m)
				codes := make([]uint8, dim)
				var pq sq8Query
				q.prepare(&pq, vecs[:dim])
				for r := 1; r < 200; r++ {
					q.encode(codes, vecs[r*dim:(r+1)*dim])
					dec := make([]float64, dim)
					var want, mag float64
					for j, c := range codes {
						dec[j] = float64(q.lo[j]) + float64(q.step[j])*float64(c)
						x := float64(vecs[j])
						if m == L2 {
							want += (x - dec[j]) * (x - dec[j])
						} else {
							want -= x * dec[j]
						}
						mag += math.Abs(x * dec[j])
					}
					got := pq.score(m, kernel.DotSQ8(pq.w, codes), q.decodedNormSq(codes))
					if tol := 1e-4*(mag+1) + 1e-6; math.Abs(float64(got)-want) > tol {
						t.Fatalf("row %d: score %g, decoded vector gives %g (tolerance %g)", r, got, want, tol)
					}
				}
			})
		}
	}
}

// quantizedRanking scores every base row against each query with a quantiser and returns
// the ids of the r best, best first, per query.
type quantizedRanker func(q []float32, out []float32) // out[i] = score of row i

func rankQuantized(nq, n, dim int, queries []float32, rank quantizedRanker, r int) [][]int {
	scores := make([]float32, n)
	res := make([][]int, nq)
	for i := range nq {
		rank(queries[i*dim:(i+1)*dim], scores)
		// Keep the r best in order (ties by lower id) by insertion: most rows are
		// rejected by one comparison with the worst kept.
		best := make([]int, 0, r)
		for j, sc := range scores {
			if len(best) == r && sc >= scores[best[r-1]] {
				continue
			}
			at, _ := slices.BinarySearchFunc(best, sc, func(id int, s float32) int {
				if scores[id] <= s {
					return -1
				}
				return 1
			})
			if len(best) < r {
				best = append(best, 0)
			}
			copy(best[at+1:], best[at:len(best)-1])
			best[at] = j
		}
		res[i] = best
	}
	return res
}

// sq8Ranker and bqRanker encode base (prepared) and return a ranker scoring all rows.
func sq8Ranker(base []float32, dim int, m Metric) quantizedRanker {
	q := trainSQ8(base, dim, m)
	n := len(base) / dim
	codes := make([]uint8, n*dim)
	norms := make([]float32, n)
	for r := range n {
		q.encode(codes[r*dim:(r+1)*dim], base[r*dim:(r+1)*dim])
		norms[r] = q.decodedNormSq(codes[r*dim : (r+1)*dim])
	}
	ids := make([]uint32, n)
	for i := range ids {
		ids[i] = uint32(i)
	}
	sums := make([]int32, n)
	prep := make([]float32, dim)
	var pq sq8Query
	return func(query []float32, out []float32) {
		_ = m.prepare(prep, query, acceptSafe)
		q.prepare(&pq, prep)
		kernel.DotSQ8Rows(pq.w, codes, ids, sums)
		for i, s := range sums {
			out[i] = pq.score(m, s, norms[i])
		}
	}
}

func bqRanker(base []float32, dim int, m Metric) quantizedRanker {
	q := trainBQ(base, dim, m, 1)
	n := len(base) / dim
	codes := make([]uint64, n*q.words)
	vs := make([]bqVector, n)
	y, diff := make([]float32, dim), make([]float32, dim)
	for r := range n {
		vs[r] = q.encode(codes[r*q.words:(r+1)*q.words], base[r*dim:(r+1)*dim], y, diff)
	}
	ids := make([]uint32, n)
	for i := range ids {
		ids[i] = uint32(i)
	}
	sums := make([]int32, n)
	prep := make([]float32, dim)
	var pq bqQuery
	return func(query []float32, out []float32) {
		_ = m.prepare(prep, query, acceptSafe)
		q.prepare(&pq, prep)
		kernel.DotBitsRows(pq.planes, bqQueryBits, codes, ids, sums)
		for i, s := range sums {
			out[i] = pq.score(q, s, vs[i])
		}
	}
}

// hammingRanker is plain binary quantisation for comparison: the signs of the centred
// vector, the query reduced to bits the same way, ranked by Hamming distance.
func hammingRanker(base []float32, dim int, m Metric) quantizedRanker {
	q := trainBQ(base, dim, m, 1)
	n := len(base) / dim
	codes := make([]uint64, n*q.words)
	signs := func(dst []uint64, v []float32) {
		clear(dst)
		for j, x := range v {
			if x > q.centre[j] {
				dst[j/64] |= 1 << (j % 64)
			}
		}
	}
	for r := range n {
		signs(codes[r*q.words:(r+1)*q.words], base[r*dim:(r+1)*dim])
	}
	ids := make([]uint32, n)
	for i := range ids {
		ids[i] = uint32(i)
	}
	sums := make([]int32, n)
	prep := make([]float32, dim)
	qc := make([]uint64, q.words)
	return func(query []float32, out []float32) {
		_ = m.prepare(prep, query, acceptSafe)
		signs(qc, prep)
		kernel.HammingRows(qc, codes, ids, sums)
		for i, s := range sums {
			out[i] = float32(s)
		}
	}
}

// recallWithin returns the mean share of the true top k found among the first r ranked.
func recallWithin(ranked [][]int, truth [][]int32, k, r int) float64 {
	var hit int
	for i, got := range ranked {
		in := map[int]bool{}
		for _, id := range got[:r] {
			in[id] = true
		}
		for _, id := range truth[i][:k] {
			if in[int(id)] {
				hit++
			}
		}
	}
	return float64(hit) / float64(k*len(ranked))
}

// TestQuantizedRecallClustered checks both quantisers on generated clustered vectors
// (always available): the exact top 10 must be found among few quantised candidates,
// which is what rescoring relies on.
func TestQuantizedRecallClustered(t *testing.T) {
	const n, dim, nq = 4000, 64, 50
	for _, m := range []Metric{Cosine, L2} {
		all := prepared(t, m, clustered(9, n+nq, dim, 20), dim)
		base, queries := all[:n*dim], all[n*dim:]
		exact := mustFlat(t, m, base, dim)
		truth := make([][]int32, nq)
		for i := range nq {
			hits, err := exact.Search(queries[i*dim:(i+1)*dim], 10, SearchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				truth[i] = append(truth[i], int32(h.Label))
			}
		}
		for _, tc := range []struct {
			name   string
			ranker quantizedRanker
			r      int
			min    float64
		}{
			{"sq8", sq8Ranker(base, dim, m), 20, 0.99},
			{"bq", bqRanker(base, dim, m), 100, 0.95},
		} {
			ranked := rankQuantized(nq, n, dim, queries, tc.ranker, tc.r)
			got := recallWithin(ranked, truth, 10, tc.r)
			t.Logf("%s %s: exact top 10 within quantised top %d: %.3f; quantised top 10 recall %.3f",
				m, tc.name, tc.r, got, recallWithin(ranked, truth, 10, 10))
			if got < tc.min {
				t.Errorf("%s %s: recall of the exact top 10 within the quantised top %d is %.3f, want ≥ %.2f", m, tc.name, tc.r, got, tc.min)
			}
		}
	}
}

func mustFlat(t testing.TB, m Metric, vecs []float32, dim int) *Flat {
	t.Helper()
	f, err := NewFlat(dim, m)
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, f, seqLabels(0, len(vecs)/dim), vecs)
	return f
}

// TestQuantizedRecallWiki measures, on the 10k Wikipedia LSA set (cosine, 384-d; its first
// 300 queries), how much of the exact top 10 the quantised scores alone find in their top
// 10, 20, 50, 100 and 200: the candidates a search would rescore with the float32 vectors.
func TestQuantizedRecallWiki(t *testing.T) {
	if raceEnabled {
		t.Skip("skipped under -race: too slow there, and single-goroutine")
	}
	s := loadTexmex(t, "wiki-lsa-384-10k")
	n, nq := s.n(), min(300, len(s.queries)/s.dim)
	base := prepared(t, Cosine, s.base, s.dim)
	for _, tc := range []struct {
		name   string
		ranker quantizedRanker
		r      int
		min    float64
	}{
		{"sq8", sq8Ranker(base, s.dim, Cosine), 20, 0.995},
		{"bq", bqRanker(base, s.dim, Cosine), 100, 0.97},
		{"bq-hamming (comparison)", hammingRanker(base, s.dim, Cosine), 100, 0},
	} {
		ranked := rankQuantized(nq, n, s.dim, s.queries, tc.ranker, 200)
		line := ""
		for _, r := range []int{10, 20, 50, 100, 200} {
			line += fmt.Sprintf(" top-%d %.4f", r, recallWithin(ranked, s.gt, 10, r))
		}
		t.Logf("%s: exact top 10 found within the quantised%s", tc.name, line)
		if got := recallWithin(ranked, s.gt, 10, tc.r); got < tc.min {
			t.Errorf("%s: recall of the exact top 10 within the quantised top %d is %.4f, want ≥ %.3f", tc.name, tc.r, got, tc.min)
		}
	}
}
