package vajra

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/vajrasearch/vajra/internal/storage"
)

// Remove deletes the collection in dir, under its lock: first its manifest, so that from then
// on (crash included) dir holds no collection, then its files, its lock file, and dir itself
// if nothing else is left in it. It never removes a file that is not a collection's: a file
// of someone else's in dir stays, and so does dir. Remove fails with ErrLocked while a writer
// holds the collection open and with ErrNotFound when dir holds no collection (also matching
// ErrNotCollection when dir holds something else). What an interrupted Remove leaves, a
// collection's files without their manifest, a new collection may take over, and Remove
// clears. Readers that opened the collection read-only keep what they loaded.
func Remove(dir string) error { return remove(storage.OS(), dir) }

func remove(fsys storage.FS, dir string) error {
	switch kind, err := inspectDir(fsys, dir); {
	case err != nil:
		return fmt.Errorf("remove %s: %w", dir, err)
	case kind == dirForeign:
		return fmt.Errorf("remove %s: no collection here: %w: %w", dir, ErrNotFound, ErrNotCollection)
	case kind == dirMissing:
		return fmt.Errorf("remove %s: no collection here: %w", dir, ErrNotFound)
	case kind == dirEmpty:
		return removeLeftovers(fsys, dir)
	}
	lock, err := fsys.Lock(fsys.PathJoin(dir, lockName))
	if err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	defer lock.Close()
	if err := fsys.Remove(fsys.PathJoin(dir, manifestName)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: no collection here: %w", dir, ErrNotFound)
		}
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	if err := fsys.SyncDir(dir); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	if err := clearCollectionFiles(fsys, dir); err != nil {
		return fmt.Errorf("remove %s: the collection is gone, but cleaning up failed: %w", dir, err)
	}
	return nil
}

// removeLeftovers clears what an interrupted Remove (or Create) left in dir: a lock file and
// numbered files without a manifest. An empty directory is not a collection's, and stays.
func removeLeftovers(fsys storage.FS, dir string) error {
	names, err := fsys.List(dir)
	if err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	if len(names) == 0 {
		return fmt.Errorf("remove %s: no collection here: %w", dir, ErrNotFound)
	}
	lock, err := fsys.Lock(fsys.PathJoin(dir, lockName))
	if err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	defer lock.Close()
	if kind, err := inspectDir(fsys, dir); err != nil || kind != dirEmpty {
		return fmt.Errorf("remove %s: it changed while being removed (%v)", dir, err)
	}
	if err := clearCollectionFiles(fsys, dir); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	return nil
}

// clearCollectionFiles removes the numbered files and the lock file of a directory that holds
// no manifest any more (the caller holds the lock), then the directory if it is empty.
func clearCollectionFiles(fsys storage.FS, dir string) error {
	lockPath := fsys.PathJoin(dir, lockName)
	names, err := fsys.List(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range names {
		if isCollectionFile(n) {
			if err := fsys.Remove(fsys.PathJoin(dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	// The lock file goes last, while still held: a newcomer then finds no manifest.
	if err := fsys.Remove(lockPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, err)
	}
	if err := fsys.Remove(dir); err == nil {
		errs = append(errs, fsys.SyncDir(fsys.PathDir(dir)))
	} else {
		// Other entries remain (they are not ours), or removing failed: keep the directory.
		errs = append(errs, fsys.SyncDir(dir))
	}
	return errors.Join(errs...)
}
