package vajra

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/corruption"
	"github.com/vajrasearch/vajra/internal/doccodec"
	"github.com/vajrasearch/vajra/internal/embed"
	"github.com/vajrasearch/vajra/internal/lexical"
	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/vector"
)

// Create makes a new, empty collection in dir and opens it. dir may be missing (it is
// created) or an empty directory. Create fails with ErrExists when dir already holds a
// collection and with ErrNotCollection when it holds anything else; it never changes such a
// directory. To fill a collection all at once, so that dir shows it only when complete, use
// Build.
func Create(dir string, o Options) (*Collection, error) {
	return create(storage.OS(), dir, o)
}

func create(fsys storage.FS, dir string, o Options) (*Collection, error) {
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	switch kind, err := inspectDir(fsys, dir); {
	case err != nil:
		return nil, fmt.Errorf("create %s: %w", dir, err)
	case kind == dirCollection:
		return nil, fmt.Errorf("create %s: %w", dir, ErrExists)
	case kind == dirForeign:
		return nil, notCollectionError("create", dir)
	}
	if err := storage.SyncMkdirAll(fsys, dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	lock, err := fsys.Lock(fsys.PathJoin(dir, lockName))
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	if _, err := fsys.Stat(fsys.PathJoin(dir, manifestName)); err == nil {
		lock.Close()
		return nil, fmt.Errorf("create %s: %w", dir, ErrExists)
	}
	c := newCollection(o)
	c.dir, c.fsys, c.lock = dir, fsys, lock
	if err := c.initEngines(OpenOptions{}, nil); err != nil {
		lock.Close()
		return nil, err
	}
	// Number the first generation above any file an earlier collection left here.
	names, err := fsys.List(dir)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	c.gen, _ = highestNumbers(names)
	if err := c.snapshotLocked(); err != nil {
		lock.Close()
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	return c, nil
}

// newCollection returns an empty collection with options o, not yet tied to any directory.
func newCollection(o Options) *Collection {
	return &Collection{opts: o, docs: newDocTable(), live: &bitset.Set{}, lexFiles: map[uint64]string{}}
}

// Open opens the collection in dir, replaying its log on top of its newest snapshot. A
// damaged file gives an error matching ErrCorrupt that names it; the files are left as they
// are. Open for writing (the default) takes the collection's lock and fails with ErrLocked
// while another writer holds it; OpenOptions.ReadOnly opens without the lock, beside a writer.
func Open(dir string, oo OpenOptions) (*Collection, error) {
	return open(storage.OS(), dir, oo)
}

func open(fsys storage.FS, dir string, oo OpenOptions) (*Collection, error) {
	if oo.ReadOnly {
		c, err := openReadOnly(fsys, dir, oo)
		if err != nil {
			return nil, fmt.Errorf("open %s read-only: %w", dir, err)
		}
		return c, nil
	}
	if err := hasManifest(fsys, dir); err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	lock, err := fsys.Lock(fsys.PathJoin(dir, lockName))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	c, err := load(fsys, dir, oo, lock)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	return c, nil
}

// hasManifest tells a directory that holds no collection (ErrNotFound) from one that does.
func hasManifest(fsys storage.FS, dir string) error {
	if _, err := fsys.Stat(fsys.PathJoin(dir, manifestName)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("no collection here (no %s): %w", manifestName, ErrNotFound)
		}
		return err
	}
	return nil
}

// load opens a collection for writing, with its lock held: its newest snapshot, then its log
// replayed (which cuts a torn tail away).
func load(fsys storage.FS, dir string, oo OpenOptions, lock io.Closer) (*Collection, error) {
	c, m, err := loadSnapshot(fsys, dir, oo)
	if err != nil {
		return nil, err
	}
	c.lock = lock
	wal, err := storage.OpenWAL(fsys, c.path(m.WAL), c.walOptions())
	if err != nil {
		c.releaseFilesLocked()
		return nil, err
	}
	c.wal = wal
	var parts doccodec.Assembler
	info, err := wal.Replay(func(r storage.Record) error { return c.replay(r, &parts) })
	// Parts without their last one at the end of the log are a write that was never
	// acknowledged: dropped, like a torn record.
	parts.Drop()
	if err != nil {
		wal.Close()
		c.releaseFilesLocked()
		return nil, err
	}
	c.dirty = info.Records > 0
	return c, nil
}

// loadSnapshot reads the manifest of dir and the files it names into a new collection, and
// checks that the log it names exists. The log is not read.
func loadSnapshot(fsys storage.FS, dir string, oo OpenOptions) (*Collection, storage.Manifest, error) {
	c := newCollection(Options{})
	c.dir, c.fsys = dir, fsys
	mpath := c.path(manifestName)
	m, err := storage.ReadManifest(fsys, mpath)
	if err != nil {
		return nil, m, err
	}
	if m.Meta[metaFormat] != formatVersion {
		return nil, m, corruption.Errorf("%s: collection format %q (this build reads %q)", mpath, m.Meta[metaFormat], formatVersion)
	}
	if err := json.Unmarshal([]byte(m.Meta[metaOptions]), &c.opts); err != nil {
		return nil, m, corruption.Errorf("%s: stored options: %v", mpath, err)
	}
	c.opts.Threads = oo.Threads
	if oo.Sync != "" {
		c.opts.Sync = oo.Sync
	}
	c.opts.EnsureDefaults()
	if err := c.opts.Validate(); err != nil {
		return nil, m, corruption.Errorf("%s: stored options: %v", mpath, err)
	}
	var spec *embed.Spec
	if s, ok := m.Meta[metaEmbedder]; ok {
		spec = new(embed.Spec)
		if err := json.Unmarshal([]byte(s), spec); err != nil {
			return nil, m, corruption.Errorf("%s: embedder: %v", mpath, err)
		}
	}
	if err := checkEmbedderChoice(c.opts.Embedder, oo); err != nil {
		return nil, m, err
	}
	if err := c.initEngines(oo, spec); err != nil {
		return nil, m, err
	}
	// A snapshot creates its log before the manifest that names it, so a missing log was lost
	// with the writes it held: refuse, rather than let OpenWAL start an empty one.
	if m.WAL == "" {
		return nil, m, corruption.Errorf("%s names no log", mpath)
	}
	if _, err := fsys.Stat(c.path(m.WAL)); errors.Is(err, fs.ErrNotExist) {
		return nil, m, corruption.Errorf("%s names %s, which is missing", mpath, c.path(m.WAL))
	}
	if err := c.loadFiles(m); err != nil {
		return nil, m, err
	}
	c.gen = m.Generation
	return c, m, nil
}

// loadFiles opens the snapshot's document store and lexical segments in place (mapped) and
// reads its vector index.
func (c *Collection) loadFiles(m storage.Manifest) (err error) {
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	defer func() {
		if err != nil {
			c.releaseFilesLocked()
		}
	}()
	var docs *doccodec.StoreView
	var docsPath string
	mpath := c.path(manifestName)
	segs := map[uint64]*lexical.Segment{}
	c.lexFiles = map[uint64]string{}
	missing := func(p string, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return corruption.Errorf("%s names %s, which is missing", mpath, p)
		}
		return err
	}
	for _, name := range m.Files {
		p := c.path(name)
		if name == vecFileName(m.Generation) {
			if err := c.openVectorFile(p); err != nil {
				return err
			}
			continue
		}
		id, isSeg := segmentIDFromName(name)
		if name != docsFileName(m.Generation) && !isSeg {
			return corruption.Errorf("%s names unknown file %q", mpath, name)
		}
		mp, err := c.mapFile(name)
		if err != nil {
			return missing(p, err)
		}
		if !isSeg {
			// Documents are read one at a time, anywhere in the file.
			storage.AdviseRandom(mp, 0, len(mp.Bytes()))
			if docs, err = doccodec.OpenStore(mp.Bytes()); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			docsPath = p
			continue
		}
		seg, err := lexical.OpenSegment(mp.Bytes())
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if seg.ID() != id {
			return corruption.Errorf("%s holds segment %d", p, seg.ID())
		}
		segs[id] = seg
		c.lexFiles[id] = name
	}
	if docs == nil {
		return corruption.Errorf("%s names no document store", mpath)
	}
	refs := make([]lexical.SegmentRef, 0, len(segs))
	for _, sd := range docs.Segments {
		seg, ok := segs[sd.Segment]
		if !ok {
			return corruption.Errorf("%s lists lexical segment %d, which %s does not name", docsPath, sd.Segment, mpath)
		}
		del := sd.Deleted
		if del.Len() == 0 {
			del = nil
		}
		refs = append(refs, lexical.SegmentRef{Seg: seg, Deleted: del})
	}
	if len(refs) != len(segs) {
		return corruption.Errorf("%s names %d lexical segments, %s lists %d", mpath, len(segs), docsPath, len(refs))
	}
	lex, err := lexical.Restore(c.lexicalOptions(), refs)
	if err != nil {
		return corruption.Mark(fmt.Errorf("%s: lexical segments: %w", c.dir, err))
	}
	c.lex = lex
	c.nextID = docs.NextID
	c.live = bitset.New(int(docs.NextID))
	for _, iid := range docs.IIDs {
		c.live.Add(iid)
	}
	c.docs = storeTable(docs, docsPath)
	if docs.Len() > 0 {
		c.meta.Store(nil) // built from the store when first needed
	}
	if n := lex.Snapshot().Docs(); n != uint64(docs.Len()) {
		return corruption.Errorf("%s: the lexical index holds %d live documents, the store %d", c.dir, n, docs.Len())
	}
	if c.vec != nil && c.vec.Len() != docs.Len() {
		return corruption.Errorf("%s: the vector index holds %d live vectors, the store %d documents", c.dir, c.vec.Len(), docs.Len())
	}
	return nil
}

