package vajra

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/corruption"
	"github.com/vajrasearch/vajra/internal/doccodec"
	"github.com/vajrasearch/vajra/internal/embed"
	"github.com/vajrasearch/vajra/internal/lexical"
	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/vector"
)

// Create makes a new, empty collection in dir (created if missing) and opens it. It fails
// with ErrExists when dir already holds a collection.
func Create(dir string, o Options) (*Collection, error) {
	return create(storage.OS(), dir, o)
}

func create(fsys storage.FS, dir string, o Options) (*Collection, error) {
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
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
	c := &Collection{dir: dir, fsys: fsys, lock: lock, opts: o, byID: map[string]uint32{},
		live: &bitset.Set{}, lexFiles: map[uint64]string{}}
	if err := c.initEngines(OpenOptions{}, nil); err != nil {
		lock.Close()
		return nil, err
	}
	if err := c.snapshotLocked(); err != nil {
		lock.Close()
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	return c, nil
}

// Open opens the collection in dir, replaying its log on top of its newest snapshot. A
// damaged file gives an error wrapping ErrCorrupt that names it; the files are left as they
// are.
func Open(dir string, oo OpenOptions) (*Collection, error) {
	return open(storage.OS(), dir, oo)
}

func open(fsys storage.FS, dir string, oo OpenOptions) (*Collection, error) {
	if _, err := fsys.Stat(fsys.PathJoin(dir, manifestName)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("open %s: no collection here (no %s): %w", dir, manifestName, ErrNotFound)
		}
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

// load reads a collection's newest snapshot and replays its log.
func load(fsys storage.FS, dir string, oo OpenOptions, lock interface{ Close() error }) (*Collection, error) {
	c := &Collection{dir: dir, fsys: fsys, lock: lock, byID: map[string]uint32{}, live: &bitset.Set{}}
	m, err := storage.ReadManifest(fsys, c.path(manifestName))
	if err != nil {
		return nil, err
	}
	if m.Meta[metaFormat] != formatVersion {
		return nil, corruption.Errorf("collection format %q (this build reads %q)", m.Meta[metaFormat], formatVersion)
	}
	if err := json.Unmarshal([]byte(m.Meta[metaOptions]), &c.opts); err != nil {
		return nil, corruption.Errorf("%s: stored options: %v", manifestName, err)
	}
	c.opts.Threads = oo.Threads
	if oo.Sync != "" {
		c.opts.Sync = oo.Sync
	}
	c.opts.EnsureDefaults()
	if err := c.opts.Validate(); err != nil {
		return nil, corruption.Errorf("%s: stored options: %v", manifestName, err)
	}
	var spec *embed.Spec
	if s, ok := m.Meta[metaEmbedder]; ok {
		spec = new(embed.Spec)
		if err := json.Unmarshal([]byte(s), spec); err != nil {
			return nil, corruption.Errorf("%s: embedder: %v", manifestName, err)
		}
	}
	if err := checkEmbedderChoice(c.opts.Embedder, oo); err != nil {
		return nil, err
	}
	if err := c.initEngines(oo, spec); err != nil {
		return nil, err
	}
	if err := c.loadFiles(m); err != nil {
		return nil, err
	}
	c.gen = m.Generation
	// A snapshot creates its log before the manifest that names it, so a missing log was lost
	// with the writes it held: refuse, rather than let OpenWAL start an empty one.
	if m.WAL == "" {
		return nil, corruption.Errorf("%s names no log", manifestName)
	}
	if _, err := fsys.Stat(c.path(m.WAL)); errors.Is(err, fs.ErrNotExist) {
		return nil, corruption.Errorf("%s names %s, which is missing", manifestName, m.WAL)
	}
	wal, err := storage.OpenWAL(fsys, c.path(m.WAL), c.walOptions())
	if err != nil {
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
		return nil, fmt.Errorf("replay %s: %w", m.WAL, err)
	}
	c.dirty = info.Records > 0
	return c, nil
}

// loadFiles reads the snapshot's document store, lexical segments and vector index.
func (c *Collection) loadFiles(m storage.Manifest) error {
	var docs *doccodec.Store
	segs := map[uint64]*lexical.Segment{}
	c.lexFiles = map[uint64]string{}
	for _, name := range m.Files {
		data, err := storage.ReadFile(c.fsys, c.path(name))
		if errors.Is(err, fs.ErrNotExist) {
			return corruption.Errorf("%s names %s, which is missing", manifestName, name)
		}
		if err != nil {
			return err
		}
		switch {
		case name == docsFileName(m.Generation):
			if docs, err = doccodec.DecodeStore(data); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		case name == vecFileName(m.Generation):
			if c.embedder == nil {
				return corruption.Errorf("%s: vector index in a collection without an embedder", name)
			}
			vi, err := vector.ReadIndex(data)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			vi.SetThreads(c.opts.Threads)
			c.vec = vi
		default:
			id, ok := segmentIDFromName(name)
			if !ok {
				return corruption.Errorf("%s names unknown file %q", manifestName, name)
			}
			seg, err := lexical.DecodeSegment(data)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if seg.ID() != id {
				return corruption.Errorf("%s holds segment %d", name, seg.ID())
			}
			segs[id] = seg
			c.lexFiles[id] = name
		}
	}
	if docs == nil {
		return corruption.Errorf("%s names no document store", manifestName)
	}
	refs := make([]lexical.SegmentRef, 0, len(segs))
	for _, sd := range docs.Segments {
		seg, ok := segs[sd.Segment]
		if !ok {
			return corruption.Errorf("lexical segment %d is not in the manifest", sd.Segment)
		}
		del := sd.Deleted
		if del.Len() == 0 {
			del = nil
		}
		refs = append(refs, lexical.SegmentRef{Seg: seg, Deleted: del})
	}
	if len(refs) != len(segs) {
		return corruption.Errorf("the manifest names %d lexical segments, the document store %d", len(segs), len(refs))
	}
	lex, err := lexical.Restore(c.lexicalOptions(), refs)
	if err != nil {
		return err
	}
	c.lex = lex
	c.nextID = docs.NextID
	c.docs = make([]*docRecord, docs.NextID)
	for i, iid := range docs.IDs {
		d := &docs.Docs[i]
		r := &docRecord{id: d.ID, title: d.Title, content: d.Content, metadata: d.Metadata}
		if _, dup := c.byID[r.id]; dup {
			return corruption.Errorf("document id %q stored twice", r.id)
		}
		c.docs[iid] = r
		c.byID[r.id] = iid
		c.live.Add(iid)
		if len(r.metadata) > 0 {
			c.meta.Add(iid, r.metadata)
		}
	}
	if n := lex.Snapshot().Stats().Docs; n != uint64(len(docs.IDs)) {
		return corruption.Errorf("lexical index holds %d live documents, the store %d", n, len(docs.IDs))
	}
	if c.vec != nil && c.vec.Len() != len(docs.IDs) {
		return corruption.Errorf("vector index holds %d live vectors, the store %d documents", c.vec.Len(), len(docs.IDs))
	}
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
			_, _, err = c.applyUpsert(docs, c.analyzeDocs(docs))
			return err
		case typ == doccodec.RecDelete:
			c.applyDelete(ids)
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
		fields := c.analyzeDocs(batch)
		_, _, err = c.applyUpsert(batch, fields)
		return err
	case doccodec.RecDelete:
		ids, err := doccodec.DecodeDelete(r.Payload)
		if err != nil {
			return err
		}
		c.applyDelete(ids)
		return nil
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
