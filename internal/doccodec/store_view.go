package doccodec

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unsafe"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// fieldsPerDocV1 is how many strings a version 1 store holds per document in OFFS/DATA: id,
// title, content, metadata JSON.
const fieldsPerDocV1 = 4

// StoreView reads a document store in place, for a file that is memory-mapped: OpenStore
// checks the layout, the header, the internal ids and the deletion sets, and each document's
// bytes are verified (chunk checksums, offsets, metadata JSON) when they are read. Nothing a
// view returns aliases its data, except Raw's strings. A view is safe for concurrent use.
type StoreView struct {
	// NextID is the internal id the next document will get.
	NextID uint32
	// IIDs are the internal ids of the documents by position, strictly ascending.
	IIDs []uint32
	// Segments lists every lexical segment with its deletions.
	Segments []SegmentDeletes

	version uint32
	kidx    []uint32
	koff    []uint64
	doff    []uint64
	keys    []byte
	data    []byte
	sec     map[string]*binfile.Checked
	tags    []string
	byID    map[string]int // version 1: ids by position, read at open
}

// OpenStore opens a store written by WriteStore in place. data must stay unmodified for the
// view's lifetime. A version 1 store, which has no chunk checksums, is verified whole and its
// ids are read into memory. Errors are marked as corruption or wrap binfile.ErrVersion.
func OpenStore(data []byte) (*StoreView, error) {
	f, err := binfile.ParseLayout(data, StoreMagic, StoreVersion)
	if err != nil {
		return nil, err
	}
	return viewStore(f)
}

func viewStore(f *binfile.File) (*StoreView, error) {
	v := &StoreView{version: f.Version, sec: map[string]*binfile.Checked{}}
	tags := []string{"HEAD", "IIDS", "KIDX", "KOFF", "DOFF", "KEYS", "DATA", "LDEL"}
	if f.Version == 1 {
		tags = []string{"HEAD", "IIDS", "OFFS", "DATA", "LDEL"}
	}
	if got := f.Tags(); !slices.Equal(got, tags) {
		return nil, corruption.Errorf("sections %q, want %q", got, tags)
	}
	v.tags = tags
	for _, tag := range tags {
		c, err := f.Checked(tag)
		if err != nil {
			return nil, err
		}
		v.sec[tag] = c
	}
	for _, tag := range []string{"HEAD", "IIDS", "LDEL"} {
		if f.Chunked(tag) {
			return nil, corruption.Errorf("section %s has chunk checksums", tag)
		}
	}
	nextID, n, err := decodeHead(v.sec["HEAD"].Bytes())
	if err != nil {
		return nil, err
	}
	v.NextID = nextID
	if v.IIDs, err = f.Uint32s("IIDS", n); err != nil {
		return nil, err
	}
	for i := 1; i < n; i++ {
		if v.IIDs[i] <= v.IIDs[i-1] {
			return nil, corruption.Errorf("internal ids not ascending at %d", i)
		}
	}
	if n > 0 && v.IIDs[n-1] >= nextID {
		return nil, corruption.Errorf("internal id %d beyond next id %d", v.IIDs[n-1], nextID)
	}
	if v.Segments, err = decodeDeletes(v.sec["LDEL"].Bytes()); err != nil {
		return nil, err
	}
	v.data = v.sec["DATA"].Bytes()
	if f.Version == 1 {
		return v, v.openV1(f, n)
	}
	if v.kidx, err = f.Uint32s("KIDX", tableSize(n)); err != nil {
		return nil, err
	}
	if v.koff, err = f.Uint64s("KOFF", n+1); err != nil {
		return nil, err
	}
	if v.doff, err = f.Uint64s("DOFF", fieldsPerDoc*n+1); err != nil {
		return nil, err
	}
	v.keys = v.sec["KEYS"].Bytes()
	if err := errors.Join(v.sec["KOFF"].VerifyWords(0, 1, 8), v.sec["KOFF"].VerifyWords(n, n+1, 8),
		v.sec["DOFF"].VerifyWords(0, 1, 8), v.sec["DOFF"].VerifyWords(fieldsPerDoc*n, fieldsPerDoc*n+1, 8)); err != nil {
		return nil, err
	}
	if v.koff[0] != 0 || v.koff[n] != uint64(len(v.keys)) || v.doff[0] != 0 || v.doff[fieldsPerDoc*n] != uint64(len(v.data)) {
		return nil, corruption.Errorf("document offsets do not cover the ids and data")
	}
	return v, nil
}

