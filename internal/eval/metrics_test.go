package eval

import (
	"math"
	"testing"
)

// log2(3) = 1.5849625007, log2(5) = 2.3219280949, log2(6) = 2.5849625007.
var (
	l3 = math.Log2(3)
	l5 = math.Log2(5)
	l6 = math.Log2(6)
)

func TestMetrics(t *testing.T) {
	// a:3 b:2 d:1 are relevant; c is judged non-relevant (0), e is judged −1, x unjudged.
	graded := map[string]int{"a": 3, "b": 2, "c": 0, "d": 1, "e": -1}
	cases := []struct {
		name              string
		ranked            []string
		rel               map[string]int
		k                 int
		ndcg, recall, mrr float64
	}{
		{
			// DCG@3 = 0/1 + 2/log2(3) + 0 = 1.2618595
			// IDCG@3 = 3/1 + 2/log2(3) + 1/log2(4) = 4.7618595 → nDCG = 0.2649930
			// recall: b of {a,b,d} = 1/3; first relevant b at rank 2 → MRR 1/2.
			name: "graded cut at 3", ranked: []string{"c", "b", "x", "a", "d"}, rel: graded, k: 3,
			ndcg: (2 / l3) / (3 + 2/l3 + 0.5), recall: 1.0 / 3, mrr: 0.5,
		},
		{
			// DCG@5 = 2/log2(3) + 3/log2(5) + 1/log2(6) = 2.9407355; IDCG@5 = IDCG@3 (only three
			// relevant) = 4.7618595 → 0.6175604. All three relevant found → recall 1.
			name: "graded cut at 5", ranked: []string{"c", "b", "x", "a", "d"}, rel: graded, k: 5,
			ndcg: (2/l3 + 3/l5 + 1/l6) / (3 + 2/l3 + 0.5), recall: 1, mrr: 0.5,
		},
		{
			name: "k larger than the ranking", ranked: []string{"c", "b", "x", "a", "d"}, rel: graded, k: 100,
			ndcg: (2/l3 + 3/l5 + 1/l6) / (3 + 2/l3 + 0.5), recall: 1, mrr: 0.5,
		},
		{
			name: "k zero means no cut-off", ranked: []string{"c", "b", "x", "a", "d"}, rel: graded, k: 0,
			ndcg: (2/l3 + 3/l5 + 1/l6) / (3 + 2/l3 + 0.5), recall: 1, mrr: 0.5,
		},
		{
			// ideal order: DCG = IDCG → 1.
			name: "perfect", ranked: []string{"a", "b", "d"}, rel: graded, k: 10,
			ndcg: 1, recall: 1, mrr: 1,
		},
		{
			// the ideal counts relevant documents the ranking never retrieved:
			// DCG@2 = 1/1 = 1; IDCG@2 = 3 + 2/log2(3) = 4.2618595 → 0.2346395.
			name: "ideal from all judgments", ranked: []string{"d"}, rel: graded, k: 2,
			ndcg: 1 / (3 + 2/l3), recall: 1.0 / 3, mrr: 1,
		},
		{
			// b repeated: counts once; the copy keeps rank 2 but gains 0.
			// DCG@2 = 1/1 + 0 = 1; IDCG@2 = 1 + 1/log2(3) = 1.6309298 → 0.6131472; recall 1/2.
			name: "duplicates count once", ranked: []string{"b", "b", "a"}, rel: map[string]int{"a": 1, "b": 1}, k: 2,
			ndcg: 1 / (1 + 1/l3), recall: 0.5, mrr: 1,
		},
		{
			// negative grade gains 0: DCG = 0 + 1/log2(3); IDCG = 1 → 0.6309298.
			name: "negative grade", ranked: []string{"a", "b"}, rel: map[string]int{"a": -1, "b": 1}, k: 10,
			ndcg: 1 / l3, recall: 1, mrr: 0.5,
		},
		{
			name: "no relevant documents", ranked: []string{"a", "b"}, rel: map[string]int{"a": 0}, k: 10,
			ndcg: 0, recall: 0, mrr: 0,
		},
		{
			name: "no judgments", ranked: []string{"a"}, rel: nil, k: 10,
			ndcg: 0, recall: 0, mrr: 0,
		},
		{
			name: "empty ranking", ranked: nil, rel: graded, k: 10,
			ndcg: 0, recall: 0, mrr: 0,
		},
		{
			// relevant document just past the cut-off earns nothing.
			name: "relevant beyond k", ranked: []string{"x", "y", "a"}, rel: graded, k: 2,
			ndcg: 0, recall: 0, mrr: 0,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check := func(metric string, got, want float64) {
				t.Helper()
				if math.Abs(got-want) > 1e-12 {
					t.Errorf("%s = %.10f, want %.10f", metric, got, want)
				}
			}
			check("nDCG", NDCG(c.ranked, c.rel, c.k), c.ndcg)
			check("recall", Recall(c.ranked, c.rel, c.k), c.recall)
			check("MRR", MRR(c.ranked, c.rel, c.k), c.mrr)
		})
	}
}

func TestEvaluate(t *testing.T) {
	qrels := Qrels{
		"q1": {"a": 1},
		"q2": {"b": 2, "c": 1},
		"q3": {"d": 0}, // judged, nothing relevant: counts, scores 0
		"q4": {"e": 1}, // judged but missing from the runs: counts, scores 0
		"q5": {},       // no judgments: not counted
	}
	runs := map[string][]string{
		"q1": {"a"},
		"q2": {"c", "b"}, // DCG = 1/1 + 2/log2(3) = 2.2618595; IDCG = 2 + 1/log2(3) = 2.6309298
		"q3": {"d"},
		"q9": {"z"}, // no qrels: ignored
	}
	q2 := (1 + 2/l3) / (2 + 1/l3) // 0.8597186
	got := Evaluate(runs, qrels)
	want := Summary{Queries: 4, NDCG10: (1 + q2) / 4, Recall100: 2.0 / 4, MRR10: 2.0 / 4}
	if got.Queries != want.Queries || math.Abs(got.NDCG10-want.NDCG10) > 1e-12 ||
		math.Abs(got.Recall100-want.Recall100) > 1e-12 || math.Abs(got.MRR10-want.MRR10) > 1e-12 {
		t.Fatalf("Evaluate = %+v, want %+v", got, want)
	}
	per := PerQuery(runs, qrels)
	ids := []string{"q1", "q2", "q3", "q4"}
	if len(per) != len(ids) {
		t.Fatalf("PerQuery: %d queries, want %d", len(per), len(ids))
	}
	for i, id := range ids {
		if per[i].ID != id {
			t.Fatalf("PerQuery[%d] = %q, want %q", i, per[i].ID, id)
		}
	}
	if empty := Evaluate(runs, nil); empty != (Summary{}) {
		t.Fatalf("no qrels: %+v", empty)
	}
	// Repeated evaluation is bit-for-bit identical despite map inputs.
	for range 20 {
		if again := Evaluate(runs, qrels); again != got {
			t.Fatalf("non-deterministic: %+v vs %+v", again, got)
		}
	}
}
