package datagen

import (
	"math"
	"slices"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// exactTopK finds, for every query, the K base vectors with the highest score, exactly:
// scores are float64 dot products of the stored float32 values (re-normalised under
// cosine, squared distance under l2), computed for a block of base rows against all
// queries at once by the blocked product kernel, and ties go to the lower id. Any number
// of goroutines can each score a share of the base with their own topKState; merging the
// states gives the same result however the base was shared, because the order (score
// descending, id ascending) is total.
type exactTopK struct {
	k, dim, nq int
	cosine     bool
	queries    *kernel.Packed // dim×nq: query j in column j
	qq         []float64      // squared norms of the prepared queries (l2)
}

// rowBlock is how many base rows are scored per product: the block of scores
// (rowBlock×nq float64s) stays in the L2 cache for the scan that follows.
const rowBlock = 64

func newExactTopK(queries []float32, dim, k int, cosine bool) *exactTopK {
	nq := len(queries) / dim
	t := &exactTopK{k: k, dim: dim, nq: nq, cosine: cosine, qq: make([]float64, nq)}
	qt := make([]float64, dim*nq)
	row := make([]float64, dim)
	for j := range nq {
		t.qq[j] = prepareRow(row, queries[j*dim:(j+1)*dim], cosine)
		for p, v := range row {
			qt[p*nq+j] = v
		}
	}
	t.queries = kernel.Pack(qt, nq, dim, nq)
	return t
}

// prepareRow converts a stored vector to float64, normalised again in float64 under
// cosine, and returns its squared norm.
func prepareRow(dst []float64, v []float32, cosine bool) float64 {
	var s float64
	for i, x := range v {
		dst[i] = float64(x)
		s += dst[i] * dst[i]
	}
	if cosine && s > 0 {
		inv := 1 / math.Sqrt(s)
		for i := range dst {
			dst[i] *= inv
		}
		return 1
	}
	return s
}

// topKState is one goroutine's running best K per query, each a heap with the worst kept
// candidate at the root.
type topKState struct {
	heaps  [][]scored
	thresh []float64 // score a candidate must beat; -Inf until the heap is full
	rows   []float64 // scratch: prepared base rows
	bb     []float64 // scratch: their squared norms
	scores []float64 // scratch: rowBlock×nq scores
}

type scored struct {
	s  float64
	id int64
}

// worse reports whether a ranks after b: lower score, or equal score and higher id.
func (a scored) worse(b scored) bool { return a.s < b.s || a.s == b.s && a.id > b.id }

func (t *exactTopK) newState() *topKState {
	st := &topKState{heaps: make([][]scored, t.nq), thresh: make([]float64, t.nq),
		rows: make([]float64, rowBlock*t.dim), bb: make([]float64, rowBlock),
		scores: make([]float64, rowBlock*t.nq)}
	for j := range st.heaps {
		st.heaps[j] = make([]scored, 0, t.k)
		st.thresh[j] = math.Inf(-1)
	}
	return st
}

// add scores the base vectors in base (row-major float32) whose first id is first.
func (t *exactTopK) add(st *topKState, base []float32, first int) {
	n := len(base) / t.dim
	for r0 := 0; r0 < n; r0 += rowBlock {
		m := min(rowBlock, n-r0)
		for r := range m {
			st.bb[r] = prepareRow(st.rows[r*t.dim:(r+1)*t.dim], base[(r0+r)*t.dim:(r0+r+1)*t.dim], t.cosine)
		}
		sc := st.scores[:m*t.nq]
		clear(sc)
		t.queries.MulAdd(sc, t.nq, st.rows, t.dim, m)
		for r := range m {
			id := int64(first + r0 + r)
			row := sc[r*t.nq : (r+1)*t.nq]
			if !t.cosine {
				// Ranking by 2q·b − |b|² is ranking by −|q−b|², the per-query |q|² aside.
				bb := st.bb[r]
				for j, d := range row {
					row[j] = 2*d - bb
				}
			}
			for j, s := range row {
				// Within one state ids only grow, so an equal score never displaces.
				if s > st.thresh[j] {
					st.push(t.k, j, scored{s, id})
				}
			}
		}
	}
}

// push adds c to query j's heap, dropping the worst candidate once K are kept.
func (st *topKState) push(k, j int, c scored) {
	h := st.heaps[j]
	if len(h) < k {
		h = append(h, c)
		for i := len(h) - 1; i > 0; {
			p := (i - 1) / 2
			if !h[i].worse(h[p]) {
				break
			}
			h[i], h[p] = h[p], h[i]
			i = p
		}
		st.heaps[j] = h
		if len(h) == k {
			st.thresh[j] = h[0].s
		}
		return
	}
	if !h[0].worse(c) {
		return
	}
	h[0] = c
	for i := 0; ; {
		l, w := 2*i+1, i
		if l < len(h) && h[l].worse(h[w]) {
			w = l
		}
		if l+1 < len(h) && h[l+1].worse(h[w]) {
			w = l + 1
		}
		if w == i {
			break
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
	st.thresh[j] = h[0].s
}

// result merges the states and returns, per query, the K best ids, best first, and their
// distances: 1−cos under cosine, the squared Euclidean distance under l2.
func (t *exactTopK) result(states []*topKState) (ids [][]int32, dists [][]float32) {
	ids, dists = make([][]int32, t.nq), make([][]float32, t.nq)
	all := make([]scored, 0, len(states)*t.k)
	for j := range t.nq {
		all = all[:0]
		for _, st := range states {
			all = append(all, st.heaps[j]...)
		}
		sortBest(all)
		all = all[:min(t.k, len(all))]
		ids[j], dists[j] = make([]int32, len(all)), make([]float32, len(all))
		for i, c := range all {
			ids[j][i] = int32(c.id)
			if t.cosine {
				dists[j][i] = float32(1 - c.s)
			} else {
				dists[j][i] = float32(max(t.qq[j]-c.s, 0))
			}
		}
	}
	return ids, dists
}

// sortBest sorts candidates best first: score descending, then id ascending.
func sortBest(c []scored) {
	slices.SortFunc(c, func(a, b scored) int {
		switch {
		case b.worse(a):
			return -1
		case a.worse(b):
			return 1
		}
		return 0
	})
}
