package lexical

import (
	"bytes"
	"math"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// validate checks every invariant the search code relies on, decoding all postings once.
func (s *Segment) validate() error {
	if err := s.checkDocs(); err != nil {
		return err
	}
	if err := s.checkBounds(); err != nil {
		return err
	}
	var postings uint64
	ftfs := make([]uint32, blockSize*s.numFields())
	for t := range len(s.termDF) {
		if err := s.checkTermEntry(t); err != nil {
			return err
		}
		if t > 0 && bytes.Compare(s.term(t-1), s.term(t)) >= 0 {
			return corruption.Errorf("terms not strictly increasing at term %d", t)
		}
		if err := s.checkTermBlocks(t, ftfs); err != nil {
			return err
		}
		postings += uint64(s.termDF[t])
	}
	if postings != s.postings {
		return corruption.Errorf("%d postings, META says %d", postings, s.postings)
	}
	return nil
}

// checkDocs checks the per-document arrays: increasing IDs, lengths adding up to META's total.
func (s *Segment) checkDocs() error {
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
	return nil
}

// checkBounds checks the first and last entries of the dictionary and block tables, which
// every per-term check relies on.
func (s *Segment) checkBounds() error {
	nTerms, nBlocks := len(s.termDF), len(s.blkLast)
	if s.termOff[0] != 0 || int(s.termOff[nTerms]) != len(s.termBytes) {
		return corruption.Errorf("term offsets do not span the term bytes")
	}
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
	return nil
}

// checkTermEntry checks term t's dictionary entry: its bytes and its block range lie inside
// their arrays, and the range holds as many blocks as its document frequency needs.
func (s *Segment) checkTermEntry(t int) error {
	if s.termOff[t+1] < s.termOff[t] || int(s.termOff[t+1]) > len(s.termBytes) {
		return corruption.Errorf("term offsets decrease at term %d", t)
	}
	df := uint64(s.termDF[t])
	first, end := s.termBlk[t], s.termBlk[t+1]
	if df == 0 || end < first || int(end) > len(s.blkLast) || uint64(end-first) != (df+blockSize-1)/blockSize {
		return corruption.Errorf("term %d: %d postings in blocks %d to %d", t, df, first, end)
	}
	return nil
}

// checkTermBlocks checks the blocks of term t, whose entry checkTermEntry accepted: their
// offsets, widths and sizes, and every posting (ordinals increasing and inside the segment,
// tfs consistent with the field tfs and the document's length, impacts bounding them).
// ftfs is scratch of blockSize·numFields values.
func (s *Segment) checkTermBlocks(t int, ftfs []uint32) error {
	nf := s.numFields()
	hdr := s.headerLen()
	limit := len(s.post) - unpackPad
	var docs, tfs [blockSize]uint32
	first, end := int(s.termBlk[t]), int(s.termBlk[t+1])
	for b := first; b < end; b++ {
		if s.blkOff[b+1] <= s.blkOff[b] || int(s.blkOff[b+1]) > limit {
			return corruption.Errorf("block offsets not increasing at block %d", b)
		}
		n := s.blockLen(t, b)
		off := int(s.blkOff[b])
		size := int(s.blkOff[b+1]) - off
		if size < hdr {
			return corruption.Errorf("block %d is %d bytes", b, size)
		}
		if s.post[off] > 32 || s.post[off+1] > 32 {
			return corruption.Errorf("block %d has widths %d/%d", b, s.post[off], s.post[off+1])
		}
		want := hdr + packedLen(n, s.post[off]) + packedLen(n, s.post[off+1])
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
		prev := int64(-1)
		if b > first {
			base = uint64(s.blkLast[b-1]) + 1
			prev = int64(s.blkLast[b-1])
		}
		unpack(docs[:n], s.post[off+hdr:], s.post[off], 0)
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
	return nil
}
