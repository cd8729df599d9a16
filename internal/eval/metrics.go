// Package eval owns retrieval-quality measurement the way BEIR reports it (BEIR computes its
// numbers with pytrec_eval, i.e. trec_eval): nDCG@k with linear gains, Recall@k and MRR@k per
// query and their averages over a query set. It does not run searches or read files (qrels
// files are read by internal/corpus); callers pass the judgements and the ranked document ids
// each query returned.
//
//	sum := eval.Evaluate(runs, qrels) // sum.NDCG10, sum.Recall100, sum.MRR10
//
// Conventions shared by every metric here:
//   - a document is relevant when its grade is > 0; grades ≤ 0 and unjudged documents gain 0;
//   - ranks are 1-based;
//   - k ≤ 0 means no cut-off (the whole ranking, and every relevant document for the ideal);
//   - a document id repeated in a ranking counts only at its first position: later copies keep
//     their rank slot but earn nothing, so duplicates can never raise a score;
//   - a query with no relevant document scores 0 on every metric, as in trec_eval.
package eval

import (
	"math"
	"slices"
	"sort"
)

// Qrels maps a query id to its judged documents and their relevance grades.
type Qrels map[string]map[string]int

// NDCG returns nDCG@k as trec_eval and BEIR compute it: the gain of a document is its grade
// (linear gain, not 2^grade − 1; BEIR's Cranfield therefore weights grade 4 four times grade
// 1), discounted by 1/log2(rank+1); the ideal DCG ranks ALL judged grades > 0 in descending
// order, cut at k, whether or not the ranking retrieved them.
func NDCG(ranked []string, rel map[string]int, k int) float64 {
	ideal := idealDCG(rel, k)
	if ideal == 0 {
		return 0
	}
	dcg := 0.0
	forEachFirst(ranked, k, func(rank int, doc string) bool {
		if g := rel[doc]; g > 0 {
			dcg += float64(g) / math.Log2(float64(rank)+1)
		}
		return true
	})
	return dcg / ideal
}

// idealDCG is the DCG@k of the best possible ranking of rel.
func idealDCG(rel map[string]int, k int) float64 {
	grades := make([]int, 0, len(rel))
	for _, g := range rel {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	if k > 0 && len(grades) > k {
		grades = grades[:k]
	}
	ideal := 0.0
	for i, g := range grades {
		ideal += float64(g) / math.Log2(float64(i)+2)
	}
	return ideal
}

// Recall returns the fraction of the relevant documents (grade > 0) found in the top k.
func Recall(ranked []string, rel map[string]int, k int) float64 {
	relevant := 0
	for _, g := range rel {
		if g > 0 {
			relevant++
		}
	}
	if relevant == 0 {
		return 0
	}
	hits := 0
	forEachFirst(ranked, k, func(_ int, doc string) bool {
		if rel[doc] > 0 {
			hits++
		}
		return true
	})
	return float64(hits) / float64(relevant)
}

// MRR returns the reciprocal rank of the first relevant document in the top k, or 0 when
// there is none (its mean over queries is the mean reciprocal rank).
func MRR(ranked []string, rel map[string]int, k int) float64 {
	rr := 0.0
	forEachFirst(ranked, k, func(rank int, doc string) bool {
		if rel[doc] > 0 {
			rr = 1 / float64(rank)
			return false
		}
		return true
	})
	return rr
}

// forEachFirst calls fn with the 1-based rank of each document in the top k of ranked,
// skipping (but counting the rank slot of) repeats of a document already seen, until fn
// returns false.
func forEachFirst(ranked []string, k int, fn func(rank int, doc string) bool) {
	if k > 0 && len(ranked) > k {
		ranked = ranked[:k]
	}
	seen := make(map[string]struct{}, len(ranked))
	for i, doc := range ranked {
		if _, dup := seen[doc]; dup {
			continue
		}
		seen[doc] = struct{}{}
		if !fn(i+1, doc) {
			return
		}
	}
}

// QueryScore holds one query's metrics.
type QueryScore struct {
	ID        string
	NDCG10    float64
	Recall100 float64
	MRR10     float64
}

// Summary holds metrics averaged over a query set.
type Summary struct {
	// Queries is the number of queries averaged: those with at least one judgment.
	Queries   int
	NDCG10    float64
	Recall100 float64
	MRR10     float64
}

// PerQuery scores every query that has at least one judgment in qrels, sorted by query id
// (byte order). A judged query missing from runs is scored on an empty ranking, i.e. 0; runs
// for queries without judgments are ignored.
func PerQuery(runs map[string][]string, qrels Qrels) []QueryScore {
	ids := make([]string, 0, len(qrels))
	for id, rel := range qrels {
		if len(rel) > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := make([]QueryScore, len(ids))
	for i, id := range ids {
		ranked, rel := runs[id], qrels[id]
		out[i] = QueryScore{
			ID:        id,
			NDCG10:    NDCG(ranked, rel, 10),
			Recall100: Recall(ranked, rel, 100),
			MRR10:     MRR(ranked, rel, 10),
		}
	}
	return out
}

// Evaluate averages nDCG@10, Recall@100 and MRR@10 over the judged queries (see PerQuery).
// Sums run in query-id order, so the result is bit-for-bit reproducible.
func Evaluate(runs map[string][]string, qrels Qrels) Summary {
	per := PerQuery(runs, qrels)
	s := Summary{Queries: len(per)}
	if len(per) == 0 {
		return s
	}
	for _, q := range per {
		s.NDCG10 += q.NDCG10
		s.Recall100 += q.Recall100
		s.MRR10 += q.MRR10
	}
	n := float64(len(per))
	s.NDCG10 /= n
	s.Recall100 /= n
	s.MRR10 /= n
	return s
}
