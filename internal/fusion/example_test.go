package fusion_test

import (
	"fmt"

	"github.com/vajrasearch/vajra/internal/fusion"
)

func ExampleFuse() {
	lex := []fusion.Ranked{{ID: 1, Score: 12.1}, {ID: 2, Score: 9.7}, {ID: 3, Score: 4.0}}
	vec := []fusion.Ranked{{ID: 2, Score: 0.91}, {ID: 4, Score: 0.88}}
	for _, r := range fusion.Fuse(lex, vec, 3, fusion.Options{}) {
		fmt.Printf("doc %d %.5f (lexical rank %d, vector rank %d)\n", r.ID, r.Score, r.Lexical.Rank, r.Vector.Rank)
	}
	// Output:
	// doc 2 0.01626 (lexical rank 2, vector rank 1)
	// doc 1 0.00820 (lexical rank 1, vector rank 0)
	// doc 4 0.00806 (lexical rank 0, vector rank 2)
}
