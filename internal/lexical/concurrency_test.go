package lexical

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentReadersAndWriter runs readers that search fresh snapshots while a writer
// adds, deletes and merges. Readers check that the fast path equals the reference on their
// snapshot and that no document deleted before the snapshot was taken is returned. Run it
// with -race.
func TestConcurrentReadersAndWriter(t *testing.T) {
	spec := corpusSpec{vocab: 150, zipf: 1.2, maxLen: 25, fields: 2}
	ix := mustNew(t, Options{MergeFactor: 3})
	var nextID uint32
	r := rand.New(rand.NewPCG(21, 22))
	mustAdd(t, ix, randomDocs(r, spec, &nextID, 100))

	var mu sync.Mutex
	var deleted []uint32 // in deletion order; a prefix is published through deletedN
	var deletedN atomic.Int64
	var done atomic.Bool
	var reads atomic.Int64
	var wg sync.WaitGroup

	const readers = 3
	errs := make(chan string, readers)
	for i := range readers {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rr := rand.New(rand.NewPCG(seed, 1))
			for !done.Load() {
				n := int(deletedN.Load())
				mu.Lock()
				gone := slices.Clone(deleted[:n])
				mu.Unlock()
				snap := ix.Snapshot()
				q := randomQuery(rr, spec)
				k := []int{1, 10, 100}[rr.IntN(3)]
				got := snap.Search(q, k, SearchOptions{})
				if msg := sameHits(got, snap.SearchExhaustive(q, k, SearchOptions{})); msg != "" {
					errs <- msg
					return
				}
				for _, h := range got {
					if slices.Contains(gone, h.ID) {
						errs <- "deleted document returned: " + itoa(int(h.ID))
						return
					}
				}
				reads.Add(1)
			}
		}(uint64(i))
	}

	for round := range 30 {
		mustAdd(t, ix, randomDocs(r, spec, &nextID, 1+r.IntN(60)))
		ids := liveIDs(ix.Snapshot())
		var del []uint32
		for _, id := range ids {
			if r.IntN(10) == 0 {
				del = append(del, id)
			}
		}
		ix.Delete(del)
		mu.Lock()
		deleted = append(deleted, del...)
		mu.Unlock()
		deletedN.Store(int64(len(deleted)))
		if round%10 == 9 {
			if err := ix.ForceMerge(); err != nil {
				t.Fatal(err)
			}
		}
		// Let the readers overlap every round.
		for want := int64(round+1) * 10; reads.Load() < want && len(errs) == 0; {
			runtime.Gosched()
		}
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Fatal(msg)
	}
}
