package vector

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/vajrasearch/vajra/internal/corruption"
)

func TestIndexConcurrentReadersAndWriters(t *testing.T) {
	const dim, n = 16, 3000
	data := clustered(91, 2*n, dim, 10)
	x, err := NewIndex(Options{Dim: dim, M: 8, EfConstruction: 40, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mustAdd(t, x, seqLabels(0, n), data[:n*dim])
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			var hits []Hit
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := data[((i*7+r)%n)*dim : ((i*7+r)%n+1)*dim]
				var err error
				hits, err = x.SearchInto(hits, q, 10, SearchOptions{})
				if err != nil {
					errs <- err
					return
				}
				if len(hits) == 0 {
					errs <- errors.New("no results while the index is never empty")
					return
				}
				for _, h := range hits {
					if h.Label >= 2*n {
						errs <- errors.New("unknown label returned")
						return
					}
				}
			}
		}(r)
	}
	// Writers: add the second half in pieces, delete and re-add some, compact.
	for off := n; off < 2*n; off += 500 {
		if err := x.Add(ctx, seqLabels(off, 500), data[off*dim:(off+500)*dim]); err != nil {
			t.Fatal(err)
		}
		x.Delete(seqLabels(off-n, 100))
	}
	if err := x.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if want := 2*n - 600; x.Len() != want {
		t.Fatalf("Len %d, want %d", x.Len(), want)
	}
}

func TestIndexPromote(t *testing.T) {
	const dim, n = 16, 2000
	data := clustered(92, n+600, dim, 10)
	queries := clustered(93, 50, dim, 10)
	ctx := context.Background()
	x, err := NewIndex(Options{Dim: dim, Profile: ProfileExact, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, x, seqLabels(0, n), data[:n*dim])
	if x.Options().Profile != ProfileExact {
		t.Fatalf("profile %q", x.Options().Profile)
	}
	done := make(chan error, 1)
	go func() { done <- x.Promote(ctx, ProfileFast) }()
	// Writes and reads while the promotion runs (or after it: both must end the same).
	mustAdd(t, x, seqLabels(n, 600), data[n*dim:])
	x.Delete(seqLabels(0, 100))
	if _, err := x.Search(queries[:dim], 5, SearchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if x.Options().Profile != ProfileFast || !isGraph(x) {
		t.Fatalf("after promote: profile %q", x.Options().Profile)
	}
	if x.Len() != n+500 || x.Contains(50) || !x.Contains(n+599) {
		t.Fatalf("after promote: Len %d, Contains(50) %v, Contains(%d) %v", x.Len(), x.Contains(50), n+599, x.Contains(n+599))
	}
	r := recallVs(t, x, flatOf(t, x.b.(*HNSW)), queries, dim, 10, SearchOptions{})
	if r < 0.95 {
		t.Fatalf("recall@10 after promote %.3f", r)
	}
	// Back to exact, and a second promotion while one runs is refused.
	if err := x.Promote(ctx, ProfileExact); err != nil || isGraph(x) || x.Len() != n+500 {
		t.Fatalf("promote to exact: %v, len %d", err, x.Len())
	}
	x.promoting.Store(true)
	if err := x.Promote(ctx, ProfileQuality); !errors.Is(err, ErrBusy) {
		t.Fatalf("concurrent promote: %v", err)
	}
	x.promoting.Store(false)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := x.Promote(cancelled, ProfileQuality); !errors.Is(err, context.Canceled) || isGraph(x) {
		t.Fatalf("cancelled promote: %v", err)
	}
	if err := x.Promote(ctx, "turbo"); !errors.Is(err, ErrBadOptions) {
		t.Fatalf("unknown profile: %v", err)
	}
}

func TestIndexPersist(t *testing.T) {
	const dim = 8
	for _, p := range []Profile{ProfileExact, ProfileInstant} {
		t.Run(string(p), func(t *testing.T) {
			x, err := NewIndex(Options{Dim: dim, Profile: p})
			if err != nil {
				t.Fatal(err)
			}
			mustAdd(t, x, seqLabels(0, 300), clustered(94, 300, dim, 3))
			var buf bytes.Buffer
			if _, err := x.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			y, err := ReadIndex(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			y.SetThreads(1)
			if y.Len() != 300 || y.Options().Profile != p || y.Options().Threads != 1 {
				t.Fatalf("read back len %d profile %q", y.Len(), y.Options().Profile)
			}
			q := clustered(95, 1, dim, 3)
			a, _ := x.Search(q, 5, SearchOptions{})
			b, _ := y.Search(q, 5, SearchOptions{})
			if len(a) != 5 || !equalHits(a, b) {
				t.Fatalf("%v vs %v", a, b)
			}
			if _, err := ReadIndex(buf.Bytes()[:100]); !errors.Is(err, corruption.Err) {
				t.Fatalf("truncated: %v", err)
			}
		})
	}
}

func equalHits(a, b []Hit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func isGraph(x *Index) bool {
	_, ok := x.b.(*HNSW)
	return ok
}

// A promotion replays the writes made while it builds. An add stopped midway must be
// logged as what took effect: with a label repeated in the batch, a prefix of the batch
// would also replay the label's earlier vector, which was never applied.
func TestPromotionLogOfCancelledAdd(t *testing.T) {
	const dim = 4
	x, err := NewIndex(Options{Dim: dim, M: 4, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, x, seqLabels(0, 40), clustered(1, 40, dim, 2)) // batches of one from here
	x.writeMu.Lock()
	x.logging = true
	x.writeMu.Unlock()
	ctx := &countdown{Context: context.Background()}
	ctx.n.Store(1) // the first internal batch runs, the second is cancelled
	vecs := []float32{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}
	if err := x.Add(ctx, []uint32{100, 101, 100}, vecs); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if x.Contains(100) || !x.Contains(101) {
		t.Fatalf("after the cancelled add: 100 present %v, 101 present %v", x.Contains(100), x.Contains(101))
	}
	want := []indexOp{{labels: []uint32{101}, vecs: vecs[dim : 2*dim]}}
	if len(x.log) != 1 || !slices.Equal(x.log[0].labels, want[0].labels) || !slices.Equal(x.log[0].vecs, want[0].vecs) || x.log[0].del {
		t.Fatalf("logged %+v, want %+v", x.log, want)
	}
}
