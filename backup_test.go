package vajra

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/vajrasearch/vajra/internal/storage"
)

// searchAll answers a few queries in every mode the collection has, for comparing copies.
func searchAll(t *testing.T, c *Collection) []string {
	t.Helper()
	modes := []Mode{Lexical}
	if c.HasVectors() {
		modes = append(modes, Vector, Hybrid)
	}
	var out []string
	for _, m := range modes {
		for _, q := range []string{"café", "x-ray crystals", "running"} {
			res, err := c.Search(context.Background(), Query{Text: q, Mode: m, K: 10})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ids(res)...)
			out = append(out, "|")
		}
	}
	return out
}

func backupBytes(t *testing.T, c *Collection) ([]byte, BackupInfo) {
	t.Helper()
	var buf bytes.Buffer
	info, err := c.Backup(context.Background(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	if info.Bytes != int64(buf.Len()) || info.SHA256 != sha256.Sum256(buf.Bytes()) {
		t.Fatalf("info %+v does not describe the %d bytes written", info, buf.Len())
	}
	return buf.Bytes(), info
}

func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	onDisk := func(t *testing.T) *Collection {
		c, err := Create(filepath.Join(t.TempDir(), "src"), Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 32}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	inMemory := func(t *testing.T) *Collection {
		c, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderHash, Dim: 32}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for name, mk := range map[string]func(*testing.T) *Collection{"on disk": onDisk, "in memory": inMemory} {
		t.Run(name, func(t *testing.T) {
			c := mk(t)
			defer c.Close()
			if _, err := c.Upsert(ctx, sampleDocs[:3]); err != nil {
				t.Fatal(err)
			}
			if c.Dir() != "" {
				if err := c.Flush(); err != nil {
					t.Fatal(err)
				}
			}
			// Writes after the last snapshot are in the backup too.
			if _, err := c.Upsert(ctx, sampleDocs[3:]); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Delete(ctx, []string{sampleDocs[0].ID}); err != nil {
				t.Fatal(err)
			}
			data, info := backupBytes(t, c)
			again, _ := backupBytes(t, c)
			if !bytes.Equal(data, again) {
				t.Error("two backups of the same state differ")
			}
			dir := filepath.Join(t.TempDir(), "restored")
			rinfo, err := Restore(ctx, bytes.NewReader(data), dir)
			if err != nil {
				t.Fatal(err)
			}
			if rinfo.SHA256 != info.SHA256 || rinfo.Bytes != info.Bytes || rinfo.Documents != c.Len() || rinfo.Files != info.Files {
				t.Errorf("restore info %+v, backup info %+v", rinfo, info)
			}
			r, err := Open(dir, OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if !reflect.DeepEqual(r.IDs(), c.IDs()) || !reflect.DeepEqual(searchAll(t, r), searchAll(t, c)) {
				t.Errorf("restored collection differs: %v vs %v", r.IDs(), c.IDs())
			}
			if _, err := Restore(ctx, bytes.NewReader(data), dir); !errors.Is(err, ErrExists) {
				t.Errorf("restore over a collection: %v", err)
			}
		})
	}
}

// tarMembers rewrites an archive through edit, which may change, drop or add members.
func tarMembers(t *testing.T, data []byte, edit func(h *tar.Header, body []byte) (*tar.Header, []byte)) []byte {
	t.Helper()
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		h, body = edit(h, body)
		if h == nil {
			continue
		}
		h.Size = int64(len(body))
		tw.WriteHeader(h)
		tw.Write(body)
	}
	tw.Close()
	return out.Bytes()
}

func TestRestoreRefusesBadArchives(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	good, _ := backupBytes(t, c)
	flip := func(name string) []byte {
		return tarMembers(t, good, func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == name {
				b = append([]byte(nil), b...)
				b[len(b)/2] ^= 1
			}
			return h, b
		})
	}
	cases := map[string][]byte{
		"empty":             nil,
		"not a tar":         []byte("hello, this is not an archive at all, not even close to one....."),
		"truncated":         good[:len(good)/2],
		"flipped docs byte": flip("docs-000001.vjd"),
		"flipped listing":   flip(backupListName),
		"path escape": tarMembers(t, good, func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == manifestName {
				h.Name = "../MANIFEST"
			}
			return h, b
		}),
		"missing member": tarMembers(t, good, func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == manifestName {
				return nil, nil
			}
			return h, b
		}),
		"symlink member": tarMembers(t, good, func(h *tar.Header, b []byte) (*tar.Header, []byte) {
			if h.Name == manifestName {
				h.Typeflag, h.Linkname, b = tar.TypeSymlink, "/etc/passwd", nil
			}
			return h, b
		}),
	}
	for name, data := range cases {
		root := t.TempDir()
		dir := filepath.Join(root, "restored")
		_, err := Restore(ctx, bytes.NewReader(data), dir)
		if !errors.Is(err, ErrBadBackup) || ErrorCode(err) != CodeInvalidField {
			t.Errorf("%s: %v", name, err)
		}
		if ents, _ := os.ReadDir(root); len(ents) != 0 {
			t.Errorf("%s: left %v behind", name, ents)
		}
	}
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "mine.txt"), []byte("x"), 0o644)
	if _, err := Restore(ctx, bytes.NewReader(good), root); err == nil {
		t.Error("restored into a non-empty directory")
	}
}

func FuzzRestore(f *testing.F) {
	c, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := c.Upsert(context.Background(), sampleDocs[:2]); err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := c.Backup(context.Background(), &buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:700])
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := storage.NewMemFS()
		_, err := restore(context.Background(), fsys, bytes.NewReader(data), "root/r")
		ents, _ := fsys.List("root")
		if err != nil && len(ents) != 0 {
			t.Fatalf("failed restore (%v) left %v", err, ents)
		}
		if err == nil {
			r, err := open(fsys, "root/r", OpenOptions{})
			if err != nil {
				t.Fatalf("restored collection does not open: %v", err)
			}
			r.Close()
		}
	})
}

// TestBackupReadOnly backs up a read-only collection while its writer moves on and snapshots
// (removing the files the reader was opened on): the archive holds what the reader holds.
func TestBackupReadOnly(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dir := filepath.Join(root, "src")
	w, err := Create(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Upsert(ctx, sampleDocs[:3]); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := w.Upsert(ctx, sampleDocs[3:]); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	data, _ := backupBytes(t, r)
	copyDir := filepath.Join(root, "copy")
	if _, err := Restore(ctx, bytes.NewReader(data), copyDir); err != nil {
		t.Fatal(err)
	}
	c, err := Open(copyDir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, want := c.IDs(), r.IDs(); !reflect.DeepEqual(got, want) {
		t.Fatalf("restored %v, the reader holds %v", got, want)
	}
}
