package datagen

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// orderedBlocks runs produce for blocks 0..blocks-1 on up to threads goroutines (worker
// is the goroutine's number, for its own scratch) and hands each block's bytes to
// consume in block order, from the calling goroutine. produce receives a spare buffer to
// append to. At most a few blocks per goroutine wait between the two, so memory does not
// grow with the number of blocks. The first error stops everything and is returned.
func orderedBlocks(ctx context.Context, blocks, threads int,
	produce func(worker, block int, buf []byte) ([]byte, error), consume func(block int, data []byte) error) error {
	ctx, cancel := context.WithCancel(ctx)
	threads = max(1, min(threads, blocks))
	// The consumer waits for the lowest block not yet consumed; blocks are taken in
	// order, so that one is always being produced or done, and the slots never deadlock.
	inflight := 2*threads + 2
	slots := make(chan struct{}, inflight)
	free := make(chan []byte, inflight)
	type result struct {
		data []byte
		err  error
	}
	done := make([]chan result, blocks)
	for i := range done {
		done[i] = make(chan result, 1)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	for w := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case slots <- struct{}{}:
				case <-ctx.Done():
					return
				}
				b := int(next.Add(1)) - 1
				if b >= blocks {
					return
				}
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				data, err := produce(w, b, buf[:0])
				done[b] <- result{data, err}
				if err != nil || ctx.Err() != nil {
					return
				}
			}
		}()
	}
	for b := range blocks {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		var res result
		select {
		case res = <-done[b]:
		case <-ctx.Done():
			return fmt.Errorf("generate: %w", ctx.Err())
		}
		if res.err != nil {
			return res.err
		}
		if err := consume(b, res.data); err != nil {
			return err
		}
		select {
		case free <- res.data[:0]:
		default:
		}
		<-slots
	}
	return nil
}
