package lexical

import (
	"hash/maphash"
	"math"
	"slices"
)

// blockSize is the number of postings per compressed block; the last block of a term may be
// shorter.
const blockSize = 128

// noDoc marks an exhausted postings cursor. Segments hold fewer than 2^32−1 documents, so no
// ordinal equals it.
const noDoc = math.MaxUint32

// Segment is an immutable set of documents with a sorted term dictionary and block-compressed
// postings. Documents are addressed inside a segment by ordinal (0..Len()−1, in ID order);
// postings, lengths and deletion sets use ordinals.
//
// Layout (each slice is a section of the encoding and may alias decoded bytes):
//   - ids, docLen: per ordinal, the document ID and the weighted length Σ w_f·len_f.
//   - termOff, termBytes: the sorted terms, term t is termBytes[termOff[t]:termOff[t+1]].
//   - termBlk, termDF: per term, its blocks are termBlk[t]..termBlk[t+1]−1, and its
//     document frequency.
//   - blkLast, blkOff, blkImp: per block, the last ordinal it holds, the byte offset of its
//     data in post (blkOff has one extra entry marking the end), and its impacts.
//   - post: block data followed by unpackPad zero bytes. A block is a header (ordinal
//     width, tf width, and one width per field when there are several fields) and then
//     bit-packed columns: ordinals as offsets from the block's base (one past the previous
//     block's last ordinal, or 0), tf minus one, then each field's raw tf. Offsets rather
//     than deltas cost a few bits per posting but need no prefix sum and allow looking a
//     posting up in place, without decoding the block.
type Segment struct {
	id           uint64
	fieldWeights []uint32
	ids          []uint32
	docLen       []uint32
	totalLen     uint64
	termOff      []uint32
	termBytes    []byte
	termBlk      []uint32
	termDF       []uint32
	blkLast      []uint32
	blkOff       []uint32
	blkImp       []uint32
	post         []byte
	postings     uint64
	termIndex    []uint32 // hash index over the terms, see lookup
	termSeed     maphash.Seed
	lazy         *lazyChecks // for a segment opened in place (OpenSegment); nil otherwise
}

// ID returns the segment's identifier. IDs increase monotonically within an Index: a merged
// segment gets a fresh, larger ID.
func (s *Segment) ID() uint64 { return s.id }

// WithID returns the segment under another identifier, sharing its (immutable) contents. A
// caller that stores segments in files named after their IDs renumbers them with it, so that
// names never repeat where another index's segments lived.
func (s *Segment) WithID(id uint64) *Segment {
	c := *s
	c.id = id
	return &c
}

// Len returns the number of documents in the segment, deleted ones included.
func (s *Segment) Len() int { return len(s.ids) }

// MinDoc returns the smallest document ID in the segment.
func (s *Segment) MinDoc() uint32 { return s.ids[0] }

// MaxDoc returns the largest document ID in the segment.
func (s *Segment) MaxDoc() uint32 { return s.ids[len(s.ids)-1] }

// DocID returns the document ID at ordinal ord (0 <= ord < Len()).
func (s *Segment) DocID(ord int) uint32 { return s.ids[ord] }

// Ord returns the ordinal of document id, or false when the segment does not hold it.
func (s *Segment) Ord(id uint32) (int, bool) { return slices.BinarySearch(s.ids, id) }

// Terms returns the number of distinct terms in the segment.
func (s *Segment) Terms() int { return len(s.termDF) }

// Postings returns the number of postings (document–term pairs) in the segment.
func (s *Segment) Postings() uint64 { return s.postings }

// FieldWeights returns the field weights the segment was built with; an Index only accepts
// segments whose weights equal its options'.
func (s *Segment) FieldWeights() []int {
	fw := make([]int, len(s.fieldWeights))
	for i, w := range s.fieldWeights {
		fw[i] = int(w)
	}
	return fw
}

// PostingsBytes returns the size of the compressed postings data.
func (s *Segment) PostingsBytes() int { return len(s.post) - unpackPad }

