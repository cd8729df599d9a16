package embed

import "context"

type progressKey struct{}

// WithProgress returns a context under which embedders that work through long batches
// (the local transformer) call f with the number of texts they have just finished, so a
// long job can show how far it is. f may be called from several goroutines.
func WithProgress(ctx context.Context, f func(texts int)) context.Context {
	return context.WithValue(ctx, progressKey{}, f)
}

// progressFrom returns the progress function of ctx, or nil.
func progressFrom(ctx context.Context) func(int) {
	f, _ := ctx.Value(progressKey{}).(func(int))
	return f
}
