package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

const (
	manifestMagic   = "VJRAMNFT"
	manifestVersion = 1
)

// manifestSections are the binfile sections of a manifest, in file order: the generation
// (uint64), the file list and the metadata (uvarint counts and uvarint-prefixed strings, keys
// strictly ascending), and the WAL name (raw bytes). Every value has exactly one encoding.
var manifestSections = [...]string{"gene", "file", "wal ", "meta"}

// Manifest is the small file that says which snapshot is current: its generation, the files
// that make it up and the WAL holding the updates made since. Replacing the manifest with
// WriteManifest is the single atomic step that moves a collection from one snapshot to the
// next; a file the current manifest does not name is garbage once the manifest is durable.
type Manifest struct {
	// Generation increases with every snapshot.
	Generation uint64
	// Files are the snapshot's files, as slash-separated paths relative to the manifest's
	// directory, without "." or ".." elements.
	Files []string
	// WAL is the log to replay on top of the snapshot, relative like Files; empty for none.
	WAL string
	// Meta holds small settings the collection needs before it can open any file.
	Meta map[string]string
}

// Validate reports a manifest that names files outside its directory, names one twice, or
// has an empty metadata key.
func (m *Manifest) Validate() error {
	seen := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		if err := checkRelPath(f); err != nil {
			return fmt.Errorf("manifest file %q: %w", f, err)
		}
		if seen[f] {
			return fmt.Errorf("manifest file %q listed twice", f)
		}
		seen[f] = true
	}
	if m.WAL != "" {
		if err := checkRelPath(m.WAL); err != nil {
			return fmt.Errorf("manifest wal %q: %w", m.WAL, err)
		}
	}
	if _, ok := m.Meta[""]; ok {
		return errors.New("manifest meta has an empty key")
	}
	return nil
}

func checkRelPath(p string) error {
	if p == "." || !fs.ValidPath(p) || strings.ContainsAny(p, "\\\x00") {
		return errors.New("not a clean relative path")
	}
	return nil
}

// MarshalBinary encodes m. The bytes depend only on m's contents, never on map order.
func (m *Manifest) MarshalBinary() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w, err := binfile.NewWriter(&buf, manifestMagic, manifestVersion)
	if err != nil {
		return nil, err
	}
	var gen [8]byte
	binary.LittleEndian.PutUint64(gen[:], m.Generation)
	files := binary.AppendUvarint(nil, uint64(len(m.Files)))
	for _, f := range m.Files {
		files = appendString(files, f)
	}
	keys := slices.Sorted(maps.Keys(m.Meta))
	meta := binary.AppendUvarint(nil, uint64(len(keys)))
	for _, k := range keys {
		meta = appendString(appendString(meta, k), m.Meta[k])
	}
	for i, payload := range [][]byte{gen[:], files, []byte(m.WAL), meta} {
		if err := w.Section(manifestSections[i], payload); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnmarshalBinary decodes a manifest, rejecting anything malformed with an error wrapping
// corruption.Err (or ErrVersion for a newer format).
func (m *Manifest) UnmarshalBinary(data []byte) error {
	f, err := binfile.Parse(data, manifestMagic, manifestVersion)
	if err != nil {
		return err
	}
	if tags := f.Tags(); !slices.Equal(tags, manifestSections[:]) {
		return corruption.Errorf("manifest sections %q, want %q", tags, manifestSections)
	}
	var out Manifest
	gen, err := f.Section("gene")
	if err != nil {
		return err
	}
	if len(gen) != 8 {
		return corruption.Errorf("manifest generation is %d bytes", len(gen))
	}
	out.Generation = binary.LittleEndian.Uint64(gen)

	files, err := f.Section("file")
	if err != nil {
		return err
	}
	d := decoder{b: files}
	n := d.count()
	for i := uint64(0); i < n && d.err == nil; i++ {
		out.Files = append(out.Files, d.str())
	}
	if err := d.finish("file list"); err != nil {
		return err
	}

	wal, err := f.Section("wal ")
	if err != nil {
		return err
	}
	out.WAL = string(wal)

	meta, err := f.Section("meta")
	if err != nil {
		return err
	}
	d = decoder{b: meta}
	n = d.count()
	prev := ""
	for i := uint64(0); i < n && d.err == nil; i++ {
		k, v := d.str(), d.str()
		if d.err == nil && i > 0 && k <= prev {
			d.err = fmt.Errorf("meta keys out of order at %q", k)
		}
		if out.Meta == nil {
			out.Meta = map[string]string{}
		}
		out.Meta[k], prev = v, k
	}
	if err := d.finish("meta"); err != nil {
		return err
	}
	if err := out.Validate(); err != nil {
		return corruption.Mark(err)
	}
	*m = out
	return nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decoder reads uvarint-prefixed values, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || n != len(binary.AppendUvarint(nil, v)) {
		d.err = errors.New("bad or overlong varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads an element count, rejecting one the remaining bytes cannot hold (each element
// takes at least one byte), so a forged count cannot make the caller allocate.
func (d *decoder) count() uint64 {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)) {
		d.err = fmt.Errorf("count %d exceeds the %d bytes left", n, len(d.b))
		return 0
	}
	return n
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.err = fmt.Errorf("string of %d bytes exceeds the %d bytes left", n, len(d.b))
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) finish(what string) error {
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%d trailing bytes", len(d.b))
	}
	if d.err != nil {
		return corruption.Errorf("manifest %s: %w", what, d.err)
	}
	return nil
}

// WriteManifest replaces the manifest at name with m, atomically and durably (see
// WriteFileAtomic): after a crash, name holds either the previous manifest or m.
func WriteManifest(fsys FS, name string, m Manifest) error {
	data, err := m.MarshalBinary()
	if err != nil {
		return fmt.Errorf("write manifest %s: %w", name, err)
	}
	return WriteFileAtomic(fsys, name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// ReadManifest reads and validates the manifest at name. A damaged file gives an error
// marked as corruption, a newer format one wrapping ErrVersion, a missing one fs.ErrNotExist.
func ReadManifest(fsys FS, name string) (Manifest, error) {
	data, err := ReadFile(fsys, name)
	if err != nil {
		return Manifest{}, err
	}
	var m Manifest
	if err := m.UnmarshalBinary(data); err != nil {
		return Manifest{}, fmt.Errorf("read manifest %s: %w", name, err)
	}
	return m, nil
}