func (s *Segment) numFields() int { return len(s.fieldWeights) }

func (s *Segment) term(t int) []byte { return s.termBytes[s.termOff[t]:s.termOff[t+1]] }

// lookup returns the index of term in the dictionary, or −1, through the in-memory hash
// index (built when the segment is built or decoded; it is not part of the encoding, and an
// opened segment has none: see find).
func (s *Segment) lookup(term string) int {
	slots := s.termIndex
	if len(slots) == 0 {
		return -1
	}
	mask := uint64(len(slots) - 1)
	for i := maphash.String(s.termSeed, term) & mask; ; i = (i + 1) & mask {
		t := slots[i]
		if t == 0 {
			return -1
		}
		if string(s.term(int(t-1))) == term {
			return int(t - 1)
		}
	}
}

// buildTermIndex builds the open-addressing hash index lookup uses: a power-of-two table at
// most half full, holding term index + 1 (0 is empty).
func (s *Segment) buildTermIndex() {
	n := len(s.termDF)
	if n == 0 {
		s.termIndex = nil
		return
	}
	size := 4
	for size < 2*n {
		size *= 2
	}
	s.termSeed = maphash.MakeSeed()
	slots := make([]uint32, size)
	mask := uint64(size - 1)
	for t := range n {
		i := maphash.Bytes(s.termSeed, s.term(t)) & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = uint32(t) + 1
	}
	s.termIndex = slots
}

// blockLen returns the number of postings in block b of term t.
func (s *Segment) blockLen(t, b int) int {
	return min(blockSize, int(s.termDF[t])-(b-int(s.termBlk[t]))*blockSize)
}

// headerLen is the size of a block header.
func (s *Segment) headerLen() int {
	if s.numFields() > 1 {
		return 2 + s.numFields()
	}
	return 2
}

// blockBase is the ordinal block b's offsets are relative to: one past the previous block's
// last ordinal, or 0 for a term's first block.
func (s *Segment) blockBase(b, first int) uint32 {
	if b == first {
		return 0
	}
	return s.blkLast[b-1] + 1
}

// decodeDocs decodes the ordinals of block b (which holds n postings and belongs to the term
// whose first block is first) into docs, and returns the offset of the tf column in post.
func (s *Segment) decodeDocs(b, first, n int, docs []uint32) int {
	off := int(s.blkOff[b])
	width := s.post[off]
	data := off + s.headerLen()
	unpack(docs[:n], s.post[data:], width, s.blockBase(b, first))
	return data + packedLen(n, width)
}

// decodeTFs decodes the tf column of block b, which starts at tfOff, into tfs.
func (s *Segment) decodeTFs(b, n, tfOff int, tfs []uint32) {
	unpack(tfs[:n], s.post[tfOff:], s.post[int(s.blkOff[b])+1], 1)
}

// decodeFieldTFs decodes the per-field tfs of block b into ftfs (n·numFields values, field
// minor). tfs must already hold the block's tfs; with one field they are divided by its
// weight.
func (s *Segment) decodeFieldTFs(b, n, tfOff int, tfs, ftfs []uint32) {
	nf := s.numFields()
	if nf == 1 {
		for i := range n {
			ftfs[i] = tfs[i] / s.fieldWeights[0]
		}
		return
	}
	off := int(s.blkOff[b])
	col := tfOff + packedLen(n, s.post[off+1])
	var vals [blockSize]uint32
	for f := range nf {
		width := s.post[off+2+f]
		unpack(vals[:n], s.post[col:], width, 0)
		for i := range n {
			ftfs[i*nf+f] = vals[i]
		}
		col += packedLen(n, width)
	}
}

// refAvgdl is the reference mean length used to choose which impact points to keep.
func refAvgdl(totalLen uint64, n int) float64 {
	if n == 0 || totalLen == 0 {
		return 1
	}
	return float64(totalLen) / float64(n)
}
