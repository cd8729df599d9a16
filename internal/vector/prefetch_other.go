//go:build !amd64 || purego

package vector

// prefetchLinks does nothing where there is no assembly prefetch.
func prefetchLinks(p *uint32) {}
