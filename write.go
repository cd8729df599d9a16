package vajra

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/vajrasearch/vajra/internal/doccodec"
	"github.com/vajrasearch/vajra/internal/embed"
	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/vector"
)

// WriteReport says what a write did.
type WriteReport struct {
	// Added counts documents whose id was new; Replaced, those that replaced a live version.
	Added, Replaced int
	// Duplicates counts documents dropped because a later one in the same batch had the same
	// id (the last one wins).
	Duplicates int
	// Deleted counts live documents removed; Missing, ids that were not in the collection.
	Deleted, Missing int
}

// Upsert adds documents, replacing any live document with the same id (ids are non-empty
// UTF-8 without control characters: no NUL, no escape sequences). The batch is
// validated and embedded first; if any document is invalid or embedding fails,
// nothing is written and the error names the document. Once Upsert returns nil the batch is
// durable (under SyncAlways) and visible to searches.
func (c *Collection) Upsert(ctx context.Context, docs []Document) (rep WriteReport, err error) {
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	if err := c.checkWritable(); err != nil {
		return rep, err
	}
	batch, dups, err := c.prepareDocs(docs)
	if err != nil {
		return rep, err
	}
	rep.Duplicates = dups
	if len(batch) == 0 {
		return rep, nil
	}
	if err := c.embedDocs(ctx, batch); err != nil {
		return rep, err
	}
	if err := ctxErr(ctx); err != nil {
		return rep, err
	}

	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.checkOpen(); err != nil {
		return rep, err
	}
	if err := c.checkVectorDims(batch); err != nil {
		return rep, err
	}
	ids := make([]string, len(batch))
	for i := range batch {
		ids[i] = batch[i].ID
	}
	if err := c.readReplaced(ids); err != nil {
		return rep, err
	}
	encode := func() ([]doccodec.LogRecord, error) { return doccodec.EncodeUpsertRecords(batch, c.logRecordLimit()) }
	err = c.commitLocked("upsert", encode, func() (err error) {
		rep.Added, rep.Replaced, err = c.applyUpsert(batch)
		return err
	})
	return rep, err
}

// Delete removes the documents with the given ids. Unknown ids are counted in
// WriteReport.Missing, not treated as errors. Once Delete returns nil the removal is durable
// (under SyncAlways) and no search returns those documents.
func (c *Collection) Delete(ctx context.Context, ids []string) (rep WriteReport, err error) {
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	if err := c.checkWritable(); err != nil {
		return rep, err
	}
	if err := ctxErr(ctx); err != nil {
		return rep, err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.deleteLocked(ids)
}

// deleteLocked is Delete with c.writeMu held.
func (c *Collection) deleteLocked(ids []string) (WriteReport, error) {
	var rep WriteReport
	if err := c.checkOpen(); err != nil {
		return rep, err
	}
	present := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	c.mu.RLock()
	for _, id := range ids {
		_, ok, err := c.docs.lookup(id, c.live)
		if err != nil {
			c.mu.RUnlock()
			return rep, fmt.Errorf("delete %q: %w", id, err)
		}
		if ok && !seen[id] {
			present = append(present, id)
			seen[id] = true
		} else if !ok {
			rep.Missing++
		}
	}
	c.mu.RUnlock()
	if len(present) == 0 {
		return rep, nil
	}
	encode := func() ([]doccodec.LogRecord, error) { return doccodec.EncodeDeleteRecords(present, c.logRecordLimit()) }
	if err := c.readReplaced(present); err != nil {
		return rep, err
	}
	err := c.commitLocked("delete", encode, func() (err error) {
		rep.Deleted, err = c.applyDelete(present)
		return err
	})
	return rep, err
}

// readReplaced reads what replacing or deleting the documents with the given ids will read
// from the store (their place in the id table, and their metadata while the metadata index
// is built), so that damage there fails the write before it is logged rather than after.
// c.writeMu must be held.
func (c *Collection) readReplaced(ids []string) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := c.readableLocked(); err != nil {
		return err
	}
	meta := c.meta.Load()
	for _, id := range ids {
		iid, ok, err := c.docs.lookup(id, c.live)
		if err == nil && ok && meta != nil {
			_, err = c.docs.metadata(iid)
		}
		if err != nil {
			return fmt.Errorf("document %q: %w", id, err)
		}
	}
	return nil
}

