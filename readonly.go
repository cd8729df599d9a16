package vajra

import (
	"fmt"

	"github.com/vajrasearch/vajra/internal/doccodec"
	"github.com/vajrasearch/vajra/internal/storage"
)

// maxReadAttempts bounds how often a read-only open starts over because a writer published a
// new snapshot while it was reading the previous one.
const maxReadAttempts = 20

// openReadOnly loads the collection in dir without its lock. A writer may meanwhile publish a
// new snapshot and remove the files of the one being read; file names are never reused in a
// directory (see layout.go), so a file either has the bytes the manifest read promised or is
// gone. When a read fails and the manifest has moved on, the open starts over from the new
// one.
func openReadOnly(fsys storage.FS, dir string, oo OpenOptions) (*Collection, error) {
	for attempt := 1; ; attempt++ {
		c, m, err := readPublished(fsys, dir, oo)
		if err == nil {
			return c, nil
		}
		if m.WAL == "" || !manifestMoved(fsys, dir, m) {
			return nil, err
		}
		if attempt == maxReadAttempts {
			return nil, fmt.Errorf("the collection changed %d times while it was being read; last: %w", attempt, err)
		}
	}
}

// readPublished reads the newest snapshot of dir and the log written since, read-only. It
// returns the manifest it worked from whenever it got that far.
func readPublished(fsys storage.FS, dir string, oo OpenOptions) (*Collection, storage.Manifest, error) {
	if err := hasManifest(fsys, dir); err != nil {
		return nil, storage.Manifest{}, err
	}
	c, m, err := loadSnapshot(fsys, dir, oo)
	if err != nil {
		return nil, m, err
	}
	c.readOnly.Store(true)
	// A write split into several records that the log holds only part of is in flight (or
	// was never acknowledged): its parts are dropped, as a writable open drops them.
	var parts doccodec.Assembler
	if _, err := storage.ReadWAL(fsys, c.path(m.WAL), func(r storage.Record) error { return c.replay(r, &parts) }); err != nil {
		c.releaseFilesLocked()
		return nil, m, err
	}
	return c, m, nil
}

// manifestMoved reports whether dir's manifest now names another generation than m.
func manifestMoved(fsys storage.FS, dir string, m storage.Manifest) bool {
	now, err := storage.ReadManifest(fsys, fsys.PathJoin(dir, manifestName))
	return err == nil && (now.Generation != m.Generation || now.WAL != m.WAL)
}

// SetReadOnly makes the collection refuse writes from now on: Upsert, Delete, Flush and
// Promote fail with ErrReadOnly. It suits a collection built in memory and then served, and
// cannot be undone. A collection opened for writing keeps its lock (and its log) until Close,
// which then writes no snapshot.
func (c *Collection) SetReadOnly() {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.readOnly.Store(true)
}

// ReadOnly reports whether the collection refuses writes (see OpenOptions.ReadOnly and
// SetReadOnly).
func (c *Collection) ReadOnly() bool { return c.readOnly.Load() }

// checkWritable fails for a closed or read-only collection.
func (c *Collection) checkWritable() error {
	if err := c.checkOpen(); err != nil {
		return err
	}
	if c.readOnly.Load() {
		return ErrReadOnly
	}
	return nil
}
