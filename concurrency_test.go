package vajra

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// readersWrite is one write of TestReadersDuringWrites: upserts of (id, version) pairs, or
// deletes.
type readersWrite struct {
	docs    []Document
	deletes []string
}

// TestReadersDuringWrites searches in every mode, with and without filters, while a writer
// upserts, replaces and deletes. Run under -race it checks the locking. In any run it checks,
// for every hit, that the version returned was live in some state the collection passed
// through while the search ran: a deleted document never comes back and a replaced version
// never shows again. It counts the searches that really overlapped a write, and requires
// some.
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
	// The writes, and the state after each: states[j] maps the live ids to their versions.
	var writes []readersWrite
	var first readersWrite
	for i := 0; i < 200; i++ {
		first.docs = append(first.docs, doc(i, 0))
	}
	writes = append(writes, first)
	for round := 1; round <= 15; round++ {
		var w readersWrite
		for i := round * 7; i < round*7+30; i++ {
			w.docs = append(w.docs, doc(i%260, round))
		}
		writes = append(writes, w, readersWrite{deletes: []string{
			fmt.Sprintf("d%03d", round*11%200), fmt.Sprintf("d%03d", (round*37+5)%260)}})
	}
	states := []map[string]int{{}}
	for _, w := range writes {
		next := make(map[string]int, len(states[len(states)-1]))
		for id, v := range states[len(states)-1] {
			next[id] = v
		}
		for _, d := range w.docs {
			next[d.ID] = d.Metadata["version"].(int)
		}
		for _, id := range w.deletes {
			delete(next, id)
		}
		states = append(states, next)
	}
	if _, err := c.Upsert(ctx, writes[0].docs); err != nil {
		t.Fatal(err)
	}
	// started is the number of writes begun, done the number acknowledged: a search that
	// begins with done = lo and ends with started = hi can only see states lo..hi.
	var started, done, searches, overlapped atomic.Int64
	started.Store(1)
	done.Store(1)
	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			modes := []Mode{Lexical, Vector, Hybrid}
			for i := 0; !stop.Load(); i++ {
				q := Query{Text: "river lake topic number", Mode: modes[(i+r)%3], K: 40}
				if i%2 == 0 {
					q.Filter = "group = 1"
				}
				lo := done.Load()
				res, err := c.Search(ctx, q)
				hi := started.Load()
				if err != nil {
					errs <- err
					return
				}
				if hi > lo {
					overlapped.Add(1)
				}
				searches.Add(1)
				for _, h := range res.Hits {
					version, ok := h.Metadata["version"].(float64)
					if !ok {
						errs <- fmt.Errorf("%s search: hit %q has no version: %v", q.Mode, h.ID, h.Metadata)
						return
					}
					live := false
					for j := lo; j <= hi && !live; j++ {
						v, ok := states[j][h.ID]
						live = ok && float64(v) == version
					}
					if !live {
						errs <- fmt.Errorf("%s search during writes %d..%d returned %q version %v, live in none of those states",
							q.Mode, lo, hi, h.ID, version)
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
	for j := 1; j < len(writes); j++ {
		// Let the readers run between writes, so that searches and writes interleave even on
		// one core.
		for n := searches.Load(); searches.Load() == n && len(errs) == 0; {
			runtime.Gosched()
		}
		started.Store(int64(j) + 1)
		w := writes[j]
		if len(w.docs) > 0 {
			_, err = c.Upsert(ctx, w.docs)
		} else {
			_, err = c.Delete(ctx, w.deletes)
		}
		if err != nil {
			t.Fatal(err)
		}
		done.Store(int64(j) + 1)
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// After the writes settle, the collection holds exactly the last state.
	last := states[len(states)-1]
	if c.Len() != len(last) {
		t.Fatalf("%d live documents, want %d", c.Len(), len(last))
	}
	for _, w := range writes {
		for _, id := range w.deletes {
			_, isLive := last[id]
			res, err := c.Search(ctx, Query{Text: "number " + id[1:], Mode: Lexical, K: 300})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if h.ID == id && !isLive {
					t.Fatalf("deleted %s returned after the writes", id)
				}
			}
		}
	}
	t.Logf("%d searches, %d of them overlapped a write (%d writes)", searches.Load(), overlapped.Load(), len(writes)-1)
	if overlapped.Load() == 0 {
		t.Fatal("no search overlapped a write: the test checked nothing concurrent")
	}
}
