//go:build !purego

package kernel

// prefetchLine asks for the cache line holding p to be loaded; it never faults.
//
//go:noescape
func prefetchLine(p *uint64)
