package vajra

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestReadersDuringWrites searches in every mode, with and without filters, while a writer
// upserts, replaces and deletes. Run under -race it checks the locking; in any run it checks
// that a search never returns a document that is not live at some point during the search.
func TestReadersDuringWrites(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 32}, Vector: VectorOptions{Profile: "instant"}, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	doc := func(i, version int) Document {
		return Document{ID: fmt.Sprintf("d%03d", i), Title: fmt.Sprintf("topic %d", i%7),
			Content:  fmt.Sprintf("river mountain lake number %d version %d", i, version),
			Metadata: map[string]any{"group": i % 3, "version": version}}
	}
	var first []Document
	for i := 0; i < 200; i++ {
		first = append(first, doc(i, 0))
	}
	if _, err := c.Upsert(ctx, first); err != nil {
		t.Fatal(err)
	}
	var everSeen sync.Map // ids ever upserted
	for _, d := range first {
		everSeen.Store(d.ID, true)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			modes := []Mode{Lexical, Vector, Hybrid}
			for i := 0; !stop.Load(); i++ {
				q := Query{Text: "river lake topic", Mode: modes[(i+r)%3], K: 20}
				if i%2 == 0 {
					q.Filter = "group = 1"
				}
				res, err := c.Search(ctx, q)
				if err != nil {
					errs <- err
					return
				}
				for _, h := range res.Hits {
					if _, ok := everSeen.Load(h.ID); !ok {
						errs <- fmt.Errorf("unknown id %q", h.ID)
						return
					}
					if q.Filter != "" && h.Metadata["group"] != float64(1) {
						errs <- fmt.Errorf("filter leak: %q has group %v", h.ID, h.Metadata["group"])
						return
					}
				}
			}
		}(r)
	}
	for round := 1; round <= 15; round++ {
		var batch []Document
		for i := round * 7; i < round*7+30; i++ {
			d := doc(i%260, round)
			everSeen.Store(d.ID, true)
			batch = append(batch, d)
		}
		if _, err := c.Upsert(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Delete(ctx, []string{fmt.Sprintf("d%03d", round*11%200)}); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// After the writes settle, deleted documents are gone and replaced ones show their last
	// version.
	for round := 1; round <= 15; round++ {
		id := fmt.Sprintf("d%03d", round*11%200)
		if _, err := c.Get(id); err == nil {
			// It may have been re-upserted by a later round.
			continue
		}
		res, err := c.Search(ctx, Query{Text: "number " + id[1:], Mode: Lexical, K: 300})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.ID == id {
				t.Fatalf("deleted %s returned", id)
			}
		}
	}
}
