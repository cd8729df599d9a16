package vajra

import (
	"errors"
	"fmt"
	"time"

	"github.com/vajrasearch/vajra/internal/corruption"
	"github.com/vajrasearch/vajra/internal/filter"
	"github.com/vajrasearch/vajra/internal/storage"
)

// A collection opened from disk reads its snapshot's lexical segments and document store in
// place: the files are memory-mapped (storage.Map; read into the heap where the file system
// cannot map), opening checks only their layout and small parts, and each term, posting
// block and document is verified (chunk checksums and structure) the first time it is read.
// So Open costs milliseconds and memory grows with what queries touch.
//
// The files are immutable: Vajra never writes a published file again. What it cannot
// prevent is another program changing one:
//   - a file truncated under its mapping makes reading the lost pages fault (SIGBUS); the
//     calls that read mapped bytes turn that fault into an error (storage.GuardFault), and
//     the collection then refuses every call;
//   - a file rewritten or replaced is noticed by its size, modification time or inode,
//     checked at most once a second by the calls that read, and by Check; bytes changed
//     within a second of such a check, in parts already verified, can be read before it.
// Faults in goroutines the collection does not guard (none read mapped bytes today but the
// callers' own) would still stop the process.

// fileCheckInterval is how often reads check that the mapped files are unchanged.
const fileCheckInterval = time.Second

// mapFile maps the named file of the collection's directory and keeps the mapping until it
// is released.
func (c *Collection) mapFile(name string) (storage.Mapping, error) {
	m, err := storage.MapFile(c.fsys, c.path(name))
	if err != nil {
		return nil, err
	}
	if c.maps == nil {
		c.maps = map[string]storage.Mapping{}
	}
	if old := c.maps[name]; old != nil {
		old.Close()
	}
	c.maps[name] = m
	return m, nil
}

// releaseMapsLocked closes the mappings of the files keep does not name (all of them when
// keep is nil). c.mu must be held for writing: no reader may be inside a mapping.
func (c *Collection) releaseMapsLocked(keep map[string]bool) error {
	var errs []error
	for name, m := range c.maps {
		if !keep[name] {
			errs = append(errs, m.Close())
			delete(c.maps, name)
		}
	}
	return errors.Join(errs...)
}

// releaseFilesLocked closes every mapping, the vector index's included: the collection reads
// no file any more. c.mu must be held for writing (or the collection be unshared).
func (c *Collection) releaseFilesLocked() error {
	err := c.releaseMapsLocked(nil)
	if c.vec != nil {
		err = errors.Join(err, c.vec.Close())
	}
	return err
}

// noteFault, deferred before storage.GuardFault, marks a fault reading a mapped file as
// corruption and makes the collection refuse every later call.
func (c *Collection) noteFault(err *error) {
	if *err != nil && errors.Is(*err, storage.ErrFault) && !corruption.Is(*err) {
		e := corruption.Mark(fmt.Errorf("%s: %w", c.dir, *err))
		*err = e
		c.fault.CompareAndSwap(nil, &e)
	}
}

// readableLocked fails for a closed collection, or one whose files faulted or changed; it
// checks the files when the last check is older than fileCheckInterval. c.mu must be held.
func (c *Collection) readableLocked() error {
	if c.closed {
		return ErrClosed
	}
	if p := c.fault.Load(); p != nil {
		return *p
	}
	if len(c.maps) == 0 {
		return nil
	}
	now := time.Now().UnixNano()
	last := c.lastCheck.Load()
	if now-last < int64(fileCheckInterval) || !c.lastCheck.CompareAndSwap(last, now) {
		return nil
	}
	if err := c.changedFilesLocked(); err != nil {
		err = corruption.Mark(err)
		c.fault.CompareAndSwap(nil, &err)
		return err
	}
	return nil
}

// changedFilesLocked reports the first mapped file that is no longer the file mapped (see
// storage.Mapping.Changed: a removed name is not a change, since a writer removes the files
// of older snapshots, which read-only collections keep reading). A file that cannot be
// examined (an I/O error) is not taken for a changed one; the next check tries again.
func (c *Collection) changedFilesLocked() error {
	for _, m := range c.maps {
		if err := m.Changed(); corruption.Is(err) {
			return err
		}
	}
	return nil
}

// metaIndexLocked returns the metadata index, building it on first use from every live
// document's metadata. c.mu must be held (for reading or writing).
func (c *Collection) metaIndexLocked() (*filter.Index, error) {
	if ix := c.meta.Load(); ix != nil {
		return ix, nil
	}
	c.metaMu.Lock()
	defer c.metaMu.Unlock()
	if ix := c.meta.Load(); ix != nil {
		return ix, nil
	}
	ix := filter.NewIndex()
	var err error
	c.live.ForEach(func(iid uint32) bool {
		var m map[string]any
		if m, err = c.docs.metadata(iid); err != nil {
			return false
		}
		if len(m) > 0 {
			ix.Add(iid, m)
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("metadata index: %w", err)
	}
	c.meta.Store(ix)
	return ix, nil
}