// commitLocked is the one path every write takes, with c.writeMu held: settle the files if a
// past failure left them unsure (a snapshot, so the log about to be appended is one a restart
// replays), append the encoded records to the log in one group (in-memory collections skip
// encoding; a write larger than one record is several that replay applies together),
// apply it in memory, and snapshot once the log has grown large. A failed snapshot at the
// end is not the write's error: the write is already durable in the log, and the next write
// tries the snapshot again.
func (c *Collection) commitLocked(op string, encode func() ([]doccodec.LogRecord, error), apply func() error) error {
	if err := c.checkWritable(); err != nil {
		return err
	}
	if c.unsettled {
		if err := c.snapshotLocked(); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	if c.wal != nil {
		encoded, err := encode()
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidDocument, err)
		}
		recs := make([]storage.Record, len(encoded))
		for i, r := range encoded {
			recs[i] = storage.Record{Type: r.Type, Payload: r.Payload}
		}
		if err := c.wal.Append(recs...); err != nil {
			c.unsettled = true
			return fmt.Errorf("%s: write log: %w", op, err)
		}
	}
	if err := apply(); err != nil {
		return err
	}
	c.dirty = true
	_ = c.maybeSnapshotLocked()
	return nil
}

// checkOpen fails for a closed collection, or one whose mapped files faulted or changed.
func (c *Collection) checkOpen() error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.readableLocked()
}

// maxLogRecordBytes caps one log record. A write is split into records of whole documents
// no larger than this, so it bounds the size of one document in a collection on disk
// (MaxDocumentBytes), not of a batch.
const maxLogRecordBytes = 64 << 20

// MaxDocumentBytes is the largest document a collection on disk takes: its id, title,
// content, metadata JSON and vector (4 bytes a value) together, plus a few bytes of lengths.
// A batch may be any size; in-memory collections have no such limit.
const MaxDocumentBytes = maxLogRecordBytes - doccodec.RecordOverhead

func (c *Collection) logRecordLimit() int {
	if c.recordLimit > 0 {
		return c.recordLimit
	}
	return maxLogRecordBytes
}

// prepareDocs validates a batch and copies it, keeping the last of duplicate ids at the
// position of its last occurrence. Metadata is normalised through JSON.
func (c *Collection) prepareDocs(docs []Document) ([]Document, int, error) {
	last := make(map[string]int, len(docs))
	for i := range docs {
		last[docs[i].ID] = i
	}
	out := make([]Document, 0, len(last))
	for i := range docs {
		d := docs[i]
		if last[d.ID] != i {
			continue
		}
		if err := validateDocument(&d); err != nil {
			return nil, 0, err
		}
		if c.dir != "" {
			// Refused before any embedding work, which a batch of large documents makes long.
			if err := checkDocSize(&d, doccodec.MaxDocBytes(c.logRecordLimit())); err != nil {
				return nil, 0, err
			}
		}
		if len(d.Metadata) > 0 {
			b, err := json.Marshal(d.Metadata)
			if err != nil {
				return nil, 0, fmt.Errorf("%w: document %q: field \"metadata\": %v", ErrInvalidDocument, d.ID, err)
			}
			d.Metadata = nil
			if err := json.Unmarshal(b, &d.Metadata); err != nil {
				return nil, 0, fmt.Errorf("%w: document %q: field \"metadata\": %v", ErrInvalidDocument, d.ID, err)
			}
		} else {
			d.Metadata = nil
		}
		if d.Vector != nil {
			d.Vector = append([]float32(nil), d.Vector...)
		}
		out = append(out, d)
	}
	return out, len(docs) - len(out), nil
}

