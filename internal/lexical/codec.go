package lexical

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// Segment encoding: a binfile with magic segMagic, version segVersion and one section per
// Segment slice (see Segment for the layout), all little-endian uint32 arrays except TBYT and
// POST (bytes) and META:
//
//	META: segment ID u64 | documents u32 | terms u32 | blocks u32 | fields u32 |
//	      postings u64 | total weighted length u64 | field weights u32 × fields
const (
	segMagic   = "VJLEXSEG"
	segVersion = 1
	metaFixed  = 40
)

var segTags = [...]string{"META", "DIDS", "DLEN", "TOFF", "TBYT", "TBLK", "TDFS", "BLST", "BOFF", "BIMP", "POST"}

func (s *Segment) sections() [len(segTags)][]byte {
	meta := make([]byte, metaFixed+4*len(s.fieldWeights))
	binary.LittleEndian.PutUint64(meta[0:], s.id)
	binary.LittleEndian.PutUint32(meta[8:], uint32(len(s.ids)))
	binary.LittleEndian.PutUint32(meta[12:], uint32(len(s.termDF)))
	binary.LittleEndian.PutUint32(meta[16:], uint32(len(s.blkLast)))
	binary.LittleEndian.PutUint32(meta[20:], uint32(len(s.fieldWeights)))
	binary.LittleEndian.PutUint64(meta[24:], s.postings)
	binary.LittleEndian.PutUint64(meta[32:], s.totalLen)
	for i, w := range s.fieldWeights {
		binary.LittleEndian.PutUint32(meta[metaFixed+4*i:], w)
	}
	return [...][]byte{
		meta,
		binfile.Uint32Bytes(s.ids),
		binfile.Uint32Bytes(s.docLen),
		binfile.Uint32Bytes(s.termOff),
		s.termBytes,
		binfile.Uint32Bytes(s.termBlk),
		binfile.Uint32Bytes(s.termDF),
		binfile.Uint32Bytes(s.blkLast),
		binfile.Uint32Bytes(s.blkOff),
		binfile.Uint32Bytes(s.blkImp),
		s.post,
	}
}

// Encode writes the segment in its versioned, checksummed binary form. The bytes depend only
// on the segment's contents, so equal segments encode identically.
func (s *Segment) Encode(w io.Writer) error {
	bw, err := binfile.NewWriter(w, segMagic, segVersion)
	if err != nil {
		return fmt.Errorf("encode segment %d: %w", s.id, err)
	}
	for i, payload := range s.sections() {
		if err := bw.Section(segTags[i], payload); err != nil {
			return fmt.Errorf("encode segment %d: section %s: %w", s.id, segTags[i], err)
		}
	}
	if err := bw.Close(); err != nil {
		return fmt.Errorf("encode segment %d: %w", s.id, err)
	}
	return nil
}

// EncodedSize returns the number of bytes Encode writes.
func (s *Segment) EncodedSize() int64 {
	const header, sectionHead, crc, footer = 16, 12, 4, 20
	off := int64(header)
	for _, p := range s.sections() {
		off += sectionHead
		off += (8 - off%8) % 8
		off += int64(len(p)) + crc
	}
	return off + footer
}

// DecodeSegment parses and fully validates an encoded segment. The result may alias data,
// which must then stay unmodified for the segment's lifetime. Errors are marked as corruption
// (damaged or inconsistent data) or binfile.ErrVersion (a newer format); DecodeSegment never
// panics, and a segment it accepts can be searched, explained and merged safely.
func DecodeSegment(data []byte) (*Segment, error) {
	s, err := decodeSegment(data)
	if err != nil {
		return nil, fmt.Errorf("decode segment: %w", err)
	}
	return s, nil
}

