package doccodec

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"

	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// Log record types. A record holds one acknowledged write, complete: replaying it needs no
// embedder and no network, so reopening is deterministic and offline.
const (
	RecUpsert uint8 = 1
	RecDelete uint8 = 2
)

// EncodeUpsert lays out a batch of validated documents: uvarint count, then per document:
// id, title, content, metadata JSON (each uvarint length + bytes), uvarint vector length and
// that many little-endian float32s.
func EncodeUpsert(docs []corpus.Document) ([]byte, error) {
	size := 10
	for i := range docs {
		size += len(docs[i].ID) + len(docs[i].Title) + len(docs[i].Content) + 4*len(docs[i].Vector) + 40
	}
	b := make([]byte, 0, size)
	b = binary.AppendUvarint(b, uint64(len(docs)))
	for i := range docs {
		d := &docs[i]
		meta, err := MarshalMetadata(d.Metadata)
		if err != nil {
			return nil, fmt.Errorf("document %q: field \"metadata\": %w", d.ID, err)
		}
		b = appendString(b, d.ID)
		b = appendString(b, d.Title)
		b = appendString(b, d.Content)
		b = appendString(b, string(meta))
		b = binary.AppendUvarint(b, uint64(len(d.Vector)))
		for _, x := range d.Vector {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
	}
	return b, nil
}

// EncodeDelete lays out a list of ids: uvarint count, then each id as uvarint length + bytes.
func EncodeDelete(ids []string) []byte {
	b := binary.AppendUvarint(nil, uint64(len(ids)))
	for _, id := range ids {
		b = appendString(b, id)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// recordReader decodes the fields of one record, remembering the first error.
type recordReader struct {
	b   []byte
	err error
}

func (r *recordReader) uvarint(max uint64, what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > max {
		r.err = corruption.Errorf("bad %s in log record", what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *recordReader) str(what string) string {
	n := r.uvarint(uint64(len(r.b)), what+" length")
	if r.err == nil && n > uint64(len(r.b)) {
		r.err = corruption.Errorf("%s runs past the end of its log record", what)
	}
	if r.err != nil {
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// DecodeUpsert reads a record written by EncodeUpsert.
func DecodeUpsert(p []byte) ([]corpus.Document, error) {
	r := &recordReader{b: p}
	n := r.uvarint(uint64(len(p)), "document count")
	docs := make([]corpus.Document, 0, min(n, 1<<16))
	for i := uint64(0); i < n && r.err == nil; i++ {
		var d corpus.Document
		d.ID = r.str("id")
		d.Title = r.str("title")
		d.Content = r.str("content")
		meta := r.str("metadata")
		dim := r.uvarint(uint64(len(r.b))/4, "vector length")
		if r.err == nil && dim > uint64(len(r.b))/4 {
			r.err = corruption.Errorf("vector of document %q runs past the end of its log record", d.ID)
		}
		if r.err != nil {
			break
		}
		if meta != "" {
			if err := json.Unmarshal([]byte(meta), &d.Metadata); err != nil {
				return nil, corruption.Errorf("document %q metadata: %v", d.ID, err)
			}
		}
		if dim > 0 {
			d.Vector = make([]float32, dim)
			for j := range d.Vector {
				d.Vector[j] = math.Float32frombits(binary.LittleEndian.Uint32(r.b[4*j:]))
			}
			r.b = r.b[4*dim:]
		}
		docs = append(docs, d)
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = corruption.Errorf("%d trailing bytes in upsert record", len(r.b))
	}
	return docs, r.err
}

// DecodeDelete reads a record written by EncodeDelete.
func DecodeDelete(p []byte) ([]string, error) {
	r := &recordReader{b: p}
	n := r.uvarint(uint64(len(p)), "id count")
	ids := make([]string, 0, min(n, 1<<16))
	for i := uint64(0); i < n && r.err == nil; i++ {
		ids = append(ids, r.str("id"))
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = corruption.Errorf("%d trailing bytes in delete record", len(r.b))
	}
	return ids, r.err
}

// MarshalMetadata encodes metadata as JSON (empty for none). Metadata is normalised through
// JSON on the way in, so what a search returns is what a reopened collection returns.
func MarshalMetadata(m map[string]any) ([]byte, error) {
	if len(m) == 0 {
		return nil, nil
	}
	return json.Marshal(m)
}
