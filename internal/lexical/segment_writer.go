package lexical

import (
	"fmt"
	"math"
	"slices"
)

// segmentWriter assembles a Segment term by term, in sorted term order. Building from
// documents and merging segments both feed it, so both produce the same layout.
type segmentWriter struct {
	seg      *Segment
	refAvgdl float64
	// scratch
	blockFront   []impact
	offsets, col [blockSize]uint32
}

// newSegmentWriter starts a segment whose documents (ids, docLen) are already known.
func newSegmentWriter(id uint64, fw []uint32, ids, docLen []uint32) *segmentWriter {
	var total uint64
	for _, l := range docLen {
		total += uint64(l)
	}
	return &segmentWriter{
		seg: &Segment{
			id:           id,
			fieldWeights: fw,
			ids:          ids,
			docLen:       docLen,
			totalLen:     total,
			termOff:      []uint32{0},
			termBlk:      []uint32{0},
			blkOff:       []uint32{0},
		},
		refAvgdl: refAvgdl(total, len(ids)),
	}
}

// reserve sizes the segment's arrays for terms terms of termBytes bytes in total and about
// postings postings, so that appending does not keep copying them.
func (w *segmentWriter) reserve(terms, termBytes, postings int) {
	s := w.seg
	blocks := terms + postings/blockSize
	s.termOff = slices.Grow(s.termOff, terms)
	s.termBytes = slices.Grow(s.termBytes, termBytes)
	s.termBlk = slices.Grow(s.termBlk, terms)
	s.termDF = slices.Grow(s.termDF, terms)
	s.blkLast = slices.Grow(s.blkLast, blocks)
	s.blkOff = slices.Grow(s.blkOff, blocks)
	s.blkImp = slices.Grow(s.blkImp, blocks*impactWords)
	s.post = slices.Grow(s.post, 3*postings+4*blocks+unpackPad)
}

// addTerm appends one term with its postings: increasing ordinals, weighted tfs (>= 1) and
// per-field tfs (len(ords)·numFields values, field minor). Terms must come in increasing
// order; a term without postings is skipped.
func (w *segmentWriter) addTerm(term []byte, ords, tfs, ftfs []uint32) error {
	s := w.seg
	df := len(ords)
	if df == 0 {
		return nil
	}
	if uint64(len(s.termBytes))+uint64(len(term)) > math.MaxUint32 {
		return fmt.Errorf("%w: term dictionary exceeds 4 GiB", ErrTooLarge)
	}
	s.termBytes = append(s.termBytes, term...)
	s.termOff = append(s.termOff, uint32(len(s.termBytes)))
	s.termDF = append(s.termDF, uint32(df))
	nf := s.numFields()
	prev := uint32(math.MaxUint32)
	for start := 0; start < df; start += blockSize {
		end := min(start+blockSize, df)
		if err := w.writeBlock(prev, ords[start:end], tfs[start:end], ftfs[start*nf:end*nf]); err != nil {
			return err
		}
		prev = ords[end-1]
	}
	s.termBlk = append(s.termBlk, uint32(len(s.blkLast)))
	s.postings += uint64(df)
	return nil
}

func (w *segmentWriter) writeBlock(prev uint32, ords, tfs, ftfs []uint32) error {
	s := w.seg
	n := len(ords)
	nf := s.numFields()
	base := prev + 1 // prev is MaxUint32 before a term's first block: base 0
	maxOff := ords[n-1] - base
	var maxTF uint32
	w.blockFront = w.blockFront[:0]
	for i, o := range ords {
		w.offsets[i] = o - base
		maxTF = max(maxTF, tfs[i]-1)
		w.blockFront = addImpact(w.blockFront, impact{tfs[i], s.docLen[o]})
	}
	docWidth, tfWidth := bitWidth(maxOff), bitWidth(maxTF)
	s.post = append(s.post, docWidth, tfWidth)
	var fieldWidths [MaxFields]uint8
	if nf > 1 {
		for f := range nf {
			var m uint32
			for i := range n {
				m = max(m, ftfs[i*nf+f])
			}
			fieldWidths[f] = bitWidth(m)
		}
		s.post = append(s.post, fieldWidths[:nf]...)
	}
	s.post = appendPacked(s.post, w.offsets[:n], docWidth)
	for i, tf := range tfs {
		w.col[i] = tf - 1
	}
	s.post = appendPacked(s.post, w.col[:n], tfWidth)
	if nf > 1 {
		for f := range nf {
			for i := range n {
				w.col[i] = ftfs[i*nf+f]
			}
			s.post = appendPacked(s.post, w.col[:n], fieldWidths[f])
		}
	}
	if uint64(len(s.post))+unpackPad > math.MaxUint32 {
		return fmt.Errorf("%w: postings exceed 4 GiB", ErrTooLarge)
	}
	s.blkLast = append(s.blkLast, ords[n-1])
	s.blkOff = append(s.blkOff, uint32(len(s.post)))
	s.blkImp = reduceImpacts(s.blkImp, w.blockFront, w.refAvgdl)
	return nil
}

// finish seals the segment.
func (w *segmentWriter) finish() *Segment {
	s := w.seg
	s.post = append(s.post, make([]byte, unpackPad)...)
	// Non-nil empty slices keep the segment's shape uniform for encoding.
	if s.termBytes == nil {
		s.termBytes = []byte{}
	}
	s.buildTermIndex()
	return s
}
