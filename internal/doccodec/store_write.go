package doccodec

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/vajrasearch/vajra/internal/binfile"
)

// StoreHeader is what a store holds besides its documents.
type StoreHeader struct {
	// NextID is the internal id the next document will get.
	NextID uint32
	// Docs is the number of documents.
	Docs int
	// Segments lists every lexical segment of the snapshot, once each, with its deletions.
	Segments []SegmentDeletes
}

// StoreDoc is one document as a store lays it out: its internal id, its fields, and its
// metadata as JSON ("" for none).
type StoreDoc struct {
	IID                uint32
	ID, Title, Content string
	Metadata           string
}

// Number of DOFF entries per document: title, content and metadata.
const fieldsPerDoc = 3

// WriteStore writes a store of h.Docs documents, which doc returns by position, in ascending
// internal id order, without holding their contents in memory: doc is called a few times per
// document, and each call's strings are only read before the next call. The layout (all
// numbers little-endian):
//
//	HEAD  JSON: next_id, docs
//	IIDS  uint32 per document: internal ids, strictly ascending, below next_id
//	KIDX  uint32 slots of an open-addressing hash table over the ids (FNV-1a, linear
//	      probing, a power of two at least twice the documents): position + 1, or 0
//	KOFF  uint64 × (docs+1): where each id starts in KEYS, and the end
//	DOFF  uint64 × (3·docs+1): where each title, content and metadata starts in DATA, and the end
//	KEYS  the ids' bytes
//	DATA  each document's title, content and metadata JSON
//	LDEL  per lexical segment: id uint64, words uint64, the deletion set's words
//
// Every section but HEAD, IIDS and LDEL carries chunk checksums. The bytes depend only on the
// documents, so equal stores encode identically.
func WriteStore(w io.Writer, h StoreHeader, doc func(i int) (StoreDoc, error)) error {
	n := h.Docs
	koff := make([]uint64, n+1)
	doff := make([]uint64, fieldsPerDoc*n+1)
	iids := make([]uint32, n)
	kidx := make([]uint32, tableSize(n))
	var keys, data uint64
	for i := range n {
		d, err := doc(i)
		if err != nil {
			return err
		}
		if d.ID == "" {
			return fmt.Errorf("document store: document %d has an empty id", i)
		}
		if i > 0 && d.IID <= iids[i-1] || d.IID >= h.NextID {
			return fmt.Errorf("document store: internal id %d out of order or beyond %d", d.IID, h.NextID)
		}
		iids[i] = d.IID
		keys += uint64(len(d.ID))
		koff[i+1] = keys
		for f, s := range [fieldsPerDoc]string{d.Title, d.Content, d.Metadata} {
			data += uint64(len(s))
			doff[fieldsPerDoc*i+f+1] = data
		}
		insertKey(kidx, d.ID, uint32(i))
	}
	head, err := json.Marshal(map[string]uint64{"next_id": uint64(h.NextID), "docs": uint64(n)})
	if err != nil {
		return err
	}
	bw, err := binfile.NewWriter(w, StoreMagic, StoreVersion)
	if err != nil {
		return err
	}
	fail := func(tag string, err error) error { return fmt.Errorf("document store: section %s: %w", tag, err) }
	for _, s := range []struct {
		tag     string
		payload []byte
		chunked bool
	}{
		{"HEAD", head, false},
		{"IIDS", binfile.Uint32Bytes(iids), false},
		{"KIDX", binfile.Uint32Bytes(kidx), true},
		{"KOFF", binfile.Uint64Bytes(koff), true},
		{"DOFF", binfile.Uint64Bytes(doff), true},
	} {
		if s.chunked {
			err = bw.SectionChunked(s.tag, s.payload, binfile.DefaultChunk)
		} else {
			err = bw.Section(s.tag, s.payload)
		}
		if err != nil {
			return fail(s.tag, err)
		}
	}
	if err := bw.SectionFrom("KEYS", keys, binfile.DefaultChunk, func(out io.Writer) error {
		return eachDoc(n, doc, func(d *StoreDoc) error {
			_, err := io.WriteString(out, d.ID)
			return err
		})
	}); err != nil {
		return fail("KEYS", err)
	}
	if err := bw.SectionFrom("DATA", data, binfile.DefaultChunk, func(out io.Writer) error {
		return eachDoc(n, doc, func(d *StoreDoc) error {
			for _, s := range [fieldsPerDoc]string{d.Title, d.Content, d.Metadata} {
				if _, err := io.WriteString(out, s); err != nil {
					return err
				}
			}
			return nil
		})
	}); err != nil {
		return fail("DATA", err)
	}
	if err := bw.Section("LDEL", encodeDeletes(h.Segments)); err != nil {
		return fail("LDEL", err)
	}
	return bw.Close()
}

func eachDoc(n int, doc func(int) (StoreDoc, error), fn func(*StoreDoc) error) error {
	for i := range n {
		d, err := doc(i)
		if err != nil {
			return err
		}
		if err := fn(&d); err != nil {
			return err
		}
	}
	return nil
}

// tableSize is the number of slots of the id hash table for n documents: a power of two at
// least 2n, so that probes stay short; none for no documents.
func tableSize(n int) int {
	if n == 0 {
		return 0
	}
	size := 4
	for size < 2*n && size < math.MaxInt/2 {
		size *= 2
	}
	return size
}

// keyHash is 64-bit FNV-1a: fixed, so that equal stores encode identically.
func keyHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// insertKey puts position pos in the first free slot of key's probe sequence. Ids are
// unique, so no slot is compared.
func insertKey(slots []uint32, key string, pos uint32) {
	mask := uint64(len(slots) - 1)
	i := keyHash(key) & mask
	for slots[i] != 0 {
		i = (i + 1) & mask
	}
	slots[i] = pos + 1
}
