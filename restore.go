package vajra

import (
	"archive/tar"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/vajrasearch/vajra/internal/storage"
)

// ErrBadBackup reports an archive Restore refuses: not a Vajra backup, truncated, or with a
// file whose size or digest differs from its listing. Nothing is created.
var ErrBadBackup error = &kindError{msg: "vajra: invalid backup", parents: []error{ErrInvalidDocument}}

// RestoreInfo describes a restored backup.
type RestoreInfo struct {
	// Bytes is the archive's length and SHA256 the digest of all of it.
	Bytes  int64
	SHA256 [32]byte
	// Files and Documents count what was restored.
	Files, Documents int
}

// maxBackupFiles bounds the members of an archive; a collection has a few dozen files.
const maxBackupFiles = 10000

// Restore reads a backup archive written by Collection.Backup from r and creates the
// collection it holds in dir, which must not exist (or be an empty directory). Every file is
// checked against the archive's listing (size and SHA-256) and the collection is opened once
// to verify it before it appears at dir: the files go to a hidden sibling directory first,
// which is renamed into place only when complete. A bad archive gives an error wrapping
// ErrBadBackup and leaves nothing behind.
func Restore(ctx context.Context, r io.Reader, dir string) (RestoreInfo, error) {
	return restore(ctx, storage.OS(), r, dir)
}

func restore(ctx context.Context, fsys storage.FS, r io.Reader, dir string) (RestoreInfo, error) {
	var info RestoreInfo
	if err := emptyOrMissing(fsys, dir); err != nil {
		return info, fmt.Errorf("restore into %s: %w", dir, err)
	}
	parent := fsys.PathDir(dir)
	if err := storage.SyncMkdirAll(fsys, parent, 0o755); err != nil {
		return info, fmt.Errorf("restore into %s: %w", dir, err)
	}
	var suffix [6]byte
	rand.Read(suffix[:])
	tmp := fsys.PathJoin(parent, "."+fsys.PathBase(dir)+".restore-"+hex.EncodeToString(suffix[:]))
	if err := fsys.MkdirAll(tmp, 0o755); err != nil {
		return info, fmt.Errorf("restore into %s: %w", dir, err)
	}
	ok := false
	defer func() {
		if !ok {
			fsys.RemoveAll(tmp)
		}
	}()
	sum := sha256.New()
	cr := &countingReader{r: io.TeeReader(r, sum)}
	list, err := extractBackup(ctx, fsys, cr, tmp)
	if err != nil {
		return info, fmt.Errorf("restore into %s: %w", dir, err)
	}
	// Drain the tar's end-of-archive padding so the digest covers the whole stream.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return info, fmt.Errorf("restore into %s: %w: %w", dir, ErrBadBackup, err)
	}
	if err := fsys.SyncDir(tmp); err != nil {
		return info, fmt.Errorf("restore into %s: %w", dir, err)
	}
	c, err := open(fsys, tmp, OpenOptions{})
	if err != nil {
		return info, fmt.Errorf("restore into %s: %w: the restored collection does not open: %w", dir, ErrBadBackup, err)
	}
	docs := c.Len()
	if err := c.Close(); err != nil {
		return info, fmt.Errorf("restore into %s: %w", dir, err)
	}
	if docs != list.Documents {
		return info, fmt.Errorf("restore into %s: %w: the archive lists %d documents, the collection holds %d", dir, ErrBadBackup, list.Documents, docs)
	}
	if err := emptyOrMissing(fsys, dir); err != nil {
		return info, fmt.Errorf("restore into %s: %w", dir, err)
	}
	fsys.Remove(dir) // an empty directory is replaced
	if err := fsys.Rename(tmp, dir); err != nil {
		return info, fmt.Errorf("restore into %s: %w", dir, err)
	}
	ok = true
	if err := fsys.SyncDir(parent); err != nil {
		return info, fmt.Errorf("restore into %s: %w", dir, err)
	}
	info = RestoreInfo{Bytes: cr.n, Files: len(list.Files), Documents: docs}
	sum.Sum(info.SHA256[:0])
	return info, nil
}

