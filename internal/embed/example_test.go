package embed_test

import (
	"context"
	"fmt"

	"github.com/vajrasearch/vajra/internal/embed"
	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

func ExampleHash() {
	h, err := embed.NewHash(embed.HashOptions{})
	if err != nil {
		panic(err)
	}
	vecs, err := h.Embed(context.Background(), []string{
		"vitamin D and bone density",
		"Bone mineral density after vitamin D supplementation",
		"photon entanglement",
	})
	if err != nil {
		panic(err)
	}
	near, far := kernel.Dot(vecs[0], vecs[1]), kernel.Dot(vecs[0], vecs[2])
	fmt.Println(len(vecs[0]), near > far)
	// Output: 384 true
}

func ExampleFromSpec() {
	h, _ := embed.NewHash(embed.HashOptions{Dim: 64})
	recorded := h.Spec() // what a collection stores
	e, err := embed.FromSpec(recorded, embed.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Spec())
	fmt.Println(recorded.Compatible(e.Spec()))
	// Output:
	// hash/v1 dim=64 bigram_weight=0 ngram_max=5 ngram_min=3 seed=0 word_weight=2
	// <nil>
}