// CheckDocument reports what a collection on disk refuses about d by itself: an empty or
// invalid id, text that is not UTF-8, a vector value that is NaN or infinite, a document
// larger than MaxDocumentBytes. LoadOptions.Check takes it, so that loading a corpus names
// the file and line of such a document.
func CheckDocument(d *Document) error {
	if err := validateDocument(d); err != nil {
		return err
	}
	return checkDocSize(d, MaxDocumentBytes)
}

func checkDocSize(d *Document, limit int) error {
	n, err := doccodec.DocSize(d)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	if n > limit {
		return fmt.Errorf("%w: document %q is %d bytes (id, title, content, metadata and vector together), more than the %d a collection on disk takes", ErrInvalidDocument, d.ID, n, limit)
	}
	return nil
}

func validateDocument(d *Document) error {
	switch {
	case d.ID == "":
		return fmt.Errorf("%w: document with empty id (title %q)", ErrInvalidDocument, truncate(d.Title, 40))
	case !utf8.ValidString(d.ID):
		return fmt.Errorf("%w: document id %q is not valid UTF-8", ErrInvalidDocument, d.ID)
	case strings.IndexFunc(d.ID, unicode.IsControl) >= 0:
		// Ids are printed, logged and passed around as keys; a NUL or an escape sequence in
		// one breaks C strings and terminals.
		i := strings.IndexFunc(d.ID, unicode.IsControl)
		r, _ := utf8.DecodeRuneInString(d.ID[i:])
		return fmt.Errorf("%w: document id %q: field \"id\" has control character %U at byte %d", ErrInvalidDocument, d.ID, r, i)
	case !utf8.ValidString(d.Title):
		return fmt.Errorf("%w: document %q: field \"title\" is not valid UTF-8", ErrInvalidDocument, d.ID)
	case !utf8.ValidString(d.Content):
		return fmt.Errorf("%w: document %q: field \"content\" is not valid UTF-8", ErrInvalidDocument, d.ID)
	}
	for j, x := range d.Vector {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("%w: document %q: field \"vector\": value %d is %v", ErrInvalidDocument, d.ID, j, x)
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// embedText is what the embedder sees of a document.
func embedText(d *Document) string {
	if d.Title == "" {
		return d.Content
	}
	if d.Content == "" {
		return d.Title
	}
	return d.Title + "\n" + d.Content
}

// embedDocs fills in the vectors of documents that bring none, in parallel chunks.
func (c *Collection) embedDocs(ctx context.Context, batch []Document) error {
	if c.embedder == nil {
		for i := range batch {
			if batch[i].Vector != nil {
				return fmt.Errorf("%w: document %q has a vector but the collection has no vector index (create it with an embedder)", ErrInvalidDocument, batch[i].ID)
			}
		}
		return nil
	}
	var need []int
	for i := range batch {
		if batch[i].Vector == nil {
			need = append(need, i)
		}
	}
	if len(need) == 0 {
		return nil
	}
	if c.opts.Embedder.Kind == EmbedderPrecomputed {
		return fmt.Errorf("%w: document %q has no vector and the collection uses precomputed vectors", ErrInvalidDocument, batch[need[0]].ID)
	}
	const chunk = 256
	// Embedders that compute on the caller's goroutine get one call per thread; the others
	// parallelise each call themselves (the local model over its threads, the HTTP client
	// by batching requests).
	workers := 1
	if _, ok := c.embedder.(embed.SingleThreaded); ok {
		workers = c.opts.Threads
	}
	var firstErr error
	var errMu sync.Mutex
	parallelChunks(len(need), chunk, workers, func(lo, hi int) {
		texts := make([]string, hi-lo)
		for j := lo; j < hi; j++ {
			texts[j-lo] = embedText(&batch[need[j]])
		}
		vecs, err := c.embedder.Embed(ctx, texts)
		if err == nil && len(vecs) != len(texts) {
			err = fmt.Errorf("embedder returned %d vectors for %d texts", len(vecs), len(texts))
		}
		if err != nil {
			errMu.Lock()
			if firstErr == nil {
				firstErr = embedFailed(ErrInvalidDocument, fmt.Sprintf("embed documents %q…", batch[need[lo]].ID), err)
			}
			errMu.Unlock()
			return
		}
		for j := lo; j < hi; j++ {
			batch[need[j]].Vector = vecs[j-lo]
		}
	})
	return firstErr
}

// checkVectorDims verifies every vector against the collection's dimension (fixed by the
// first vectors ever stored) and the metric's requirements (vector.Metric.Check: no zero
// vector under cosine, no norm whose distances would overflow under l2 and ip).
func (c *Collection) checkVectorDims(batch []Document) error {
	if c.embedder == nil {
		return nil
	}
	metric, err := vector.ParseMetric(c.opts.Vector.Metric)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrOptions, err)
	}
	dim := c.vectorDim()
	for i := range batch {
		v := batch[i].Vector
		if dim == 0 {
			dim = len(v)
		}
		if len(v) != dim {
			return fmt.Errorf("%w: %w: document %q: field \"vector\" has %d values, collection uses %d-d vectors", ErrInvalidDocument, ErrDimensionMismatch, batch[i].ID, len(v), dim)
		}
		if err := metric.Check(v); err != nil {
			return fmt.Errorf("%w: document %q: field \"vector\": %w", ErrInvalidDocument, batch[i].ID, err)
		}
	}
	return nil
}

