package storage

import (
	"maps"
	"math/rand/v2"
	"slices"
)

// Crash simulates a power failure and restart in place: every file reverts to its bytes as of
// its last Sync, every directory to its entries as of its last SyncDir, every lock is
// released, and every open handle fails from now on with an error wrapping fs.ErrClosed.
func (m *MemFS) Crash() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.root = durableCopy(m.root, nil)
	m.epoch++
	m.locks = map[string]bool{}
}

// CrashClone returns what a restart after a power failure right now would find, as a new
// MemFS, and leaves m and its open handles untouched. Tests use it to crash at many points of
// one run.
func (m *MemFS) CrashClone() *MemFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	return &MemFS{root: durableCopy(m.root, nil), locks: map[string]bool{}}
}

// CrashCloneTorn is CrashClone for a disk that had started writing back unsynced data when
// the power failed: a file whose only unsynced change is growth keeps, besides its synced
// bytes, a random prefix of the unsynced ones, and in a third of those files the last part of
// that prefix reads as zeros (blocks allocated but never written). Directory entries follow
// the strict rule. The same seed and state give the same result.
func (m *MemFS) CrashCloneTorn(seed uint64) *MemFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	rng := rand.New(rand.NewPCG(seed, 0x76616a7261))
	return &MemFS{root: durableCopy(m.root, rng), locks: map[string]bool{}}
}

// durableCopy builds the tree a restart would find below n. With a non-nil rng, unsynced
// appends are partly kept (see CrashCloneTorn). Names are visited in sorted order so the
// random draws, and so the result, are deterministic.
func durableCopy(n *memNode, rng *rand.Rand) *memNode {
	if !n.isDir {
		data := durableBytes(n, rng)
		return &memNode{data: data, synced: slices.Clone(data), dirtyFrom: len(data)}
	}
	d := newDirNode()
	for _, name := range slices.Sorted(maps.Keys(n.syncedChildren)) {
		c := durableCopy(n.syncedChildren[name], rng)
		d.children[name] = c
		d.syncedChildren[name] = c
	}
	return d
}

func durableBytes(n *memNode, rng *rand.Rand) []byte {
	data := slices.Clone(n.synced)
	if rng == nil || n.dirtyFrom < len(n.synced) || len(n.data) <= len(n.synced) {
		return data
	}
	unsynced := n.data[len(n.synced):]
	keep := rng.IntN(len(unsynced) + 1)
	data = append(data, unsynced[:keep]...)
	if keep > 0 && rng.IntN(3) == 0 {
		clear(data[len(data)-1-rng.IntN(keep):])
	}
	return data
}