func decodeSegment(data []byte) (*Segment, error) {
	f, err := binfile.Parse(data, segMagic, segVersion)
	if err != nil {
		return nil, err
	}
	var sec [len(segTags)][]byte
	for i, tag := range segTags {
		if sec[i], err = f.Section(tag); err != nil {
			return nil, err
		}
	}
	if n := len(f.Tags()); n != len(segTags) {
		return nil, corruption.Errorf("%d sections, want %d", n, len(segTags))
	}
	meta := sec[0]
	if len(meta) < metaFixed {
		return nil, corruption.Errorf("META has %d bytes", len(meta))
	}
	s := &Segment{
		id:       binary.LittleEndian.Uint64(meta[0:]),
		postings: binary.LittleEndian.Uint64(meta[24:]),
		totalLen: binary.LittleEndian.Uint64(meta[32:]),
	}
	nDocs := binary.LittleEndian.Uint32(meta[8:])
	nTerms := binary.LittleEndian.Uint32(meta[12:])
	nBlocks := binary.LittleEndian.Uint32(meta[16:])
	nf := binary.LittleEndian.Uint32(meta[20:])
	if nf < 1 || nf > MaxFields || len(meta) != metaFixed+4*int(nf) {
		return nil, corruption.Errorf("%d fields in a %d-byte META", nf, len(meta))
	}
	s.fieldWeights = make([]uint32, nf)
	for i := range s.fieldWeights {
		w := binary.LittleEndian.Uint32(meta[metaFixed+4*i:])
		if w < 1 || w > MaxFieldWeight {
			return nil, corruption.Errorf("field %d has weight %d", i, w)
		}
		s.fieldWeights[i] = w
	}
	if nDocs == 0 || nDocs == math.MaxUint32 {
		return nil, corruption.Errorf("%d documents", nDocs)
	}

	u32 := func(i int, want uint64) ([]uint32, error) {
		if want > math.MaxInt {
			return nil, corruption.Errorf("section %s: %d entries", segTags[i], want)
		}
		return f.Uint32s(segTags[i], int(want))
	}
	if s.ids, err = u32(1, uint64(nDocs)); err != nil {
		return nil, err
	}
	if s.docLen, err = u32(2, uint64(nDocs)); err != nil {
		return nil, err
	}
	if s.termOff, err = u32(3, uint64(nTerms)+1); err != nil {
		return nil, err
	}
	s.termBytes = sec[4]
	if s.termBlk, err = u32(5, uint64(nTerms)+1); err != nil {
		return nil, err
	}
	if s.termDF, err = u32(6, uint64(nTerms)); err != nil {
		return nil, err
	}
	if s.blkLast, err = u32(7, uint64(nBlocks)); err != nil {
		return nil, err
	}
	if s.blkOff, err = u32(8, uint64(nBlocks)+1); err != nil {
		return nil, err
	}
	if s.blkImp, err = u32(9, uint64(nBlocks)*impactWords); err != nil {
		return nil, err
	}
	s.post = sec[10]
	if err := s.validate(); err != nil {
		return nil, err
	}
	s.buildTermIndex()
	return s, nil
}

