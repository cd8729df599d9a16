package vector

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"unsafe"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
	"github.com/vajrasearch/vajra/internal/storage"
)

// ErrClosed reports an operation on an Index after Close.
var ErrClosed = errors.New("vector index is closed")

// indexFile is the file an Index was opened from with OpenFile: its mapping, the sections
// whose checksums are still to verify, and whether the index can still be used.
type indexFile struct {
	path    string
	mapping storage.Mapping
	parsed  *binfile.File // nil for a Flat index, which copies what it reads
	closed  bool          // guarded by Index.writeMu and Index.mu (both to set)
	broken  atomic.Pointer[error]
}

// deferredSections are the sections OpenFile does not checksum whole at open in the file
// of a quantised index: the level-0 links, whose chunks are verified in parallel with their
// validation, and the vectors and the codes, the bulk of the file, of which searches read
// only what they visit. The vectors are verified a page at a time as results read them
// (chunk checksums); the codes, which only guide the walk (any bytes there are safe to
// walk on), by Verify, by vajra check, and before a write copies them. Every section a
// search follows pointers through (links, levels, labels, tombstones) is checked and
// validated at open.
func deferredSections(tag string) bool { return tag == "vecs" || tag == "qcod" || tag == "lnk0" }

// OpenFile opens the index file at path, as WriteTo wrote it, through a read-only memory
// mapping where fsys and the platform allow it (storage.MapFile): opening reads the file's
// structure, checksums and validates the graph's links, labels and levels, and leaves the
// float32 vectors and the codes in the file until searches touch them, so it takes
// milliseconds and the resident memory grows with what searches read. Their checksums are
// verified by Verify. The index must be closed with Close.
//
// Writes work as on any index: the arenas a write changes are copied into memory first,
// except the float32 vectors of a quantised index, which stay mapped (new ones are kept in
// memory) until a compaction copies the live ones. The file must not change while it is
// open: Vajra never rewrites a published file, and a file replaced by rename keeps its old
// mapping valid, but one truncated by another program would make reading its lost pages
// fault; every method turns such a fault into an error wrapping storage.ErrFault, after
// which the index refuses further use.
func OpenFile(fsys storage.FS, path string) (*Index, error) {
	m, err := storage.MapFile(fsys, path)
	if err != nil {
		return nil, err
	}
	x, err := openMapping(path, m)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return x, nil
}

func openMapping(path string, m storage.Mapping) (x *Index, err error) {
	defer storage.GuardFault(&err)()
	data := m.Bytes()
	file := &indexFile{path: path, mapping: m}
	if len(data) >= len(flatMagic) && string(data[:len(flatMagic)]) == flatMagic {
		fl, err := ReadFlat(data)
		if err != nil {
			return nil, err
		}
		return &Index{b: fl, file: file}, nil
	}
	// Files without quantisation are searched on every vector: they are verified whole.
	deferred := func(string) bool { return false }
	if len(data) >= 12 && binary.LittleEndian.Uint32(data[8:12]) >= 2 {
		deferred = deferredSections
	}
	f, err := binfile.ParseDeferring(data, hnswMagic, hnswVersion, deferred)
	if err != nil {
		return nil, fmt.Errorf("read hnsw: %w", err)
	}
	h, err := decodeHNSW(f, storage.IsMapped(m))
	if err != nil {
		return nil, fmt.Errorf("read hnsw: %w", err)
	}
	file.parsed = f
	if h.mapped {
		// Searches read the vectors and codes of the nodes they visit, scattered over
		// the file: no read-ahead, so that resident memory is what they read.
		for _, tag := range []string{"vecs", "qcod"} {
			if p, err := f.Section(tag); err == nil && len(p) > 0 {
				off := int(uintptr(unsafe.Pointer(&p[0])) - uintptr(unsafe.Pointer(&data[0])))
				_ = storage.AdviseRandom(m, off, len(p)) // advice only
			}
		}
	}
	return &Index{b: h, file: file}, nil
}

// usable reports ErrClosed after Close, the fault that broke a mapped index, or nil.
func (x *Index) usable() error {
	if x.file == nil {
		return nil
	}
	if x.file.closed {
		return ErrClosed
	}
	if p := x.file.broken.Load(); p != nil {
		return *p
	}
	return nil
}

// guard, for an index read from a mapped file, turns a fault reading the mapping into *err
// and marks the index unusable; use it as defer x.guard(&err)().
func (x *Index) guard(err *error) func() {
	if x.file == nil || x.file.mapping == nil || !storage.IsMapped(x.file.mapping) {
		return func() {}
	}
	old := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(old)
		if fe, ok := storage.FaultError(recover()); ok {
			e := corruption.Mark(fmt.Errorf("%s: %w", x.file.path, fe))
			*err = e
			x.file.broken.CompareAndSwap(nil, &e)
		}
	}
}

// Close releases the file an index was opened from (a no-op for other indexes, which have
// nothing to release); every later call fails with ErrClosed. It waits for running
// searches and writes.
func (x *Index) Close() error {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.file == nil {
		x.file = &indexFile{closed: true}
		return x.b.release()
	}
	if x.file.closed {
		return nil
	}
	x.file.closed = true
	err := x.b.release()
	if x.file.mapping != nil {
		err = errors.Join(err, x.file.mapping.Close())
	}
	return err
}

// Verify checks what OpenFile left unchecked: the checksums of the vector and code sections
// (reading them all, once), and that the file at the path is still the one mapped (see
// storage.Mapping). Damage and change are errors marked as corruption. For an index not
// opened from a file it returns nil.
func (x *Index) Verify() (err error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.file == nil {
		return nil
	}
	if err := x.usable(); err != nil {
		return err
	}
	if err := x.file.mapping.Changed(); err != nil {
		return err
	}
	defer x.guard(&err)()
	if x.file.parsed != nil {
		if err := x.file.parsed.VerifyDeferred(); err != nil {
			return fmt.Errorf("%s: %w", x.file.path, err)
		}
	}
	return nil
}

// MappedBytes returns the bytes of the index read from a memory-mapped file rather than
// held in the heap (see HNSW.MappedBytes).
func (x *Index) MappedBytes() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if h, ok := x.b.(*HNSW); ok {
		return h.MappedBytes()
	}
	return 0
}