// emptyOrMissing refuses a dir that exists and holds anything.
func emptyOrMissing(fsys storage.FS, dir string) error {
	if _, err := fsys.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	ents, err := fsys.List(dir)
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		if _, err := fsys.Stat(fsys.PathJoin(dir, manifestName)); err == nil {
			return ErrExists
		}
		return fmt.Errorf("%s is not empty", dir)
	}
	return nil
}

// validMemberName accepts the names a backup holds: flat collection file names.
func validMemberName(name string) bool {
	if name == manifestName || name == backupListName {
		return true
	}
	if strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") || len(name) > 64 {
		return false
	}
	return isCollectionFile(name)
}

// extractBackup writes the archive's files into dir and checks them against BACKUP.json.
func extractBackup(ctx context.Context, fsys storage.FS, r io.Reader, dir string) (*backupList, error) {
	tr := tar.NewReader(r)
	got := map[string]backupFile{}
	var order []string
	var list *backupList
	for {
		if err := ctxErr(ctx); err != nil {
			return nil, err
		}
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadBackup, err)
		}
		if list != nil {
			return nil, fmt.Errorf("%w: %s is not the last member", ErrBadBackup, backupListName)
		}
		if h.Typeflag != tar.TypeReg || !validMemberName(h.Name) || h.Size < 0 {
			return nil, fmt.Errorf("%w: unexpected member %q", ErrBadBackup, h.Name)
		}
		if _, dup := got[h.Name]; dup {
			return nil, fmt.Errorf("%w: member %q twice", ErrBadBackup, h.Name)
		}
		if len(got) >= maxBackupFiles {
			return nil, fmt.Errorf("%w: more than %d members", ErrBadBackup, maxBackupFiles)
		}
		if h.Name == backupListName {
			if h.Size > 64<<20 {
				return nil, fmt.Errorf("%w: %s of %d bytes", ErrBadBackup, backupListName, h.Size)
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrBadBackup, err)
			}
			list = new(backupList)
			if err := json.Unmarshal(b, list); err != nil || list.Format != backupFormat {
				return nil, fmt.Errorf("%w: %s is not a backup listing", ErrBadBackup, backupListName)
			}
			if list.Version != backupVersion {
				return nil, fmt.Errorf("%w: backup version %d (this build reads %d)", ErrBadBackup, list.Version, backupVersion)
			}
			continue
		}
		bf, err := writeMember(fsys, fsys.PathJoin(dir, h.Name), tr, h.Size)
		if err != nil {
			return nil, err
		}
		bf.Name = h.Name
		got[h.Name] = bf
		order = append(order, h.Name)
	}
	if list == nil {
		return nil, fmt.Errorf("%w: no %s (truncated, or not a Vajra backup)", ErrBadBackup, backupListName)
	}
	if len(list.Files) != len(got) {
		return nil, fmt.Errorf("%w: the listing names %d files, the archive holds %d", ErrBadBackup, len(list.Files), len(got))
	}
	for _, want := range list.Files {
		if g, ok := got[want.Name]; !ok || g != want {
			return nil, fmt.Errorf("%w: %s differs from its listing (size or SHA-256)", ErrBadBackup, want.Name)
		}
	}
	return list, nil
}

// writeMember copies size bytes of r into a new synced file at path.
func writeMember(fsys storage.FS, path string, r io.Reader, size int64) (backupFile, error) {
	f, err := fsys.Create(path)
	if err != nil {
		return backupFile{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if err == nil && n != size {
		err = fmt.Errorf("%w: %s: %d of %d bytes", ErrBadBackup, fsys.PathBase(path), n, size)
	} else if err != nil {
		err = fmt.Errorf("%w: %s: %w", ErrBadBackup, fsys.PathBase(path), err)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return backupFile{Size: n, SHA256: hexSum(h)}, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
