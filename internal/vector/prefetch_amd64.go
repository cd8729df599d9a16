//go:build !purego

package vector

// prefetchLinks asks the CPU to start loading the 3 cache lines from p, the start of a
// neighbour list, without waiting for them: a graph search jumps between nodes scattered
// over an arena larger than the caches, and the next node's list can load while the
// current node's neighbours are scored.
//
//go:noescape
func prefetchLinks(p *uint32)