// openV1 reads the ids of a version 1 store (which ParseLayout verified whole) into memory.
func (v *StoreView) openV1(f *binfile.File, n int) error {
	offs, err := f.Uint64s("OFFS", fieldsPerDocV1*n+1)
	if err != nil {
		return err
	}
	if offs[0] != 0 || offs[len(offs)-1] != uint64(len(v.data)) {
		return corruption.Errorf("document data offsets do not cover the data")
	}
	for i := 1; i < len(offs); i++ {
		if offs[i] < offs[i-1] {
			return corruption.Errorf("document data offsets decrease at %d", i)
		}
	}
	v.doff = offs
	v.byID = make(map[string]int, n)
	for i := range n {
		id := string(v.data[offs[fieldsPerDocV1*i]:offs[fieldsPerDocV1*i+1]])
		if id == "" {
			return corruption.Errorf("document %d has an empty id", i)
		}
		if _, dup := v.byID[id]; dup {
			return corruption.Errorf("document id %q stored twice", id)
		}
		v.byID[id] = i
	}
	return nil
}

// Len returns the number of documents.
func (v *StoreView) Len() int { return len(v.IIDs) }

// Pos returns the position of the document with internal id iid.
func (v *StoreView) Pos(iid uint32) (int, bool) { return slices.BinarySearch(v.IIDs, iid) }

// Find returns the position of the document with the given id.
func (v *StoreView) Find(id string) (int, bool, error) {
	if v.byID != nil {
		p, ok := v.byID[id]
		return p, ok, nil
	}
	if len(v.kidx) == 0 || id == "" {
		return 0, false, nil
	}
	mask := uint64(len(v.kidx) - 1)
	i := keyHash(id) & mask
	for range v.kidx {
		if err := v.sec["KIDX"].VerifyWords(int(i), int(i)+1, 4); err != nil {
			return 0, false, err
		}
		slot := v.kidx[i]
		if slot == 0 {
			return 0, false, nil
		}
		if int(slot-1) >= v.Len() {
			return 0, false, corruption.Errorf("id table slot %d names document %d of %d", i, slot-1, v.Len())
		}
		key, err := v.key(int(slot - 1))
		if err != nil {
			return 0, false, err
		}
		if string(key) == id {
			return int(slot - 1), true, nil
		}
		i = (i + 1) & mask
	}
	return 0, false, corruption.Errorf("id table has no free slot")
}

// key returns the verified bytes of the id at position pos (version 2).
func (v *StoreView) key(pos int) ([]byte, error) {
	if err := v.sec["KOFF"].VerifyWords(pos, pos+2, 8); err != nil {
		return nil, err
	}
	a, b := v.koff[pos], v.koff[pos+1]
	if b < a || b > uint64(len(v.keys)) {
		return nil, corruption.Errorf("id offsets of document %d", pos)
	}
	if a == b {
		return nil, corruption.Errorf("document %d has an empty id", pos)
	}
	if err := v.sec["KEYS"].Verify(int(a), int(b)); err != nil {
		return nil, err
	}
	return v.keys[a:b], nil
}

// fields returns the verified bytes of the title, content and metadata of position pos.
func (v *StoreView) fields(pos int) ([fieldsPerDoc][]byte, error) {
	var out [fieldsPerDoc][]byte
	per, first := fieldsPerDoc, 0
	if v.version == 1 {
		per, first = fieldsPerDocV1, 1
	}
	lo := per*pos + first
	if err := v.sec[v.offsTag()].VerifyWords(lo, lo+fieldsPerDoc+1, 8); err != nil {
		return out, err
	}
	offs := v.doff[lo : lo+fieldsPerDoc+1]
	for f := range fieldsPerDoc {
		if offs[f+1] < offs[f] || offs[f+1] > uint64(len(v.data)) {
			return out, corruption.Errorf("data offsets of document %d", pos)
		}
	}
	if err := v.sec["DATA"].Verify(int(offs[0]), int(offs[fieldsPerDoc])); err != nil {
		return out, err
	}
	for f := range fieldsPerDoc {
		out[f] = v.data[offs[f]:offs[f+1]]
	}
	return out, nil
}

func (v *StoreView) offsTag() string {
	if v.version == 1 {
		return "OFFS"
	}
	return "DOFF"
}

// ID returns the id of the document at position pos.
func (v *StoreView) ID(pos int) (string, error) {
	if v.version == 1 {
		lo := fieldsPerDocV1 * pos
		return string(v.data[v.doff[lo]:v.doff[lo+1]]), nil
	}
	key, err := v.key(pos)
	if err != nil {
		return "", fmt.Errorf("document %d: %w", pos, err)
	}
	return string(key), nil
}

