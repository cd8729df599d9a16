package vajra

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/vajrasearch/vajra/internal/storage"
)

// A backup is a tar archive (ustar) of a collection's snapshot files — MANIFEST, the document
// store, lexical segments, vector index and an empty log — followed by a last member,
// BACKUP.json, listing every file with its size and SHA-256. Members are flat names with fixed
// modes and times, so the same collection state gives the same bytes.
const (
	backupListName = "BACKUP.json"
	backupFormat   = "vajra-backup"
	backupVersion  = 1
)

// backupList is BACKUP.json.
type backupList struct {
	Format    string       `json:"format"`
	Version   int          `json:"version"`
	Documents int          `json:"documents"`
	Files     []backupFile `json:"files"`
}

type backupFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// BackupInfo describes a backup archive.
type BackupInfo struct {
	// Bytes is the archive's length and SHA256 the digest of all of it, for checking a copy.
	Bytes  int64
	SHA256 [32]byte
	// Files and Documents count what the archive holds.
	Files, Documents int
}

// Backup writes a consistent copy of the collection to w as a tar archive that Restore turns
// back into a collection. It first publishes a snapshot (an on-disk collection with unsaved
// writes gets one, as Flush does; an in-memory one is encoded the same way), so the archive
// holds every write acknowledged before Backup was called and none after. Writes wait while
// the archive is written; searches go on. A read-only collection backs up the state it holds.
func (c *Collection) Backup(ctx context.Context, w io.Writer) (BackupInfo, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.checkOpen(); err != nil {
		return BackupInfo{}, err
	}
	src := c
	// A read-only collection may hold a state its directory no longer has (a writer moved on,
	// removing files): back up what it holds, as for one in memory.
	if c.dir == "" || c.readOnly.Load() {
		shadow, err := c.memorySnapshotLocked()
		if err != nil {
			return BackupInfo{}, fmt.Errorf("backup: %w", err)
		}
		defer shadow.wal.Close()
		src = shadow
	} else if c.dirty || c.unsettled {
		if err := c.snapshotLocked(); err != nil {
			return BackupInfo{}, fmt.Errorf("backup: %w", err)
		}
	}
	m, err := storage.ReadManifest(src.fsys, src.path(manifestName))
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	names := append([]string{manifestName}, m.Files...)
	names = append(names, m.WAL)

	sum := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(w, sum)}
	tw := tar.NewWriter(cw)
	list := backupList{Format: backupFormat, Version: backupVersion, Documents: c.Len()}
	for _, name := range names {
		if err := ctxErr(ctx); err != nil {
			return BackupInfo{}, fmt.Errorf("backup: %w", err)
		}
		f, err := src.fsys.Open(src.path(name))
		if err != nil {
			return BackupInfo{}, fmt.Errorf("backup: %w", err)
		}
		bf, err := addTarFile(tw, name, f)
		f.Close()
		if err != nil {
			return BackupInfo{}, fmt.Errorf("backup: %s: %w", name, err)
		}
		list.Files = append(list.Files, bf)
	}
	lb, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if err := tw.WriteHeader(tarHeader(backupListName, int64(len(lb)))); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(lb); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if err := tw.Close(); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	info := BackupInfo{Bytes: cw.n, Files: len(list.Files), Documents: list.Documents}
	sum.Sum(info.SHA256[:0])
	return info, nil
}

// memorySnapshotLocked encodes an in-memory collection's snapshot into a MemFS, through the
// same code as an on-disk snapshot, by a collection value sharing c's indexes. c.writeMu must
// be held, so nothing changes them meanwhile.
func (c *Collection) memorySnapshotLocked() (*Collection, error) {
	fsys := storage.NewMemFS()
	const dir = "backup"
	if err := storage.SyncMkdirAll(fsys, dir, 0o755); err != nil {
		return nil, err
	}
	shadow := &Collection{dir: dir, fsys: fsys, opts: c.opts, analyzer: c.analyzer, embedder: c.embedder,
		lexFiles: map[uint64]string{}}
	c.mu.RLock()
	shadow.docs, shadow.live, shadow.nextID = c.docs, c.live, c.nextID
	shadow.lex, shadow.vec = c.lex, c.vec
	c.mu.RUnlock()
	if err := shadow.snapshotLocked(); err != nil {
		return nil, err
	}
	return shadow, nil
}

func tarHeader(name string, size int64) *tar.Header {
	return &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o644,
		ModTime: time.Unix(0, 0), Format: tar.FormatUSTAR}
}

// addTarFile copies f into tw as name, returning its size and digest.
func addTarFile(tw *tar.Writer, name string, f storage.File) (backupFile, error) {
	st, err := f.Stat()
	if err != nil {
		return backupFile{}, err
	}
	if err := tw.WriteHeader(tarHeader(name, st.Size())); err != nil {
		return backupFile{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), io.NewSectionReader(f, 0, st.Size()))
	if err != nil {
		return backupFile{}, err
	}
	return backupFile{Name: name, Size: n, SHA256: hexSum(h)}, nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
