// Package storage owns how Vajra's bytes reach the disk and come back after a crash: a small
// file-system interface (FS) with an operating-system implementation, an in-memory twin that
// models exactly what POSIX makes durable and can simulate a crash, and a fault-injecting
// wrapper; read-only file mappings (MapFile, through the optional Mapper capability, with a
// read into the heap where an FS cannot map, and GuardFault, which turns the fault of
// reading a mapping whose file was truncated into an error); crash-safe atomic file
// replacement; a write-ahead log; and the manifest that names the current snapshot.
//
// It does not own any index format: those live with their indexes and reach the disk through
// WriteFileAtomic (whole immutable files) or the WAL (a stream of small updates).
//
// Durability rules every caller relies on, and that MemFS enforces in tests:
//
//   - File contents are durable only after File.Sync.
//   - A create, rename or remove is durable only after SyncDir of the directory holding the
//     name (both directories for a rename across directories).
//   - A directory made by MkdirAll is itself a name in its parent: use SyncMkdirAll when it
//     must survive a crash.
//
// Typical use:
//
//	fsys := storage.OS()
//	err := storage.WriteFileAtomic(fsys, fsys.PathJoin(dir, "MANIFEST"), func(w io.Writer) error {
//		_, err := w.Write(data)
//		return err
//	})
package storage