// Doc returns the document at position pos.
func (v *StoreView) Doc(pos int) (Record, error) {
	id, err := v.ID(pos)
	if err != nil {
		return Record{}, err
	}
	f, err := v.fields(pos)
	if err != nil {
		return Record{}, fmt.Errorf("document %q: %w", id, err)
	}
	r := Record{ID: id, Title: string(f[0]), Content: string(f[1])}
	if r.Metadata, err = decodeMetadata(f[2]); err != nil {
		return Record{}, fmt.Errorf("document %q: %w", id, err)
	}
	return r, nil
}

// Hit returns the document at position pos without its content, as a search result shows
// it.
func (v *StoreView) Hit(pos int) (Record, error) {
	id, err := v.ID(pos)
	if err != nil {
		return Record{}, err
	}
	f, err := v.fields(pos)
	if err != nil {
		return Record{}, fmt.Errorf("document %q: %w", id, err)
	}
	r := Record{ID: id, Title: string(f[0])}
	if r.Metadata, err = decodeMetadata(f[2]); err != nil {
		return Record{}, fmt.Errorf("document %q: %w", id, err)
	}
	return r, nil
}

// Metadata returns the metadata of the document at position pos (nil for none).
func (v *StoreView) Metadata(pos int) (map[string]any, error) {
	f, err := v.fields(pos)
	if err != nil {
		return nil, fmt.Errorf("document %d: %w", pos, err)
	}
	m, err := decodeMetadata(f[2])
	if err != nil {
		return nil, fmt.Errorf("document %d: %w", pos, err)
	}
	return m, nil
}

// HasMetadata reports whether the document at position pos has metadata, reading only its
// offsets.
func (v *StoreView) HasMetadata(pos int) (bool, error) {
	per, last := fieldsPerDoc, fieldsPerDoc-1
	if v.version == 1 {
		per, last = fieldsPerDocV1, fieldsPerDocV1-1
	}
	k := per*pos + last
	if err := v.sec[v.offsTag()].VerifyWords(k, k+2, 8); err != nil {
		return false, err
	}
	return v.doff[k+1] > v.doff[k], nil
}

func decodeMetadata(b []byte) (map[string]any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, corruption.Errorf("metadata: %v", err)
	}
	return m, nil
}

// Raw returns the document at position pos as WriteStore takes it, verified, without
// copying: its strings alias the view's data and must not be used once that data is gone.
// It serves to stream a store into its successor.
func (v *StoreView) Raw(pos int) (StoreDoc, error) {
	var id []byte
	var err error
	if v.version == 1 {
		lo := fieldsPerDocV1 * pos
		id = v.data[v.doff[lo]:v.doff[lo+1]]
	} else if id, err = v.key(pos); err != nil {
		return StoreDoc{}, fmt.Errorf("document %d: %w", pos, err)
	}
	f, err := v.fields(pos)
	if err != nil {
		return StoreDoc{}, fmt.Errorf("document %d: %w", pos, err)
	}
	if len(f[2]) > 0 && !json.Valid(f[2]) {
		return StoreDoc{}, corruption.Errorf("document %d: metadata is not JSON", pos)
	}
	return StoreDoc{IID: v.IIDs[pos], ID: unsafeString(id), Title: unsafeString(f[0]),
		Content: unsafeString(f[1]), Metadata: unsafeString(f[2])}, nil
}

// unsafeString views b as a string without copying. The view's data never changes while it is
// open, which is what a string needs.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// VerifyAll checks the whole store: every chunk checksum, every document's offsets and
// metadata, and that the id table finds each document, and only it, under its id.
func (v *StoreView) VerifyAll() error {
	for _, tag := range v.tags {
		if err := v.sec[tag].VerifyAll(); err != nil {
			return err
		}
	}
	for pos := range v.Len() {
		d, err := v.Doc(pos)
		if err != nil {
			return err
		}
		if v.version == 1 {
			continue
		}
		got, ok, err := v.Find(d.ID)
		if err != nil {
			return err
		}
		if !ok || got != pos {
			return corruption.Errorf("document %q (at %d) is not found under its id", d.ID, pos)
		}
	}
	if v.version > 1 {
		used := 0
		for _, s := range v.kidx {
			if s != 0 {
				used++
			}
		}
		if used != v.Len() {
			return corruption.Errorf("id table holds %d entries for %d documents", used, v.Len())
		}
	}
	return nil
}
