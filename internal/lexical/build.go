package lexical

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// Doc is one document to index: its ID and its analysed terms per field, in the order of
// Options.FieldWeights (e.g. {titleTerms, contentTerms}). Missing trailing fields are empty.
type Doc struct {
	ID     uint32
	Fields [][]string
}

// Bounds of the number of documents one inversion task covers when a batch is inverted in
// parallel. The segment does not depend on the split (runs are merged back exactly, see
// writeInverted), so it is chosen for speed and memory alone: a few tasks per thread, so that
// threads finish together, and bounded so that a huge batch is never analysed all at once.
const (
	minInvertRun = 1024
	maxInvertRun = 16384
)

// buildSegment indexes a batch (IDs already checked for order) into a new segment: fields(i)
// gives document i's analysed terms, one slice per field. Runs of documents are analysed and
// inverted on up to threads goroutines, and only the run being inverted holds its documents'
// terms. The segment's bytes are the same whatever threads is.
func buildSegment(id uint64, fw []uint32, ids []uint32, fields func(i int) [][]string, threads int) (*Segment, error) {
	n := len(ids)
	if uint64(n) >= math.MaxUint32 {
		return nil, fmt.Errorf("%w: %d documents in one batch", ErrTooLarge, n)
	}
	threads = max(threads, 1)
	run := min(max((n+4*threads-1)/(4*threads), minInvertRun), maxInvertRun)
	runs := max((n+run-1)/run, 1)
	parts := make([]*inverted, runs)
	errs := make([]error, runs)
	work := func(r int) {
		lo, hi := r*run, min((r+1)*run, n)
		docs := make([]Doc, hi-lo)
		for i := range docs {
			docs[i] = Doc{ID: ids[lo+i], Fields: fields(lo + i)}
		}
		parts[r], errs[r] = invert(fw, docs)
	}
	if threads == 1 || runs == 1 {
		for r := range runs {
			work(r)
		}
	} else {
		next := make(chan int, runs)
		for r := range runs {
			next <- r
		}
		close(next)
		var wg sync.WaitGroup
		for range min(threads, runs) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := range next {
					work(r)
				}
			}()
		}
		wg.Wait()
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return writeInverted(id, fw, parts)
}

// inverted is a run of documents inverted: their IDs and weighted lengths, and per distinct
// term (numbered in order of first occurrence) its postings: run-local ordinals, weighted
// tfs and per-field tfs, in ords[start[t]:start[t+1]] and so on. order lists the term
// numbers in term order.
type inverted struct {
	ids, docLen     []uint32
	terms           []string
	order           []uint32
	start           []uint32
	ords, tfs, ftfs []uint32
	termBytes       int
}

// invert inverts docs.
//
// Two passes keep allocation to a handful of flat arrays whatever the vocabulary: the first
// numbers the terms through one map, records every token's term number and counts document
// frequencies; the second, map-free, gathers each document's distinct terms with a per-term
// slot table and writes its postings straight into per-term ranges of the final arrays.
func invert(fw []uint32, docs []Doc) (*inverted, error) {
	nf := len(fw)
	n := len(docs)
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

	order := make([]uint32, nt)
	termBytes := 0
	for i := range order {
		order[i] = uint32(i)
		termBytes += len(terms[i])
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(terms[a], terms[b]) })
	return &inverted{ids: ids, docLen: docLen, terms: terms, order: order, start: start,
		ords: ords, tfs: tfs, ftfs: ftfs, termBytes: termBytes}, nil
}

// writeInverted writes consecutive inverted runs as one segment. A term's postings are its
// postings in each run, in run order, with ordinals shifted by the run's first ordinal:
// exactly what inverting all the documents at once gives, so the segment does not depend on
// how the documents were split into runs.
func writeInverted(id uint64, fw []uint32, parts []*inverted) (*Segment, error) {
	nf := len(fw)
	var ids, docLen []uint32
	base := make([]uint32, len(parts))
	termBytes, pairs, terms := 0, 0, 0
	for i, p := range parts {
		base[i] = uint32(len(ids))
		ids = append(ids, p.ids...)
		docLen = append(docLen, p.docLen...)
		termBytes += p.termBytes
		pairs += len(p.ords)
		terms += len(p.terms)
	}
	w := newSegmentWriter(id, fw, ids, docLen)
	w.reserve(terms, termBytes, pairs)
	var termBuf []byte
	if len(parts) == 1 {
		p := parts[0]
		for _, ti := range p.order {
			a, b := p.start[ti], p.start[ti+1]
			termBuf = append(termBuf[:0], p.terms[ti]...)
			if err := w.addTerm(termBuf, p.ords[a:b], p.tfs[a:b], p.ftfs[int(a)*nf:int(b)*nf]); err != nil {
				return nil, err
			}
		}
		return w.finish(), nil
	}
	// K-way merge of the runs' sorted terms; ties go to the earlier run, so a term's
	// postings are gathered in ordinal order.
	pos := make([]int, len(parts))
	cur := func(r int) string { return parts[r].terms[parts[r].order[pos[r]]] }
	h := runHeap{less: func(a, b int) bool {
		if c := strings.Compare(cur(a), cur(b)); c != 0 {
			return c < 0
		}
		return a < b
	}}
	for r, p := range parts {
		if len(p.terms) > 0 {
			h.push(r)
		}
	}
	var ords, tfs, ftfs []uint32
	for len(h.items) > 0 {
		term := cur(h.items[0])
		termBuf = append(termBuf[:0], term...)
		ords, tfs, ftfs = ords[:0], tfs[:0], ftfs[:0]
		for len(h.items) > 0 && cur(h.items[0]) == term {
			r := h.pop()
			p := parts[r]
			ti := p.order[pos[r]]
			a, b := p.start[ti], p.start[ti+1]
			for _, o := range p.ords[a:b] {
				ords = append(ords, base[r]+o)
			}
			tfs = append(tfs, p.tfs[a:b]...)
			ftfs = append(ftfs, p.ftfs[int(a)*nf:int(b)*nf]...)
			pos[r]++
			if pos[r] < len(p.terms) {
				h.push(r)
			}
		}
		if err := w.addTerm(termBuf, ords, tfs, ftfs); err != nil {
			return nil, err
		}
	}
	return w.finish(), nil
}

// runHeap is a binary min-heap of run indexes under less.
type runHeap struct {
	items []int
	less  func(a, b int) bool
}

func (h *runHeap) push(r int) {
	h.items = append(h.items, r)
	i := len(h.items) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(h.items[i], h.items[p]) {
			break
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *runHeap) pop() int {
	top := h.items[0]
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items = h.items[:last]
	for i := 0; ; {
		c := 2*i + 1
		if c >= last {
			break
		}
		if r := c + 1; r < last && h.less(h.items[r], h.items[c]) {
			c = r
		}
		if !h.less(h.items[c], h.items[i]) {
			break
		}
		h.items[i], h.items[c] = h.items[c], h.items[i]
		i = c
	}
	return top
}
