package storage

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// TempSuffix ends the name of the temporary file WriteFileAtomic writes beside its target. A
// crash can leave such a file behind; it is never the only copy of anything, and the next
// WriteFileAtomic of the same path overwrites it.
const TempSuffix = ".tmp"

// WriteFileAtomic replaces the file at name with the bytes write produces, so that at every
// moment, crash included, name holds either its complete old content (or does not exist, if
// it did not before) or the complete new content, never a mix, an empty file or nothing.
//
// It writes name+TempSuffix in the same directory through a buffer, syncs and closes it,
// renames it over name and syncs the directory. When WriteFileAtomic returns nil the new
// content is durable. When it fails before the rename, the temporary file is removed (as far
// as possible) and name is untouched; when only the final directory sync fails, name already
// shows the new content but a crash may still bring back the old one. The directory itself
// must already exist durably (see SyncMkdirAll).
func WriteFileAtomic(fsys FS, name string, write func(w io.Writer) error) error {
	tmp := name + TempSuffix
	if err := writeSynced(fsys, tmp, write); err != nil {
		if rerr := fsys.Remove(tmp); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, fmt.Errorf("remove temporary file: %w", rerr))
		}
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := fsys.Rename(tmp, name); err != nil {
		if rerr := fsys.Remove(tmp); rerr != nil {
			err = errors.Join(err, fmt.Errorf("remove temporary file: %w", rerr))
		}
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := fsys.SyncDir(fsys.PathDir(name)); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// writeSynced creates name, fills it with write's output and makes it durable.
func writeSynced(fsys FS, name string, write func(w io.Writer) error) error {
	f, err := fsys.Create(name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
