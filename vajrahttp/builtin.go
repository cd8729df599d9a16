package vajrahttp

import (
	"context"
	"fmt"

	"github.com/vajrasearch/vajra"
)

// Wikipedia is the built-in demo collection "wikipedia": the corpus embedded in Vajra (5,000
// English Wikipedia passages, CC BY-SA 4.0) with the hashing embedder, built in memory when
// the server loads and served read-only.
func Wikipedia() Builtin {
	return Builtin{Name: "wikipedia", Build: func(ctx context.Context) (*vajra.Collection, error) {
		docs, err := vajra.DefaultCorpus()
		if err != nil {
			return nil, err
		}
		c, err := vajra.New(vajra.Options{Embedder: vajra.EmbedderOptions{Kind: vajra.EmbedderHash},
			Vector: vajra.VectorOptions{Profile: "fast"}})
		if err != nil {
			return nil, err
		}
		if _, err := c.Upsert(ctx, docs); err != nil {
			c.Close()
			return nil, fmt.Errorf("index the built-in corpus: %w", err)
		}
		return c, nil
	}}
}
