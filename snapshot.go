package vajra

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/corruption"
	"github.com/vajrasearch/vajra/internal/lexical"
	"github.com/vajrasearch/vajra/internal/storage"
)

// On-disk layout of a collection directory:
//
//	LOCK                 held while the collection is open
//	MANIFEST             the current generation: its files, its log, the stored options
//	docs-<gen>.vjd       documents, internal ids and the lexical deletion sets
//	lex-<segment>.vls    immutable lexical segments (written once, kept while referenced)
//	vec-<gen>.vjh        the HNSW index with its vectors
//	wal-<gen>.log        writes acknowledged since the snapshot
//
// A snapshot writes its new files, an empty log and then the manifest, atomically; files the
// new manifest does not name are removed afterwards. A crash at any point leaves either the
// old manifest (whose files and log are untouched) or the new one, complete.
const (
	manifestName   = "MANIFEST"
	lockName       = "LOCK"
	docsMagic      = "VJRADOCS"
	docsVersion    = 1
	formatVersion  = "1"
	metaFormat     = "format"
	metaOptions    = "options"
	metaEmbedder   = "embedder"
	docFieldsCount = 4 // id, title, content, metadata JSON
)

func docsFileName(gen uint64) string          { return fmt.Sprintf("docs-%06d.vjd", gen) }
func vecFileName(gen uint64) string           { return fmt.Sprintf("vec-%06d.vjh", gen) }
func walFileName(gen uint64) string           { return fmt.Sprintf("wal-%06d.log", gen) }
func lexFileName(seg uint64) string           { return fmt.Sprintf("lex-%06d.vls", seg) }
func (c *Collection) path(name string) string { return c.fsys.PathJoin(c.dir, name) }

// Flush writes a snapshot now, so that reopening replays no log. It is a no-op for an
// in-memory collection.
func (c *Collection) Flush() error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.checkOpen(); err != nil {
		return err
	}
	if c.dir == "" {
		return nil
	}
	return c.snapshotLocked()
}

// maybeSnapshotLocked snapshots once the log has grown past Options.SnapshotBytes. Its error
// is not the write's: the write that triggered it is already durable in the log, and a failed
// snapshot is tried again by the next write.
func (c *Collection) maybeSnapshotLocked() error {
	if c.dir == "" || c.wal == nil || c.wal.Size() < c.opts.SnapshotBytes {
		return nil
	}
	return c.snapshotLocked()
}

// snapshotLocked publishes a new generation. c.writeMu must be held: no write runs
// meanwhile, while searches go on.
func (c *Collection) snapshotLocked() error {
	gen := c.gen + 1
	c.mu.RLock()
	lexSnap := c.lex.Snapshot()
	refs := lexSnap.Segments()
	docsBytes, err := c.encodeDocsLocked(refs)
	vec := c.vec
	c.mu.RUnlock()
	if err != nil {
		return err
	}
	files := []string{docsFileName(gen)}
	if err := storage.WriteFileAtomic(c.fsys, c.path(docsFileName(gen)), func(w io.Writer) error {
		_, err := w.Write(docsBytes)
		return err
	}); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	lexFiles := make(map[uint64]string, len(refs))
	for _, r := range refs {
		id := r.Seg.ID()
		name, ok := c.lexFiles[id]
		if !ok {
			name = lexFileName(id)
			if err := storage.WriteFileAtomic(c.fsys, c.path(name), r.Seg.Encode); err != nil {
				return fmt.Errorf("snapshot: %w", err)
			}
		}
		lexFiles[id] = name
		files = append(files, name)
	}
	if vec != nil {
		name := vecFileName(gen)
		if err := storage.WriteFileAtomic(c.fsys, c.path(name), func(w io.Writer) error {
			_, err := vec.WriteTo(w)
			return err
		}); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		files = append(files, name)
	}
	walName := walFileName(gen)
	wal, err := storage.OpenWAL(c.fsys, c.path(walName), c.walOptions())
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	m, err := c.manifest(gen, files, walName)
	if err != nil {
		wal.Close()
		return err
	}
	if err := storage.WriteManifest(c.fsys, c.path(manifestName), m); err != nil {
		wal.Close()
		// The new manifest may be in place already (if only the directory sync failed) and
		// become durable with any later directory sync, while writes still go to the old log.
		c.unsettled = true
		return fmt.Errorf("snapshot: %w", err)
	}
	old := c.wal
	c.wal, c.gen, c.lexFiles, c.dirty, c.unsettled = wal, gen, lexFiles, false, false
	if old != nil {
		old.Close()
	}
	c.removeUnreferenced(m)
	return nil
}