// openVectorFile opens the snapshot's vector index in place (vector.OpenFile): mapped from
// the file. An index without quantisation is verified whole at open (searches read all of
// it); a quantised one has its links checked at open and its vectors verified a page at a
// time as they are first read for results or Get, so it hands out only verified bytes.
func (c *Collection) openVectorFile(p string) error {
	if c.embedder == nil {
		return corruption.Errorf("%s: vector index in a collection without an embedder", p)
	}
	vi, err := vector.OpenFile(c.fsys, p)
	if errors.Is(err, fs.ErrNotExist) {
		return corruption.Errorf("%s names %s, which is missing", c.path(manifestName), p)
	}
	if err != nil {
		return err // it names the file
	}
	vi.SetThreads(c.opts.Threads)
	c.vec = vi
	return nil
}

// replay applies one logged write, or collects one part of a split write in parts and
// applies the whole write with its last part.
func (c *Collection) replay(r storage.Record, parts *doccodec.Assembler) error {
	if r.Type == doccodec.RecPart {
		typ, docs, ids, err := parts.Add(r.Payload)
		switch {
		case err != nil:
			return err
		case typ == doccodec.RecUpsert:
			_, _, err = c.applyUpsert(docs)
			return err
		case typ == doccodec.RecDelete:
			_, err = c.applyDelete(ids)
			return err
		}
		return nil
	}
	parts.Drop()
	switch r.Type {
	case doccodec.RecUpsert:
		batch, err := doccodec.DecodeUpsert(r.Payload)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		_, _, err = c.applyUpsert(batch)
		return err
	case doccodec.RecDelete:
		ids, err := doccodec.DecodeDelete(r.Payload)
		if err != nil {
			return err
		}
		_, err = c.applyDelete(ids)
		return err
	}
	return corruption.Errorf("unknown log record type %d", r.Type)
}

// checkEmbedderChoice refuses an embedder kind or model that differs from the recorded one.
func checkEmbedderChoice(stored EmbedderOptions, oo OpenOptions) error {
	if oo.Embedder != "" && oo.Embedder != stored.Kind {
		return fmt.Errorf("%w: the collection was built with the %q embedder, not %q", ErrOptions, stored.Kind, oo.Embedder)
	}
	if oo.EmbedModel != "" && oo.EmbedModel != stored.Model {
		return fmt.Errorf("%w: the collection's vectors come from model %q, not %q", ErrOptions, stored.Model, oo.EmbedModel)
	}
	return nil
}
