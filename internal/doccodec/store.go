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
//
// Version 2 keeps the documents' ids apart from their other fields, with a hash table over
// them, and writes its bulk sections with chunk checksums, so that a reader can map the file
// and read one document, or find one id, without reading the rest (OpenStore). Version 1
// files (four strings per document in one section) are still read.
const (
	StoreMagic   = "VJRADOCS"
	StoreVersion = 2
)

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

// EncodeStore lays out s in memory (see WriteStore for the layout).
func EncodeStore(s *Store) ([]byte, error) {
	if len(s.IDs) != len(s.Docs) {
		return nil, fmt.Errorf("document store: %d ids for %d documents", len(s.IDs), len(s.Docs))
	}
	var buf bytes.Buffer
	err := WriteStore(&buf, StoreHeader{NextID: s.NextID, Docs: len(s.Docs), Segments: s.Segments}, func(i int) (StoreDoc, error) {
		r := &s.Docs[i]
		meta, err := MarshalMetadata(r.Metadata)
		if err != nil {
			return StoreDoc{}, fmt.Errorf("document %q: metadata: %w", r.ID, err)
		}
		return StoreDoc{IID: s.IDs[i], ID: r.ID, Title: r.Title, Content: r.Content, Metadata: string(meta)}, nil
	})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeStore reads a whole store written by EncodeStore or WriteStore (either version),
// verifying every checksum and every document. The result shares no memory with data.
func DecodeStore(data []byte) (*Store, error) {
	f, err := binfile.Parse(data, StoreMagic, StoreVersion)
	if err != nil {
		return nil, err
	}
	v, err := viewStore(f)
	if err != nil {
		return nil, err
	}
	if err := v.VerifyAll(); err != nil {
		return nil, err
	}
	s := &Store{NextID: v.NextID, IDs: append([]uint32(nil), v.IIDs...), Docs: make([]Record, v.Len()), Segments: v.Segments}
	for i := range s.Docs {
		if s.Docs[i], err = v.Doc(i); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// decodeHead reads the HEAD section: the next internal id and the number of documents.
func decodeHead(b []byte) (nextID uint32, docs int, err error) {
	var head map[string]uint64
	if err := json.Unmarshal(b, &head); err != nil {
		return 0, 0, corruption.Errorf("HEAD: %v", err)
	}
	if head["next_id"] > 1<<32-1 || head["docs"] > head["next_id"] {
		return 0, 0, corruption.Errorf("HEAD: %v", head)
	}
	return uint32(head["next_id"]), int(head["docs"]), nil
}

// decodeDeletes reads the LDEL section: per segment, its id, the number of words of its
// deletion set and the words.
func decodeDeletes(b []byte) ([]SegmentDeletes, error) {
	var out []SegmentDeletes
	seen := map[uint64]bool{}
	for len(b) > 0 {
		if len(b) < 16 {
			return nil, corruption.Errorf("LDEL truncated")
		}
		id := binary.LittleEndian.Uint64(b)
		n := binary.LittleEndian.Uint64(b[8:])
		b = b[16:]
		if n > uint64(len(b))/8 {
			return nil, corruption.Errorf("LDEL segment %d claims %d words", id, n)
		}
		words := make([]uint64, n)
		for j := range words {
			words[j] = binary.LittleEndian.Uint64(b[8*j:])
		}
		b = b[8*n:]
		if seen[id] {
			return nil, corruption.Errorf("LDEL lists segment %d twice", id)
		}
		seen[id] = true
		out = append(out, SegmentDeletes{Segment: id, Deleted: bitset.FromWords(words)})
	}
	return out, nil
}

func encodeDeletes(segs []SegmentDeletes) []byte {
	var ldel []byte
	for _, sd := range segs {
		ldel = binary.LittleEndian.AppendUint64(ldel, sd.Segment)
		var words []uint64
		if sd.Deleted != nil {
			words = sd.Deleted.Words()
		}
		ldel = binary.LittleEndian.AppendUint64(ldel, uint64(len(words)))
		ldel = append(ldel, binfile.Uint64Bytes(words)...)
	}
	return ldel
}