// validate checks every invariant the search code relies on, decoding all postings once.
func (s *Segment) validate() error {
	var total uint64
	for i, id := range s.ids {
		if i > 0 && id <= s.ids[i-1] {
			return corruption.Errorf("document IDs not increasing at ordinal %d", i)
		}
		total += uint64(s.docLen[i])
	}
	if total != s.totalLen {
		return corruption.Errorf("document lengths add up to %d, META says %d", total, s.totalLen)
	}

	nTerms := len(s.termDF)
	if s.termOff[0] != 0 || int(s.termOff[nTerms]) != len(s.termBytes) {
		return corruption.Errorf("term offsets do not span the term bytes")
	}
	for t := 0; t < nTerms; t++ {
		if s.termOff[t+1] < s.termOff[t] || int(s.termOff[t+1]) > len(s.termBytes) {
			return corruption.Errorf("term offsets decrease at term %d", t)
		}
		if t > 0 && bytes.Compare(s.term(t-1), s.term(t)) >= 0 {
			return corruption.Errorf("terms not strictly increasing at term %d", t)
		}
	}

	nBlocks := len(s.blkLast)
	if s.termBlk[0] != 0 || int(s.termBlk[nTerms]) != nBlocks {
		return corruption.Errorf("term block ranges do not span the blocks")
	}
	if s.blkOff[0] != 0 || uint64(s.blkOff[nBlocks])+unpackPad != uint64(len(s.post)) {
		return corruption.Errorf("block offsets do not span the postings")
	}
	for _, b := range s.post[len(s.post)-unpackPad:] {
		if b != 0 {
			return corruption.Errorf("postings padding is not zero")
		}
	}
	for b := 0; b < nBlocks; b++ {
		if s.blkOff[b+1] <= s.blkOff[b] {
			return corruption.Errorf("block offsets not increasing at block %d", b)
		}
	}

	nf := s.numFields()
	hdr := s.headerLen()
	var postings uint64
	var docs, tfs [blockSize]uint32
	ftfs := make([]uint32, blockSize*nf)
	for t := 0; t < nTerms; t++ {
		df := uint64(s.termDF[t])
		first, end := int(s.termBlk[t]), int(s.termBlk[t+1])
		if df == 0 || end < first || uint64(end-first) != (df+blockSize-1)/blockSize {
			return corruption.Errorf("term %d: %d postings in %d blocks", t, df, end-first)
		}
		postings += df
		for b := first; b < end; b++ {
			n := s.blockLen(t, b)
			off := int(s.blkOff[b])
			size := int(s.blkOff[b+1]) - off
			if size < hdr {
				return corruption.Errorf("block %d is %d bytes", b, size)
			}
			want := hdr + packedLen(n, s.post[off]) + packedLen(n, s.post[off+1])
			if s.post[off] > 32 || s.post[off+1] > 32 {
				return corruption.Errorf("block %d has widths %d/%d", b, s.post[off], s.post[off+1])
			}
			if nf > 1 {
				for f := range nf {
					wdt := s.post[off+2+f]
					if wdt > 32 {
						return corruption.Errorf("block %d field %d has width %d", b, f, wdt)
					}
					want += packedLen(n, wdt)
				}
			}
			if size != want {
				return corruption.Errorf("block %d is %d bytes, its widths need %d", b, size, want)
			}
			// Ordinals: recompute in 64 bits to catch wrap-around.
			base := uint64(0)
			if b > first {
				base = uint64(s.blkLast[b-1]) + 1
			}
			unpack(docs[:n], s.post[off+hdr:], s.post[off], 0)
			prev := int64(-1)
			if b > first {
				prev = int64(s.blkLast[b-1])
			}
			for i := range n {
				d := base + uint64(docs[i])
				if int64(d) <= prev || d >= uint64(len(s.ids)) {
					return corruption.Errorf("block %d: ordinal %d out of order or beyond %d documents", b, d, len(s.ids))
				}
				prev = int64(d)
				docs[i] = uint32(d)
			}
			if docs[n-1] != s.blkLast[b] {
				return corruption.Errorf("block %d ends at %d, the block table says %d", b, docs[n-1], s.blkLast[b])
			}
			tfOff := off + hdr + packedLen(n, s.post[off])
			unpack(tfs[:n], s.post[tfOff:], s.post[off+1], 0)
			for i := range n {
				if tfs[i] == math.MaxUint32 {
					return corruption.Errorf("block %d: tf overflows", b)
				}
				tfs[i]++
			}
			s.decodeFieldTFs(b, n, tfOff, tfs[:], ftfs)
			blkImp := s.blkImp[b*impactWords : (b+1)*impactWords]
			for i := range n {
				tf, dl := tfs[i], s.docLen[docs[i]]
				var sum uint64
				for f := range nf {
					sum += uint64(s.fieldWeights[f]) * uint64(ftfs[i*nf+f])
				}
				if sum != uint64(tf) || tf > dl {
					return corruption.Errorf("block %d: tf %d inconsistent with field tfs (%d) or length %d", b, tf, sum, dl)
				}
				if !dominated(blkImp, tf, dl) {
					return corruption.Errorf("block %d: impacts do not bound posting (tf %d, dl %d)", b, tf, dl)
				}
			}
		}
	}
	if postings != s.postings {
		return corruption.Errorf("%d postings, META says %d", postings, s.postings)
	}
	return nil
}