// removeUnreferenced deletes files of earlier generations. Failures are harmless: the next
// snapshot tries again.
func (c *Collection) removeUnreferenced(m storage.Manifest) {
	keep := map[string]bool{manifestName: true, lockName: true, m.WAL: true}
	for _, f := range m.Files {
		keep[f] = true
	}
	names, err := c.fsys.List(c.dir)
	if err != nil {
		return
	}
	for _, n := range names {
		if !keep[n] && isCollectionFile(n) {
			c.fsys.Remove(c.path(n))
		}
	}
	c.fsys.SyncDir(c.dir)
}

func isCollectionFile(name string) bool {
	for _, p := range []string{"docs-", "lex-", "vec-", "wal-"} {
		if len(name) > len(p) && name[:len(p)] == p {
			return true
		}
	}
	return false
}

func (c *Collection) walOptions() storage.WALOptions {
	if c.opts.Sync == SyncNever {
		return storage.WALOptions{Sync: storage.SyncNever}
	}
	return storage.WALOptions{Sync: storage.SyncEveryAppend}
}

// storedOptions is the JSON recorded in the manifest.
type storedOptions struct {
	Options Options `json:"options"`
}

func (c *Collection) manifest(gen uint64, files []string, wal string) (storage.Manifest, error) {
	o := c.opts
	o.Embedder.APIKey = ""
	o.Threads = 0
	ob, err := json.Marshal(o)
	if err != nil {
		return storage.Manifest{}, fmt.Errorf("snapshot: options: %w", err)
	}
	meta := map[string]string{metaFormat: formatVersion, metaOptions: string(ob)}
	if c.embedder != nil {
		sb, err := json.Marshal(c.embedder.Spec())
		if err != nil {
			return storage.Manifest{}, fmt.Errorf("snapshot: embedder: %w", err)
		}
		meta[metaEmbedder] = string(sb)
	}
	return storage.Manifest{Generation: gen, Files: files, WAL: wal, Meta: meta}, nil
}

