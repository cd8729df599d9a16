package vajra

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/vajrasearch/vajra/internal/corruption"
	"github.com/vajrasearch/vajra/internal/doccodec"
	"github.com/vajrasearch/vajra/internal/lexical"
	"github.com/vajrasearch/vajra/internal/storage"
)

// Flush writes a snapshot now, so that reopening replays no log. It is a no-op for an
// in-memory collection and fails with ErrReadOnly for a read-only one.
func (c *Collection) Flush() error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.checkWritable(); err != nil {
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
// meanwhile, while searches go on. The documents are streamed into the new store, from the
// old store and from memory, without being gathered first; once the generation is published
// the collection reads its documents from the new store, in place, and lets go of those it
// held in memory.
func (c *Collection) snapshotLocked() (err error) {
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	gen := c.gen + 1
	c.mu.RLock()
	if p := c.fault.Load(); p != nil {
		c.mu.RUnlock()
		return fmt.Errorf("snapshot: %w", *p)
	}
	lexSnap := c.lex.Snapshot()
	refs := lexSnap.Segments()
	iids := c.live.AppendTo(make([]uint32, 0, c.docs.count))
	nextID := c.nextID
	docs := c.docs
	vec := c.vec
	changed := c.changedFilesLocked()
	c.mu.RUnlock()
	if changed != nil {
		return fmt.Errorf("snapshot: %w", corruption.Mark(changed))
	}
	segs := make([]doccodec.SegmentDeletes, len(refs))
	for i, r := range refs {
		segs[i] = doccodec.SegmentDeletes{Segment: r.Seg.ID(), Deleted: r.Deleted}
	}
	docsName := docsFileName(gen)
	files := []string{docsName}
	head := doccodec.StoreHeader{NextID: nextID, Docs: len(iids), Segments: segs}
	if err := storage.WriteFileAtomic(c.fsys, c.path(docsName), func(w io.Writer) error {
		// Writers hold writeMu, as this does: the documents do not change while they stream.
		return doccodec.WriteStore(w, head, func(i int) (doccodec.StoreDoc, error) { return docs.storeDoc(iids[i]) })
	}); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	lexFiles := make(map[uint64]string, len(refs))
	var written []string // segment files this snapshot wrote
	for _, r := range refs {
		id := r.Seg.ID()
		name, ok := c.lexFiles[id]
		if !ok {
			name = lexFileName(id)
			if err := storage.WriteFileAtomic(c.fsys, c.path(name), r.Seg.Encode); err != nil {
				return fmt.Errorf("snapshot: %w", err)
			}
			written = append(written, name)
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
		// Readers may have seen it too, so the next snapshot takes a fresh generation rather
		// than rewrite files under names this one may have published.
		c.unsettled = true
		c.mu.Lock()
		c.gen = gen
		c.mu.Unlock()
		return fmt.Errorf("snapshot: %w", err)
	}
	// Read the documents from the new store, and the new segments from their files, from now
	// on. Should one fail to open, what the collection holds stays where it is: the snapshot
	// is published either way.
	mp, view := c.openWrittenStore(docsName)
	segMaps, opened := c.openWrittenSegments(written)
	old := c.wal
	c.mu.Lock()
	if c.maps == nil {
		c.maps = map[string]storage.Mapping{}
	}
	c.wal, c.gen, c.lexFiles, c.dirty, c.unsettled = wal, gen, lexFiles, false, false
	if view != nil {
		c.docs = storeTable(view, c.path(docsName))
		c.maps[docsName] = mp
	}
	if len(opened) > 0 {
		c.lex.Adopt(opened)
		for name, m := range segMaps {
			c.maps[name] = m
		}
	}
	keep := map[string]bool{}
	for _, f := range files {
		keep[f] = true
	}
	c.releaseMapsLocked(keep)
	c.mu.Unlock()
	if old != nil {
		old.Close()
	}
	c.removeUnreferenced(m)
	return nil
}

// openWrittenSegments opens the segment files a snapshot has just written, in place, when
// the file system maps them (read into the heap, they would only replace one copy with
// another). A segment that fails to open is left out.
func (c *Collection) openWrittenSegments(names []string) (map[string]storage.Mapping, map[uint64]*lexical.Segment) {
	maps := map[string]storage.Mapping{}
	segs := map[uint64]*lexical.Segment{}
	for _, name := range names {
		id, _ := segmentIDFromName(name)
		mp, err := storage.MapFile(c.fsys, c.path(name))
		if err != nil {
			continue
		}
		if !storage.IsMapped(mp) {
			mp.Close()
			continue
		}
		seg, err := lexical.OpenSegment(mp.Bytes())
		if err != nil || seg.ID() != id {
			mp.Close()
			continue
		}
		maps[name], segs[id] = mp, seg
	}
	return maps, segs
}

// openWrittenStore opens the store a snapshot has just written, in place. It returns nils
// when that fails.
func (c *Collection) openWrittenStore(name string) (storage.Mapping, *doccodec.StoreView) {
	mp, err := storage.MapFile(c.fsys, c.path(name))
	if err != nil {
		return nil, nil
	}
	storage.AdviseRandom(mp, 0, len(mp.Bytes()))
	view, err := doccodec.OpenStore(mp.Bytes())
	if err != nil {
		mp.Close()
		return nil, nil
	}
	return mp, view
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

func (c *Collection) walOptions() storage.WALOptions {
	if c.opts.Sync == SyncNever {
		return storage.WALOptions{Sync: storage.SyncNever, MaxRecordSize: maxLogRecordBytes}
	}
	return storage.WALOptions{Sync: storage.SyncEveryAppend, MaxRecordSize: maxLogRecordBytes}
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
