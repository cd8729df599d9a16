package vajra

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"

	"github.com/vajrasearch/vajra/internal/storage"
)

// Remove deletes the closed collection in dir and every file in it. It refuses a directory
// that is not a collection (no MANIFEST: ErrNotFound) and one that is open (its lock is
// held). The directory is first renamed to a hidden sibling, so that a crash part-way leaves
// either the whole collection or no collection at dir, never half of one.
func Remove(dir string) error { return remove(storage.OS(), dir) }

func remove(fsys storage.FS, dir string) error {
	if _, err := fsys.Stat(fsys.PathJoin(dir, manifestName)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: no collection here (no %s): %w", dir, manifestName, ErrNotFound)
		}
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	lock, err := fsys.Lock(fsys.PathJoin(dir, lockName))
	if err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	var suffix [6]byte
	rand.Read(suffix[:])
	parent := fsys.PathDir(dir)
	trash := fsys.PathJoin(parent, "."+fsys.PathBase(dir)+".removed-"+hex.EncodeToString(suffix[:]))
	if err := fsys.Rename(dir, trash); err != nil {
		lock.Close()
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	lock.Close()
	if err := fsys.SyncDir(parent); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	if err := fsys.RemoveAll(trash); err != nil {
		return fmt.Errorf("remove %s: delete %s: %w", dir, trash, err)
	}
	return fsys.SyncDir(parent)
}
