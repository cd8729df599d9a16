package eval_test

import (
	"fmt"

	"github.com/vajrasearch/vajra/internal/eval"
)

func ExampleEvaluate() {
	qrels := eval.Qrels{
		"q1": {"d1": 2, "d7": 1},
		"q2": {"d3": 1},
	}
	runs := map[string][]string{
		"q1": {"d7", "d1", "d9"}, // both relevant found, in the wrong order
		"q2": {"d4", "d5", "d3"}, // relevant at rank 3
	}
	// q1: DCG = 1/1 + 2/log2(3) = 2.2619, ideal = 2/1 + 1/log2(3) = 2.6309 → 0.8597
	// q2: DCG = 1/log2(4) = 0.5, ideal = 1 → 0.5; MRR 1 and 1/3
	s := eval.Evaluate(runs, qrels)
	fmt.Printf("queries %d  nDCG@10 %.4f  Recall@100 %.2f  MRR@10 %.4f\n", s.Queries, s.NDCG10, s.Recall100, s.MRR10)
	// Output:
	// queries 2  nDCG@10 0.6799  Recall@100 1.00  MRR@10 0.6667
}