func (c *Collection) vectorDim() int {
	c.mu.RLock()
	vec := c.vec
	c.mu.RUnlock()
	if vec != nil {
		return vec.Options().Dim
	}
	if c.embedder != nil {
		return c.embedder.Dim()
	}
	return 0
}

// applyUpsert makes a validated, logged batch part of the collection. It is also how the log
// is replayed, so it must not depend on anything but the batch and the current state. The
// lexical index analyses the documents as it inverts them, in parallel, so that a large batch
// is never held analysed whole.
func (c *Collection) applyUpsert(batch []Document) (added, replaced int, err error) {
	first := c.nextID
	if uint64(first)+uint64(len(batch)) >= math.MaxUint32 {
		return 0, 0, fmt.Errorf("%w: the collection has used all 2^32 internal ids; compact it", ErrInvalidDocument)
	}
	labels := make([]uint32, len(batch))
	for i := range batch {
		labels[i] = first + uint32(i)
	}
	if c.embedder != nil {
		if err := c.addVectors(batch, labels); err != nil {
			return 0, 0, err
		}
	}
	analyze := func(i int) [][]string {
		return [][]string{c.analyzer.AppendTerms(nil, batch[i].Title), c.analyzer.AppendTerms(nil, batch[i].Content)}
	}
	if err := c.lex.AddFunc(labels, analyze); err != nil {
		// Neither index may keep half a batch. The ids are spent: the lexical index only
		// accepts increasing ids.
		if c.vec != nil {
			c.vec.Delete(labels)
		}
		c.nextID = first + uint32(len(batch))
		return 0, 0, fmt.Errorf("index: %w", err)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	var old []tombstone
	for i := range batch {
		prev, ok, err := c.docs.lookup(batch[i].ID, c.live)
		if err != nil {
			// The batch is in both indexes but cannot replace what the store holds under its
			// ids: take it out again, as for an index error.
			c.lex.Delete(labels)
			if c.vec != nil {
				c.vec.Delete(labels)
			}
			c.nextID = first + uint32(len(batch))
			return 0, 0, fmt.Errorf("document %q: %w", batch[i].ID, err)
		}
		if ok {
			old = append(old, tombstone{iid: prev, id: batch[i].ID})
		}
	}
	if err := c.tombstoneLocked(old); err != nil {
		return 0, 0, err
	}
	meta := c.meta.Load()
	for i := range batch {
		d := &batch[i]
		iid := labels[i]
		c.docs.add(iid, &docRecord{id: d.ID, title: d.Title, content: d.Content, metadata: d.Metadata})
		c.live.Add(iid)
		if meta != nil && len(d.Metadata) > 0 {
			meta.Add(iid, d.Metadata)
		}
	}
	c.nextID = first + uint32(len(batch))
	return len(batch) - len(old), len(old), nil
}

// tombstone is a live document to remove: its internal id and its id.
type tombstone struct {
	iid uint32
	id  string
}

func (c *Collection) applyDelete(ids []string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var dead []tombstone
	for _, id := range ids {
		iid, ok, err := c.docs.lookup(id, c.live)
		if err != nil {
			return 0, fmt.Errorf("document %q: %w", id, err)
		}
		if ok {
			dead = append(dead, tombstone{iid: iid, id: id})
		}
	}
	if err := c.tombstoneLocked(dead); err != nil {
		return 0, err
	}
	return len(dead), nil
}

// tombstoneLocked removes documents from every index. c.mu must be held for writing. It
// fails, having changed nothing, when the metadata index is built and a document's stored
// metadata (needed to take it out of that index) cannot be read.
func (c *Collection) tombstoneLocked(dead []tombstone) error {
	if len(dead) == 0 {
		return nil
	}
	meta := c.meta.Load()
	var metas []map[string]any
	if meta != nil {
		metas = make([]map[string]any, len(dead))
		for i, d := range dead {
			m, err := c.docs.metadata(d.iid)
			if err != nil {
				return fmt.Errorf("document %q: %w", d.id, err)
			}
			metas[i] = m
		}
	}
	iids := make([]uint32, len(dead))
	for i, d := range dead {
		iids[i] = d.iid
	}
	c.lex.Delete(iids)
	if c.vec != nil {
		c.vec.Delete(iids)
	}
	for i, d := range dead {
		if meta != nil && len(metas[i]) > 0 {
			meta.Remove(d.iid, metas[i])
		}
		c.docs.remove(d.iid, d.id)
		c.live.Remove(d.iid)
	}
	return nil
}

// parallelChunks calls fn on consecutive [lo, hi) chunks of [0, n) from up to workers
// goroutines. Which goroutine runs a chunk never matters: chunks write disjoint outputs.
func parallelChunks(n, chunk, workers int, fn func(lo, hi int)) {
	if n == 0 {
		return
	}
	chunks := (n + chunk - 1) / chunk
	if workers <= 1 || chunks == 1 {
		for lo := 0; lo < n; lo += chunk {
			fn(lo, min(lo+chunk, n))
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, chunks)
	for i := 0; i < chunks; i++ {
		next <- i * chunk
	}
	close(next)
	for w := 0; w < min(workers, chunks); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := range next {
				fn(lo, min(lo+chunk, n))
			}
		}()
	}
	wg.Wait()
}

// addVectors inserts the batch's vectors under their internal ids, creating the vector
// index on first use (its dimension is the first vector's).
func (c *Collection) addVectors(batch []Document, labels []uint32) error {
	if c.vec == nil {
		vi, err := c.vectorIndexFor(len(batch[0].Vector))
		if err != nil {
			return err
		}
		c.mu.Lock()
		c.vec = vi
		c.mu.Unlock()
	}
	flat := make([]float32, 0, len(batch)*len(batch[0].Vector))
	for i := range batch {
		flat = append(flat, batch[i].Vector...)
	}
	// Upsert checked the batch before logging it; a replayed log may hold vectors that
	// versions before the norm limit accepted, which AddLogged stores rather than leave the
	// collection unopenable. The batch is logged, so it is applied whole, without a
	// context to stop it halfway: cancellation takes effect between writes.
	if err := c.vec.AddLogged(context.Background(), labels, flat); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	return nil
}
