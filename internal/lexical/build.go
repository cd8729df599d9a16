package lexical

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Doc is one document to index: its ID and its analysed terms per field, in the order of
// Options.FieldWeights (e.g. {titleTerms, contentTerms}). Missing trailing fields are empty.
type Doc struct {
	ID     uint32
	Fields [][]string
}

// buildSegment indexes docs (already checked for ID order) into a new segment.
//
// Two passes keep allocation to a handful of flat arrays whatever the vocabulary: the first
// numbers the terms through one map, records every token's term number and counts document
// frequencies; the second, map-free, gathers each document's distinct terms with a per-term
// slot table and writes its postings straight into per-term ranges of the final arrays.
func buildSegment(id uint64, fw []uint32, docs []Doc) (*Segment, error) {
	nf := len(fw)
	n := len(docs)
	if uint64(n) >= math.MaxUint32 {
		return nil, fmt.Errorf("%w: %d documents in one batch", ErrTooLarge, n)
	}
	tokens := 0
	for i := range docs {
		if len(docs[i].Fields) > nf {
			return nil, fmt.Errorf("%w: document %d has %d fields, the index has %d", ErrInvalidDoc, docs[i].ID, len(docs[i].Fields), nf)
		}
		for _, f := range docs[i].Fields {
			tokens += len(f)
		}
	}

	// Pass 1: term numbers, per-token term IDs, document frequencies, lengths.
	ids := make([]uint32, n)
	docLen := make([]uint32, n)
	dict := make(map[string]uint32, min(tokens/8+16, 1<<20))
	var terms []string
	var df, lastDoc []uint32 // per term; lastDoc holds ordinal+1 of the last document counted
	tokenTerm := make([]uint32, 0, tokens)
	for ord := range docs {
		d := &docs[ord]
		ids[ord] = d.ID
		var dl uint64
		for f, field := range d.Fields {
			dl += uint64(len(field)) * uint64(fw[f])
			for _, t := range field {
				ti, ok := dict[t]
				if !ok {
					ti = uint32(len(terms))
					dict[t] = ti
					terms = append(terms, t)
					df = append(df, 0)
					lastDoc = append(lastDoc, 0)
				}
				tokenTerm = append(tokenTerm, ti)
				if lastDoc[ti] != uint32(ord)+1 {
					lastDoc[ti] = uint32(ord) + 1
					df[ti]++
				}
			}
		}
		if dl >= math.MaxUint32 {
			return nil, fmt.Errorf("%w: document %d has weighted length %d, the limit is %d", ErrInvalidDoc, d.ID, dl, uint32(math.MaxUint32-1))
		}
		docLen[ord] = uint32(dl)
	}
	dict = nil

	// Pass 2: postings into per-term ranges [start[t], start[t+1]).
	nt := len(terms)
	start := make([]uint32, nt+1)
	for t, c := range df {
		start[t+1] = start[t] + c
	}
	pairs := int(start[nt])
	fill := slices.Clone(start[:nt])
	ords := make([]uint32, pairs)
	tfs := make([]uint32, pairs)
	ftfs := make([]uint32, pairs*nf)
	slot := lastDoc // reused: per term, its index among the current document's terms + 1
	clear(slot)
	var curTerms []uint32
	var curFTF []uint32 // nf per current term
	tok := 0
	for ord := range docs {
		for f, field := range docs[ord].Fields {
			for range field {
				ti := tokenTerm[tok]
				tok++
				sl := slot[ti]
				if sl == 0 {
					curTerms = append(curTerms, ti)
					for range nf {
						curFTF = append(curFTF, 0)
					}
					sl = uint32(len(curTerms))
					slot[ti] = sl
				}
				curFTF[int(sl-1)*nf+f]++
			}
		}
		for j, ti := range curTerms {
			slot[ti] = 0
			var tf uint32
			for f := range nf {
				tf += fw[f] * curFTF[j*nf+f] // <= dl, so no overflow
			}
			at := fill[ti]
			fill[ti]++
			ords[at] = uint32(ord)
			tfs[at] = tf
			copy(ftfs[int(at)*nf:int(at+1)*nf], curFTF[j*nf:(j+1)*nf])
		}
		curTerms = curTerms[:0]
		curFTF = curFTF[:0]
	}
	tokenTerm = nil

	order := make([]uint32, nt)
	termBytes := 0
	for i := range order {
		order[i] = uint32(i)
		termBytes += len(terms[i])
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(terms[a], terms[b]) })

	w := newSegmentWriter(id, fw, ids, docLen)
	w.reserve(nt, termBytes, pairs)
	var termBuf []byte
	for _, ti := range order {
		a, b := start[ti], start[ti+1]
		termBuf = append(termBuf[:0], terms[ti]...)
		if err := w.addTerm(termBuf, ords[a:b], tfs[a:b], ftfs[int(a)*nf:int(b)*nf]); err != nil {
			return nil, err
		}
	}
	return w.finish(), nil
}
