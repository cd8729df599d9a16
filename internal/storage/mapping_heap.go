//go:build !((linux || darwin || freebsd || netbsd || openbsd || dragonfly) && !vajra_nommap)

package storage

// On this platform (or with the vajra_nommap build tag) the OS file system cannot map files:
// MapFile reads them into the heap.

func adviseRandom(Mapping, int, int) error { return nil }
