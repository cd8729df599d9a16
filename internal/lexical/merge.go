package lexical

import (
	"bytes"
	"fmt"
	"slices"
)

// maxSegmentsPerFactor bounds the number of segments at MergeFactor·maxSegmentsPerFactor:
// beyond that, the smallest run of MergeFactor adjacent segments is merged even if their
// sizes differ (deletes can leave size classes interleaved so that no run qualifies).
const maxSegmentsPerFactor = 8

// applyMergePolicy drops segments without live documents and merges until no rule applies,
// giving merged segments IDs from nextID on. It returns the new list and the next free ID.
//
// The policy is a log-structured one over adjacent segments, so segments keep disjoint,
// increasing ID ranges (the search relies on visiting documents in ID order):
//  1. a segment with more than half of its documents deleted is rewritten alone;
//  2. mf adjacent segments of one size class (floor(log_mf(live docs))) are merged, newest
//     run first;
//  3. beyond mf·maxSegmentsPerFactor segments, the adjacent run of mf with the fewest live
//     documents is merged.
//
// It depends only on the segment list, so the same sequence of Add and Delete calls always
// produces the same segments.
func applyMergePolicy(segs []segState, fw []uint32, nextID uint64, mf int) ([]segState, uint64, error) {
	for {
		segs = slices.DeleteFunc(segs, func(ss segState) bool { return ss.live == 0 })
		i, j := pickMerge(segs, mf)
		if i < 0 {
			return segs, nextID, nil
		}
		merged, err := mergeSegments(nextID, fw, segs[i:j])
		if err != nil {
			return nil, nextID, err
		}
		nextID++
		segs = slices.Delete(segs, i+1, j)
		segs[i] = newSegState(merged, nil) // live > 0, so merged is not nil
	}
}

func sizeClass(live, mf int) int {
	l := 0
	for x := live; x >= mf; x /= mf {
		l++
	}
	return l
}

// pickMerge returns the run segs[i:j] to merge next, or i = −1.
func pickMerge(segs []segState, mf int) (int, int) {
	for i := range segs {
		if deleted := segs[i].seg.Len() - segs[i].live; 2*deleted > segs[i].seg.Len() {
			return i, i + 1
		}
	}
	for i := len(segs) - mf; i >= 0; i-- {
		c := sizeClass(segs[i].live, mf)
		same := true
		for _, ss := range segs[i+1 : i+mf] {
			if sizeClass(ss.live, mf) != c {
				same = false
				break
			}
		}
		if same {
			return i, i + mf
		}
	}
	if len(segs) > mf*maxSegmentsPerFactor {
		best, bestLive := -1, 0
		for i := 0; i+mf <= len(segs); i++ {
			live := 0
			for _, ss := range segs[i : i+mf] {
				live += ss.live
			}
			if best < 0 || live < bestLive {
				best, bestLive = i, live
			}
		}
		return best, best + mf
	}
	return -1, -1
}

// mergeSegments merges the live documents of srcs (adjacent, in ID order) into one new
// segment with the given ID. It returns nil when no document is live.
func mergeSegments(id uint64, fw []uint32, srcs []segState) (*Segment, error) {
	total := 0
	for i := range srcs {
		total += srcs[i].live
		if err := srcs[i].seg.VerifyAll(); err != nil {
			return nil, fmt.Errorf("merge segment %d: %w", srcs[i].seg.id, err)
		}
	}
	if total == 0 {
		return nil, nil
	}
	ids := make([]uint32, 0, total)
	docLen := make([]uint32, 0, total)
	remap := make([][]uint32, len(srcs))
	for si := range srcs {
		ss := &srcs[si]
		m := make([]uint32, ss.seg.Len())
		for ord := range m {
			if ss.isDeleted(uint32(ord)) {
				m[ord] = noDoc
				continue
			}
			m[ord] = uint32(len(ids))
			ids = append(ids, ss.seg.ids[ord])
			docLen = append(docLen, ss.seg.docLen[ord])
		}
		remap[si] = m
	}
	w := newSegmentWriter(id, fw, ids, docLen)
	nf := len(fw)

	// K-way merge of the sorted dictionaries; the heap orders sources by current term, then
	// by source index, so a term's postings are gathered in ID order.
	pos := make([]int, len(srcs))
	termOf := func(si int) []byte { return srcs[si].seg.term(pos[si]) }
	h := runHeap{less: func(a, b int) bool {
		if c := bytes.Compare(termOf(a), termOf(b)); c != 0 {
			return c < 0
		}
		return a < b
	}}
	for si := range srcs {
		if srcs[si].seg.Terms() > 0 {
			h.push(si)
		}
	}
	var ords, tfs, ftfs []uint32
	var blk cursorBlocks
	fbuf := make([]uint32, blockSize*nf)
	var term []byte
	for len(h.items) > 0 {
		term = append(term[:0], termOf(h.items[0])...)
		ords, tfs, ftfs = ords[:0], tfs[:0], ftfs[:0]
		for len(h.items) > 0 && bytes.Equal(termOf(h.items[0]), term) {
			si := h.pop()
			seg := srcs[si].seg
			t := pos[si]
			first, end := int(seg.termBlk[t]), int(seg.termBlk[t+1])
			for b := first; b < end; b++ {
				n := seg.blockLen(t, b)
				tfOff := seg.decodeDocs(b, first, n, blk.docs[:])
				seg.decodeTFs(b, n, tfOff, blk.tfs[:])
				seg.decodeFieldTFs(b, n, tfOff, blk.tfs[:], fbuf)
				for k, d := range blk.docs[:n] {
					if nd := remap[si][d]; nd != noDoc {
						ords = append(ords, nd)
						tfs = append(tfs, blk.tfs[k])
						ftfs = append(ftfs, fbuf[k*nf:(k+1)*nf]...)
					}
				}
			}
			pos[si]++
			if pos[si] < seg.Terms() {
				h.push(si)
			}
		}
		if err := w.addTerm(term, ords, tfs, ftfs); err != nil {
			return nil, err
		}
	}
	return w.finish(), nil
}
