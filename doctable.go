package vajra

import (
	"encoding/json"
	"fmt"

	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/doccodec"
)

// docRecord is what the collection keeps of a document besides its index entries.
type docRecord struct {
	id       string
	title    string
	content  string
	metadata map[string]any
}

// docTable holds the collection's documents: those of the snapshot it was opened from (or
// last wrote), read in place from that snapshot's document store, and those written since,
// in memory. A document is read from the store only when asked for, so opening costs nothing
// per document but a bit in the live set.
//
// Its methods need the collection's mu (read or write) or writeMu held, as the fields they
// use; the store's bytes stay mapped until the table is replaced under mu.
type docTable struct {
	base     *doccodec.StoreView // nil when there is none
	baseName string              // the store's path, for errors
	baseNext uint32              // internal ids below it are the store's
	recs     []*docRecord        // by internal id − baseNext: written since; nil once replaced or deleted
	byID     map[string]uint32   // id → internal id, for the live documents written since
	count    int                 // live documents
}

func newDocTable() docTable { return docTable{byID: map[string]uint32{}} }

// storeTable is the table of a collection that has just opened (or written) the store v.
func storeTable(v *doccodec.StoreView, name string) docTable {
	return docTable{base: v, baseName: name, baseNext: v.NextID, byID: map[string]uint32{}, count: v.Len()}
}

func (t *docTable) wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", t.baseName, err)
}

// lookup returns the internal id of the live document with the given id.
func (t *docTable) lookup(id string, live *bitset.Set) (uint32, bool, error) {
	if iid, ok := t.byID[id]; ok {
		return iid, true, nil
	}
	if t.base == nil {
		return 0, false, nil
	}
	pos, ok, err := t.base.Find(id)
	if err != nil || !ok {
		return 0, false, t.wrap(err)
	}
	iid := t.base.IIDs[pos]
	return iid, live.Contains(iid), nil
}

// record returns the document with internal id iid (which the caller knows to be live).
func (t *docTable) record(iid uint32) (docRecord, bool, error) {
	if iid >= t.baseNext {
		if i := int(iid - t.baseNext); i < len(t.recs) && t.recs[i] != nil {
			return *t.recs[i], true, nil
		}
		return docRecord{}, false, nil
	}
	pos, ok := t.basePos(iid)
	if !ok {
		return docRecord{}, false, nil
	}
	r, err := t.base.Doc(pos)
	if err != nil {
		return docRecord{}, false, t.wrap(err)
	}
	return docRecord{id: r.ID, title: r.Title, content: r.Content, metadata: r.Metadata}, true, nil
}

func (t *docTable) basePos(iid uint32) (int, bool) {
	if t.base == nil {
		return 0, false
	}
	return t.base.Pos(iid)
}

// hit returns document iid as a search result shows it: without its content unless
// withContent.
func (t *docTable) hit(iid uint32, withContent bool) (docRecord, bool, error) {
	if iid >= t.baseNext || withContent {
		return t.record(iid)
	}
	pos, ok := t.basePos(iid)
	if !ok {
		return docRecord{}, false, nil
	}
	r, err := t.base.Hit(pos)
	if err != nil {
		return docRecord{}, false, t.wrap(err)
	}
	return docRecord{id: r.ID, title: r.Title, metadata: r.Metadata}, true, nil
}

// id returns the id of document iid.
func (t *docTable) id(iid uint32) (string, bool, error) {
	if iid >= t.baseNext {
		r, ok, err := t.record(iid)
		return r.id, ok, err
	}
	pos, ok := t.basePos(iid)
	if !ok {
		return "", false, nil
	}
	id, err := t.base.ID(pos)
	return id, err == nil, t.wrap(err)
}

// metadata returns the metadata of document iid, reading only what it needs.
func (t *docTable) metadata(iid uint32) (map[string]any, error) {
	if iid >= t.baseNext {
		r, _, err := t.record(iid)
		return r.metadata, err
	}
	pos, ok := t.basePos(iid)
	if !ok {
		return nil, nil
	}
	if has, err := t.base.HasMetadata(pos); err != nil || !has {
		return nil, t.wrap(err)
	}
	m, err := t.base.Metadata(pos)
	return m, t.wrap(err)
}

// add records a document written since the store.
func (t *docTable) add(iid uint32, r *docRecord) {
	i := int(iid - t.baseNext)
	for len(t.recs) <= i {
		t.recs = append(t.recs, nil)
	}
	t.recs[i] = r
	t.byID[r.id] = iid
	t.count++
}

// remove forgets document iid, whose id is id.
func (t *docTable) remove(iid uint32, id string) {
	if iid >= t.baseNext {
		if i := int(iid - t.baseNext); i < len(t.recs) {
			t.recs[i] = nil
		}
	}
	if cur, ok := t.byID[id]; ok && cur == iid {
		delete(t.byID, id)
	}
	t.count--
}

// storeDoc returns document iid as a new store lays it out. Strings read from the current
// store alias its bytes (see doccodec.StoreView.Raw): they serve only to write its successor.
func (t *docTable) storeDoc(iid uint32) (doccodec.StoreDoc, error) {
	if iid >= t.baseNext {
		i := int(iid - t.baseNext)
		if i >= len(t.recs) || t.recs[i] == nil {
			return doccodec.StoreDoc{}, fmt.Errorf("internal id %d is live but has no document", iid)
		}
		r := t.recs[i]
		meta, err := doccodec.MarshalMetadata(r.metadata)
		if err != nil {
			return doccodec.StoreDoc{}, fmt.Errorf("document %q: metadata: %w", r.id, err)
		}
		return doccodec.StoreDoc{IID: iid, ID: r.id, Title: r.title, Content: r.content, Metadata: string(meta)}, nil
	}
	pos, ok := t.basePos(iid)
	if !ok {
		return doccodec.StoreDoc{}, fmt.Errorf("internal id %d is live but has no document", iid)
	}
	d, err := t.base.Raw(pos)
	return d, t.wrap(err)
}

// cloneMetadata returns a deep copy of m, so that callers cannot change what the collection
// holds.
func cloneMetadata(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return m
	}
	var out map[string]any
	if json.Unmarshal(b, &out) != nil {
		return m
	}
	return out
}