// encodeDocsLocked writes the document store: a HEAD section (JSON counters), IIDS (internal
// ids of live documents, ascending), OFFS and DATA (4 byte strings per document: id, title,
// content, metadata JSON), and LDEL (each lexical segment's deletion set).
func (c *Collection) encodeDocsLocked(refs []lexical.SegmentRef) ([]byte, error) {
	iids := c.live.AppendTo(make([]uint32, 0, len(c.byID)))
	offs := make([]uint64, 0, len(iids)*docFieldsCount+1)
	var data bytes.Buffer
	offs = append(offs, 0)
	for _, iid := range iids {
		r := c.docs[iid]
		meta, err := marshalMetadata(r.metadata)
		if err != nil {
			return nil, fmt.Errorf("snapshot: document %q metadata: %w", r.id, err)
		}
		for _, s := range [docFieldsCount]string{r.id, r.title, r.content, string(meta)} {
			data.WriteString(s)
			offs = append(offs, uint64(data.Len()))
		}
	}
	head, _ := json.Marshal(map[string]uint64{"next_id": uint64(c.nextID), "docs": uint64(len(iids))})
	var ldel []byte
	for _, r := range refs {
		ldel = binary.LittleEndian.AppendUint64(ldel, r.Seg.ID())
		var words []uint64
		if r.Deleted != nil {
			words = r.Deleted.Words()
		}
		ldel = binary.LittleEndian.AppendUint64(ldel, uint64(len(words)))
		ldel = append(ldel, binfile.Uint64Bytes(words)...)
	}
	var buf bytes.Buffer
	w, err := binfile.NewWriter(&buf, docsMagic, docsVersion)
	if err != nil {
		return nil, err
	}
	for _, s := range []struct {
		tag  string
		data []byte
	}{{"HEAD", head}, {"IIDS", binfile.Uint32Bytes(iids)}, {"OFFS", binfile.Uint64Bytes(offs)}, {"DATA", data.Bytes()}, {"LDEL", ldel}} {
		if err := w.Section(s.tag, s.data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// docsFile is a decoded document store.
type docsFile struct {
	nextID  uint32
	iids    []uint32
	records []*docRecord
	lexDel  map[uint64]*bitset.Set
	lexSegs []uint64
}

func decodeDocs(data []byte) (*docsFile, error) {
	f, err := binfile.Parse(data, docsMagic, docsVersion)
	if err != nil {
		return nil, err
	}
	sec := func(tag string) []byte {
		if err != nil {
			return nil
		}
		var b []byte
		b, err = f.Section(tag)
		return b
	}
	headB, iidsB, offsB, dataB, ldelB := sec("HEAD"), sec("IIDS"), sec("OFFS"), sec("DATA"), sec("LDEL")
	if err != nil {
		return nil, err
	}
	var head map[string]uint64
	if err := json.Unmarshal(headB, &head); err != nil {
		return nil, corruption.Errorf("HEAD: %v", err)
	}
	iids, err := binfile.Uint32s(iidsB)
	if err != nil {
		return nil, err
	}
	offs, err := binfile.Uint64s(offsB)
	if err != nil {
		return nil, err
	}
	if head["docs"] != uint64(len(iids)) || len(offs) != len(iids)*docFieldsCount+1 || head["next_id"] > 1<<32-1 {
		return nil, corruption.Errorf("document counts disagree (head %v, %d ids, %d offsets)", head, len(iids), len(offs))
	}
	d := &docsFile{nextID: uint32(head["next_id"]), iids: iids, records: make([]*docRecord, len(iids)), lexDel: map[uint64]*bitset.Set{}}
	for i := 1; i < len(iids); i++ {
		if iids[i] <= iids[i-1] {
			return nil, corruption.Errorf("internal ids not ascending at %d", i)
		}
	}
	if len(iids) > 0 && iids[len(iids)-1] >= d.nextID {
		return nil, corruption.Errorf("internal id %d beyond next id %d", iids[len(iids)-1], d.nextID)
	}
	if offs[0] != 0 || offs[len(offs)-1] != uint64(len(dataB)) {
		return nil, corruption.Errorf("document data offsets do not cover the data")
	}
	for i := 1; i < len(offs); i++ {
		if offs[i] < offs[i-1] {
			return nil, corruption.Errorf("document data offsets decrease at %d", i)
		}
	}
	field := func(i, f int) string { k := i*docFieldsCount + f; return string(dataB[offs[k]:offs[k+1]]) }
	for i := range iids {
		r := &docRecord{id: field(i, 0), title: field(i, 1), content: field(i, 2)}
		if m := field(i, 3); m != "" {
			if err := json.Unmarshal([]byte(m), &r.metadata); err != nil {
				return nil, corruption.Errorf("document %q metadata: %v", r.id, err)
			}
		}
		if r.id == "" {
			return nil, corruption.Errorf("document %d has an empty id", i)
		}
		d.records[i] = r
	}
	for len(ldelB) > 0 {
		if len(ldelB) < 16 {
			return nil, corruption.Errorf("LDEL truncated")
		}
		id := binary.LittleEndian.Uint64(ldelB)
		n := binary.LittleEndian.Uint64(ldelB[8:])
		ldelB = ldelB[16:]
		if n > uint64(len(ldelB))/8 {
			return nil, corruption.Errorf("LDEL segment %d claims %d words", id, n)
		}
		words := make([]uint64, n)
		for j := range words {
			words[j] = binary.LittleEndian.Uint64(ldelB[8*j:])
		}
		ldelB = ldelB[8*n:]
		if _, dup := d.lexDel[id]; dup {
			return nil, corruption.Errorf("LDEL lists segment %d twice", id)
		}
		d.lexDel[id] = bitset.FromWords(words)
		d.lexSegs = append(d.lexSegs, id)
	}
	return d, nil
}

// segmentIDFromName parses "lex-000012.vls".
func segmentIDFromName(name string) (uint64, bool) {
	if len(name) < 9 || name[:4] != "lex-" || name[len(name)-4:] != ".vls" {
		return 0, false
	}
	id, err := strconv.ParseUint(name[4:len(name)-4], 10, 64)
	return id, err == nil
}

func sortedSegIDs(m map[uint64]*bitset.Set) []uint64 {
	ids := make([]uint64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
