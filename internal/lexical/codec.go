package lexical

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// Segment encoding: a binfile with magic segMagic and one section per Segment slice (see
// Segment for the layout), all little-endian uint32 arrays except TBYT and POST (bytes) and
// META:
//
//	META: segment ID u64 | documents u32 | terms u32 | blocks u32 | fields u32 |
//	      postings u64 | total weighted length u64 | field weights u32 × fields
//
// Version 2 writes every section but META with chunk checksums (binfile.SectionChunked), so
// that OpenSegment can map a segment and verify each part as a search first reads it.
// Version 1 files, which lack them, are still read, wholly and at once.
const (
	segMagic   = "VJLEXSEG"
	segVersion = 2
	metaFixed  = 40
)

var segTags = [...]string{"META", "DIDS", "DLEN", "TOFF", "TBYT", "TBLK", "TDFS", "BLST", "BOFF", "BIMP", "POST"}

// Indexes of the sections in segTags.
const (
	secMeta = iota
	secIDs
	secDocLen
	secTermOff
	secTermBytes
	secTermBlk
	secTermDF
	secBlkLast
	secBlkOff
	secBlkImp
	secPost
)

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
// on the segment's contents, so equal segments encode identically. A segment opened with
// OpenSegment is verified completely first, so that damage is never copied under fresh
// checksums.
func (s *Segment) Encode(w io.Writer) error {
	if err := s.VerifyAll(); err != nil {
		return fmt.Errorf("encode segment %d: %w", s.id, err)
	}
	bw, err := binfile.NewWriter(w, segMagic, segVersion)
	if err != nil {
		return fmt.Errorf("encode segment %d: %w", s.id, err)
	}
	for i, payload := range s.sections() {
		if i == secMeta {
			err = bw.Section(segTags[i], payload)
		} else {
			err = bw.SectionChunked(segTags[i], payload, binfile.DefaultChunk)
		}
		if err != nil {
			return fmt.Errorf("encode segment %d: section %s: %w", s.id, segTags[i], err)
		}
	}
	if err := bw.Close(); err != nil {
		return fmt.Errorf("encode segment %d: %w", s.id, err)
	}
	return nil
}

// EncodedSize returns the number of bytes Encode writes (for an opened segment, the size of
// the file it was opened from).
func (s *Segment) EncodedSize() int64 {
	if s.lazy != nil {
		return s.lazy.size
	}
	const header, sectionHead, crc, footer = 16, 12, 4, 20
	off := int64(header)
	section := func(n int64) {
		off += sectionHead
		off += (8 - off%8) % 8
		off += n + crc
	}
	sums := int64(0)
	for i, p := range s.sections() {
		section(int64(len(p)))
		if i != secMeta {
			sums += 12 + 4*((int64(len(p))+binfile.DefaultChunk-1)/binfile.DefaultChunk)
		}
	}
	section(sums)
	return off + footer
}

// DecodeSegment parses and fully validates an encoded segment, reading all of it. The result
// may alias data, which must then stay unmodified for the segment's lifetime. Errors are
// marked as corruption (damaged or inconsistent data) or binfile.ErrVersion (a newer format);
// DecodeSegment never panics, and a segment it accepts can be searched, explained and merged
// safely.
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
	s, _, err := segmentFromFile(f)
	if err != nil {
		return nil, err
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	s.buildTermIndex()
	return s, nil
}

// segmentFromFile views the sections of a parsed segment file, checking their sizes against
// META (which is verified: ParseLayout checks the sections without chunk checksums). The
// contents of the other sections are not checked.
func segmentFromFile(f *binfile.File) (*Segment, [len(segTags)]*binfile.Checked, error) {
	var sec [len(segTags)]*binfile.Checked
	var err error
	for i, tag := range segTags {
		if sec[i], err = f.Checked(tag); err != nil {
			return nil, sec, err
		}
	}
	if n := len(f.Tags()); n != len(segTags) {
		return nil, sec, corruption.Errorf("%d sections, want %d", n, len(segTags))
	}
	if f.Chunked(segTags[secMeta]) {
		return nil, sec, corruption.Errorf("META has chunk checksums")
	}
	meta := sec[secMeta].Bytes()
	if len(meta) < metaFixed {
		return nil, sec, corruption.Errorf("META has %d bytes", len(meta))
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
		return nil, sec, corruption.Errorf("%d fields in a %d-byte META", nf, len(meta))
	}
	s.fieldWeights = make([]uint32, nf)
	for i := range s.fieldWeights {
		w := binary.LittleEndian.Uint32(meta[metaFixed+4*i:])
		if w < 1 || w > MaxFieldWeight {
			return nil, sec, corruption.Errorf("field %d has weight %d", i, w)
		}
		s.fieldWeights[i] = w
	}
	if nDocs == 0 || nDocs == math.MaxUint32 {
		return nil, sec, corruption.Errorf("%d documents", nDocs)
	}

	u32 := func(i int, want uint64) ([]uint32, error) {
		if want > math.MaxInt {
			return nil, corruption.Errorf("section %s: %d entries", segTags[i], want)
		}
		return f.Uint32s(segTags[i], int(want))
	}
	for _, v := range []struct {
		dst  *[]uint32
		sec  int
		want uint64
	}{
		{&s.ids, secIDs, uint64(nDocs)},
		{&s.docLen, secDocLen, uint64(nDocs)},
		{&s.termOff, secTermOff, uint64(nTerms) + 1},
		{&s.termBlk, secTermBlk, uint64(nTerms) + 1},
		{&s.termDF, secTermDF, uint64(nTerms)},
		{&s.blkLast, secBlkLast, uint64(nBlocks)},
		{&s.blkOff, secBlkOff, uint64(nBlocks) + 1},
		{&s.blkImp, secBlkImp, uint64(nBlocks) * impactWords},
	} {
		if *v.dst, err = u32(v.sec, v.want); err != nil {
			return nil, sec, err
		}
	}
	s.termBytes = sec[secTermBytes].Bytes()
	s.post = sec[secPost].Bytes()
	if len(s.post) < unpackPad {
		return nil, sec, corruption.Errorf("postings of %d bytes", len(s.post))
	}
	return s, sec, nil
}
