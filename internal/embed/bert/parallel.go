package bert

import "sync"

// parallel runs fn over [0, n) split into at most threads contiguous ranges, one
// goroutine each (the caller's goroutine runs the first), and waits for all. worker is
// the range's index, for per-worker scratch. How the range is split never changes a
// result: every value is computed by the same operations whichever worker computes it.
func parallel(n, threads int, fn func(worker, lo, hi int)) {
	if n <= 0 {
		return
	}
	threads = max(1, min(threads, n))
	if threads == 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 1; w < threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w, w*n/threads, (w+1)*n/threads)
		}()
	}
	fn(0, 0, n/threads)
	wg.Wait()
}
