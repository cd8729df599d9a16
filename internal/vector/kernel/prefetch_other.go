//go:build !amd64 || purego

package kernel

// prefetchLine does nothing where there is no prefetch instruction to call.
func prefetchLine(p *uint64) {}
