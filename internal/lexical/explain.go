package lexical

import (
	"fmt"
	"strings"
)

// Explanation breaks a document's score down by query term.
type Explanation struct {
	ID uint32
	// Score is float32 of the float64 sum of Terms[i].Contribution (taken in order, although
	// quantised contributions add up exactly in any order): exactly the score Search and
	// SearchExhaustive report for the document.
	Score float32
	// N is the number of live documents used for idf.
	N uint64
	// FieldWeights are the weights combining per-field tfs and lengths.
	FieldWeights []int
	// Terms lists the query's usable terms (positive finite weight) in query order.
	Terms []TermExplanation
}

// TermExplanation is one query term's part of a score.
type TermExplanation struct {
	Term   string  `json:"term"`
	Weight float32 `json:"weight"`
	// TF is the weighted term frequency Σ_f FieldWeights[f]·FieldTF[f]; 0 when the document
	// does not contain the term.
	TF      uint32   `json:"tf"`
	FieldTF []uint32 `json:"field_tf"`
	// DF counts postings across the snapshot's segments, deleted documents included; IDF
	// uses min(DF, N).
	DF  uint64  `json:"df"`
	IDF float64 `json:"idf"`
	// DL is the document's weighted length, AvgDL the live mean; K1 and B the parameters.
	DL    uint32  `json:"dl"`
	AvgDL float64 `json:"avg_dl"`
	K1    float64 `json:"k1"`
	B     float64 `json:"b"`
	// Contribution is Weight·IDF·TF·(K1+1)/(TF + K1·(1−B+B·DL/AvgDL)), rounded to the
	// query's scoring quantum (see the package documentation); 0 when TF is 0.
	Contribution float64 `json:"contribution"`
}

// Explain explains the score of document id for q, or reports false when id is not a live
// document of the snapshot. The explained score equals the one searches return.
func (s *Snapshot) Explain(q Query, id uint32) (Explanation, bool) {
	si, ord, ok := s.locate(id)
	if !ok || s.segs[si].isDeleted(ord) {
		return Explanation{}, false
	}
	ss := &s.segs[si]
	seg := ss.seg
	var pl plan
	pl.prepare(s, q)
	sc := &pl.sc
	nf := seg.numFields()
	dl := seg.docLen[ord]
	e := Explanation{
		ID:           id,
		N:            s.live,
		FieldWeights: seg.FieldWeights(),
		Terms:        make([]TermExplanation, len(pl.terms)),
	}
	norm := sc.norm(dl)
	sum := 0.0
	var blk cursorBlocks
	fbuf := make([]uint32, blockSize*nf)
	for i, pt := range pl.terms {
		te := TermExplanation{
			Term: pt.term, Weight: pt.weight, FieldTF: make([]uint32, nf),
			DF: pt.df, IDF: pt.idf, DL: dl, AvgDL: sc.avgdl, K1: sc.k1, B: sc.b,
		}
		if t := pl.termIn(si, i); t >= 0 {
			first, end := int(seg.termBlk[t]), int(seg.termBlk[t+1])
			b := first
			for b < end && seg.blkLast[b] < ord {
				b++
			}
			if b < end {
				n := seg.blockLen(t, b)
				tfOff := seg.decodeDocs(b, first, n, blk.docs[:])
				for k, d := range blk.docs[:n] {
					if d != ord {
						continue
					}
					seg.decodeTFs(b, n, tfOff, blk.tfs[:])
					seg.decodeFieldTFs(b, n, tfOff, blk.tfs[:], fbuf)
					te.TF = blk.tfs[k]
					copy(te.FieldTF, fbuf[k*nf:(k+1)*nf])
					te.Contribution = quanta(pt.tw, float64(te.TF), norm) * sc.q
					break
				}
			}
		}
		sum += te.Contribution
		e.Terms[i] = te
	}
	e.Score = float32(sum)
	return e, true
}

// String renders the explanation as an indented tree.
func (e Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "doc %d: score %.6g (N=%d, field weights %v)\n", e.ID, e.Score, e.N, e.FieldWeights)
	for _, t := range e.Terms {
		if t.TF == 0 {
			fmt.Fprintf(&b, "  %q ×%g: not in document (df=%d)\n", t.Term, t.Weight, t.DF)
			continue
		}
		fmt.Fprintf(&b, "  %q ×%g: %.6g = idf %.6g (df=%d) · tf %d %v, dl %d / avgdl %.4g, k1=%g b=%g\n",
			t.Term, t.Weight, t.Contribution, t.IDF, t.DF, t.TF, t.FieldTF, t.DL, t.AvgDL, t.K1, t.B)
	}
	return b.String()
}
