package vajra

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/vajrasearch/vajra/internal/lexical"
	"github.com/vajrasearch/vajra/internal/storage"
)

// FillFunc adds the documents of a collection being built (see Build). It may Upsert, Delete
// and Search c, but must not Close it. An error abandons the build.
type FillFunc func(ctx context.Context, c *Collection) error

// Build makes a new collection at dir with options o, all at once: the collection is built in
// memory, fill adds its documents, and only then is it written to dir. Until Build returns
// nil, dir holds no collection, whatever happens (an error, a crash, a cancelled ctx); after,
// it holds the complete one, durably, and the returned collection is open on it.
//
// dir may be missing or an empty directory. Build fails with ErrExists when dir holds a
// collection (see Rebuild to replace one) and with ErrNotCollection when it holds anything
// else; it never changes such a path.
func Build(ctx context.Context, dir string, o Options, fill FillFunc) (*Collection, error) {
	return build(ctx, storage.OS(), dir, o, false, fill)
}

// Rebuild is Build that may replace a collection at dir. It takes the old collection's lock
// before calling fill (failing with ErrLocked while another writer holds the collection open)
// and keeps it until the new collection is in place, so no write to the old one can be
// acknowledged and then lost. The new collection's files are written beside the old ones
// under names no file in dir has had, and the manifest is switched last, atomically: at every
// moment, crash included, dir holds the complete old collection or the complete new one, and
// it never stops existing. The old files are removed afterwards. Readers that opened the old
// collection read-only keep what they loaded.
//
// Rebuild changes nothing at a path that holds anything but a collection (ErrNotCollection).
func Rebuild(ctx context.Context, dir string, o Options, fill FillFunc) (*Collection, error) {
	return build(ctx, storage.OS(), dir, o, true, fill)
}

func build(ctx context.Context, fsys storage.FS, dir string, o Options, replace bool, fill FillFunc) (*Collection, error) {
	op := "build"
	if replace {
		op = "rebuild"
	}
	lock, err := lockForBuild(fsys, dir, op, replace)
	if err != nil {
		return nil, err
	}
	release := func() {
		if lock != nil {
			lock.Close()
		}
	}
	c, err := New(o)
	if err != nil {
		release()
		return nil, err
	}
	if err := fill(ctx, c); err != nil {
		c.Close()
		release()
		return nil, fmt.Errorf("%s %s: %w", op, dir, err)
	}
	if err := c.checkWritable(); err != nil {
		release()
		return nil, fmt.Errorf("%s %s: the collection was closed or made read-only while being built: %w", op, dir, err)
	}
	if err := ctxErr(ctx); err != nil {
		c.Close()
		release()
		return nil, fmt.Errorf("%s %s: %w", op, dir, err)
	}
	if lock == nil {
		// dir held no collection when the build started: make it now, and check again under
		// its lock that nobody else made one meanwhile.
		if lock, err = createAndLock(fsys, dir, op, replace); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := c.publish(fsys, dir, lock); err != nil {
		c.Close()
		lock.Close()
		return nil, fmt.Errorf("%s %s: %w", op, dir, err)
	}
	return c, nil
}

// lockForBuild checks what dir holds before a build starts, and takes the lock of a
// collection that is to be replaced. It returns a nil lock when dir holds no collection.
func lockForBuild(fsys storage.FS, dir, op string, replace bool) (io.Closer, error) {
	kind, err := inspectDir(fsys, dir)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s %s: %w", op, dir, err)
	case kind == dirForeign:
		return nil, notCollectionError(op, dir)
	case kind == dirCollection && !replace:
		return nil, fmt.Errorf("%s %s: %w (rebuild it to replace it)", op, dir, ErrExists)
	case kind != dirCollection:
		return nil, nil
	}
	lock, err := fsys.Lock(fsys.PathJoin(dir, lockName))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", op, dir, err)
	}
	return lock, nil
}

// createAndLock makes dir (if missing) and takes its lock, then checks that it still may take
// the new collection.
func createAndLock(fsys storage.FS, dir, op string, replace bool) (io.Closer, error) {
	if err := storage.SyncMkdirAll(fsys, dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s %s: %w", op, dir, err)
	}
	lock, err := fsys.Lock(fsys.PathJoin(dir, lockName))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", op, dir, err)
	}
	kind, err := inspectDir(fsys, dir)
	switch {
	case err != nil:
		err = fmt.Errorf("%s %s: %w", op, dir, err)
	case kind == dirForeign:
		err = notCollectionError(op, dir)
	case kind == dirCollection && !replace:
		err = fmt.Errorf("%s %s: %w (made by someone else during the build)", op, dir, ErrExists)
	}
	if err != nil {
		lock.Close()
		return nil, err
	}
	return lock, nil
}

// publish makes c, a collection held in memory (or opened from elsewhere), the collection at
// dir, whose lock the caller holds and hands over to c. It is a snapshot into dir: the files
// are numbered above every numbered file in dir (lexical segments renumbered as needed), the
// manifest is replaced last and atomically, and the files it no longer names are removed. On
// error, c is detached from dir again and dir holds its old collection, or none; the one
// ambiguous failure, a manifest write whose outcome is unknown, is retried once, and reported
// as such if the retry fails too.
func (c *Collection) publish(fsys storage.FS, dir string, lock io.Closer) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	names, err := fsys.List(dir)
	if err != nil {
		return err
	}
	gen, seg := highestNumbers(names)
	c.mu.Lock()
	if err := c.renumberSegmentsLocked(seg); err != nil {
		c.mu.Unlock()
		return err
	}
	oldDir, oldFS, oldLock, oldGen, oldWAL := c.dir, c.fsys, c.lock, c.gen, c.wal
	c.dir, c.fsys, c.lock, c.gen, c.lexFiles = dir, fsys, lock, gen, map[uint64]string{}
	c.mu.Unlock()
	err = c.snapshotLocked()
	if err != nil && c.unsettled {
		if err2 := c.snapshotLocked(); err2 != nil {
			err = fmt.Errorf("%w; and again: %w (%s now holds either its old collection or the new one)", err, err2, dir)
		} else {
			err = nil
		}
	}
	if err != nil {
		c.mu.Lock()
		c.dir, c.fsys, c.lock, c.gen, c.wal, c.unsettled = oldDir, oldFS, oldLock, oldGen, oldWAL, false
		c.mu.Unlock()
		return err
	}
	if oldLock != nil {
		oldLock.Close()
	}
	return nil
}

// renumberSegmentsLocked gives the lexical segments ids above floor, in their order, when any
// is at or below it. c.mu must be held for writing.
func (c *Collection) renumberSegmentsLocked(floor uint64) error {
	refs := c.lex.Snapshot().Segments()
	if !slices.ContainsFunc(refs, func(r lexical.SegmentRef) bool { return r.Seg.ID() <= floor }) {
		return nil
	}
	slices.SortFunc(refs, func(a, b lexical.SegmentRef) int { return cmpUint64(a.Seg.ID(), b.Seg.ID()) })
	for i := range refs {
		refs[i].Seg = refs[i].Seg.WithID(floor + 1 + uint64(i))
	}
	lex, err := lexical.Restore(c.lexicalOptions(), refs)
	if err != nil {
		return fmt.Errorf("renumber lexical segments: %w", err)
	}
	c.lex = lex
	return nil
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
