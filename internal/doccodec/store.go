package doccodec

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// Store file identity (a binfile header).
const (
	StoreMagic   = "VJRADOCS"
	StoreVersion = 1
)

// fieldsPerDoc is how many strings the DATA section holds per document.
const fieldsPerDoc = 4 // id, title, content, metadata JSON

// Record is one live document of a store.
type Record struct {
	ID, Title, Content string
	Metadata           map[string]any
}

// SegmentDeletes is one lexical segment's deletion set (nil for none).
type SegmentDeletes struct {
	Segment uint64
	Deleted *bitset.Set
}

// Store is the content of a document store file.
type Store struct {
	// NextID is the internal id the next document will get.
	NextID uint32
	// IDs are the internal ids of the live documents, strictly ascending and below NextID;
	// Docs[i] is the document with internal id IDs[i].
	IDs  []uint32
	Docs []Record
	// Segments lists every lexical segment of the snapshot, once each, with its deletions.
	Segments []SegmentDeletes
}

// EncodeStore lays out s as binfile sections: HEAD (JSON counters), IIDS (the internal ids),
// OFFS and DATA (four strings per document: id, title, content, metadata JSON, as offsets
// into DATA), and LDEL (per segment: its id, the number of words of its deletion set and the
// words).
func EncodeStore(s *Store) ([]byte, error) {
	if len(s.IDs) != len(s.Docs) {
		return nil, fmt.Errorf("document store: %d ids for %d documents", len(s.IDs), len(s.Docs))
	}
	offs := make([]uint64, 0, len(s.Docs)*fieldsPerDoc+1)
	var data bytes.Buffer
	offs = append(offs, 0)
	for i := range s.Docs {
		r := &s.Docs[i]
		meta, err := MarshalMetadata(r.Metadata)
		if err != nil {
			return nil, fmt.Errorf("document %q: metadata: %w", r.ID, err)
		}
		for _, f := range [fieldsPerDoc]string{r.ID, r.Title, r.Content, string(meta)} {
			data.WriteString(f)
			offs = append(offs, uint64(data.Len()))
		}
	}
	head, err := json.Marshal(map[string]uint64{"next_id": uint64(s.NextID), "docs": uint64(len(s.IDs))})
	if err != nil {
		return nil, err
	}
	var ldel []byte
	for _, sd := range s.Segments {
		ldel = binary.LittleEndian.AppendUint64(ldel, sd.Segment)
		var words []uint64
		if sd.Deleted != nil {
			words = sd.Deleted.Words()
		}
		ldel = binary.LittleEndian.AppendUint64(ldel, uint64(len(words)))
		ldel = append(ldel, binfile.Uint64Bytes(words)...)
	}
	var buf bytes.Buffer
	w, err := binfile.NewWriter(&buf, StoreMagic, StoreVersion)
	if err != nil {
		return nil, err
	}
	for _, sec := range []struct {
		tag  string
		data []byte
	}{{"HEAD", head}, {"IIDS", binfile.Uint32Bytes(s.IDs)}, {"OFFS", binfile.Uint64Bytes(offs)}, {"DATA", data.Bytes()}, {"LDEL", ldel}} {
		if err := w.Section(sec.tag, sec.data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeStore reads a store written by EncodeStore. The result shares no memory with data.
func DecodeStore(data []byte) (*Store, error) {
	f, err := binfile.Parse(data, StoreMagic, StoreVersion)
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
	headB, dataB, ldelB := sec("HEAD"), sec("DATA"), sec("LDEL")
	if err != nil {
		return nil, err
	}
	var head map[string]uint64
	if err := json.Unmarshal(headB, &head); err != nil {
		return nil, corruption.Errorf("HEAD: %v", err)
	}
	iids, err := f.Uint32s("IIDS", binfile.AnyLength)
	if err != nil {
		return nil, err
	}
	offs, err := f.Uint64s("OFFS", binfile.AnyLength)
	if err != nil {
		return nil, err
	}
	if head["docs"] != uint64(len(iids)) || len(offs) != len(iids)*fieldsPerDoc+1 || head["next_id"] > 1<<32-1 {
		return nil, corruption.Errorf("document counts disagree (head %v, %d ids, %d offsets)", head, len(iids), len(offs))
	}
	s := &Store{NextID: uint32(head["next_id"]), IDs: append([]uint32(nil), iids...), Docs: make([]Record, len(iids))}
	for i := 1; i < len(iids); i++ {
		if iids[i] <= iids[i-1] {
			return nil, corruption.Errorf("internal ids not ascending at %d", i)
		}
	}
	if len(iids) > 0 && iids[len(iids)-1] >= s.NextID {
		return nil, corruption.Errorf("internal id %d beyond next id %d", iids[len(iids)-1], s.NextID)
	}
	if offs[0] != 0 || offs[len(offs)-1] != uint64(len(dataB)) {
		return nil, corruption.Errorf("document data offsets do not cover the data")
	}
	for i := 1; i < len(offs); i++ {
		if offs[i] < offs[i-1] {
			return nil, corruption.Errorf("document data offsets decrease at %d", i)
		}
	}
	field := func(i, f int) string { k := i*fieldsPerDoc + f; return string(dataB[offs[k]:offs[k+1]]) }
	for i := range iids {
		r := Record{ID: field(i, 0), Title: field(i, 1), Content: field(i, 2)}
		if m := field(i, 3); m != "" {
			if err := json.Unmarshal([]byte(m), &r.Metadata); err != nil {
				return nil, corruption.Errorf("document %q metadata: %v", r.ID, err)
			}
		}
		if r.ID == "" {
			return nil, corruption.Errorf("document %d has an empty id", i)
		}
		s.Docs[i] = r
	}
	seen := map[uint64]bool{}
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
		if seen[id] {
			return nil, corruption.Errorf("LDEL lists segment %d twice", id)
		}
		seen[id] = true
		s.Segments = append(s.Segments, SegmentDeletes{Segment: id, Deleted: bitset.FromWords(words)})
	}
	return s, nil
}
