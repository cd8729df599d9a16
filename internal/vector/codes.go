package vector

import (
	"math"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// quantCodes is the quantised side of a graph index: a trained quantiser and one code a
// node, in an arena laid out like the level-0 links (node i's row at i·stride). The float32
// vectors stay in the rows arena; the codes are what searches walk on.
//
//   - sq8: a row is dim bytes; under L2 norms holds each decoded vector's squared norm.
//   - bq: a row is words+2 uint64s: the sign bits, then the correction factors (|x−c|² and
//     |x−c|²/⟨b, y⟩ as two float32s, ⟨x−c, c⟩ and the count of set bits), so that scoring
//     a neighbour reads one or two cache lines and nothing else.
type quantCodes struct {
	kind      Quantization
	dim       int
	metric    Metric
	trainedOn int // nodes in the index when the quantiser was trained

	sq8   *sq8Quantizer
	codes []uint8   // sq8 rows
	norms []float32 // sq8 under L2: decodedNormSq of each row

	bq     *bqQuantizer
	bits   []uint64 // bq rows
	stride int      // uint64s a bq row
}

// quantTrainCap is the node count after which a quantiser is no longer retrained as the
// index grows (its training sample would not grow either); Promote trains afresh.
const quantTrainCap = sq8Sample

// newQuantCodes trains a quantiser of kind on n rows (row returns them prepared for the
// metric) and returns it with an empty arena.
func newQuantCodes(kind Quantization, dim int, m Metric, seed uint64, n int, row func(int) []float32, prev *quantCodes) *quantCodes {
	c := &quantCodes{kind: kind, dim: dim, metric: m, trainedOn: n}
	switch kind {
	case QuantSQ8:
		c.sq8 = trainSQ8Rows(n, dim, m, row)
	case QuantBQ:
		var rot []float32
		if prev != nil && prev.bq != nil {
			rot = prev.bq.rot // it depends on the seed and dimension only
		}
		c.bq = trainBQRowsRotated(n, dim, m, seed, row, rot)
		c.stride = c.bq.words + 2
	}
	return c
}

// needsTraining reports whether an index about to hold total nodes should train its
// quantiser (again): the first time, and each time the index has doubled since, until the
// sample is as large as it gets.
func (c *quantCodes) needsTraining(total int) bool {
	return c == nil || (c.trainedOn < quantTrainCap && total >= 2*c.trainedOn)
}

// rowLen is the arena length of n rows.
func (c *quantCodes) rowLen(n int) int {
	if c.kind == QuantBQ {
		return n * c.stride
	}
	return n * c.dim
}

// nodes returns how many rows the arena holds.
func (c *quantCodes) nodes() int {
	if c.kind == QuantBQ {
		return len(c.bits) / c.stride
	}
	return len(c.codes) / c.dim
}

// grow makes room for rows up to n nodes (capacity c nodes), as reserve does for the other
// arenas.
func (c *quantCodes) grow(capNodes int) {
	switch c.kind {
	case QuantSQ8:
		c.codes = growTo(c.codes, c.rowLen(capNodes))
		if c.metric == L2 {
			c.norms = growTo(c.norms, capNodes)
		}
	case QuantBQ:
		c.bits = growTo(c.bits, c.rowLen(capNodes))
	}
}

// extend appends zeroed rows for more nodes.
func (c *quantCodes) extend(more int) {
	switch c.kind {
	case QuantSQ8:
		c.codes = extend(c.codes, c.rowLen(more))
		if c.metric == L2 {
			c.norms = extend(c.norms, more)
		}
	case QuantBQ:
		c.bits = extend(c.bits, c.rowLen(more))
	}
}

// truncate keeps the first n rows.
func (c *quantCodes) truncate(n int) {
	switch c.kind {
	case QuantSQ8:
		c.codes = c.codes[:c.rowLen(n)]
		if c.norms != nil {
			c.norms = c.norms[:n]
		}
	case QuantBQ:
		c.bits = c.bits[:c.rowLen(n)]
	}
}

// move copies row src to row dst (compaction moves rows down).
func (c *quantCodes) move(dst, src int) {
	switch c.kind {
	case QuantSQ8:
		copy(c.codes[dst*c.dim:(dst+1)*c.dim], c.codes[src*c.dim:(src+1)*c.dim])
		if c.norms != nil {
			c.norms[dst] = c.norms[src]
		}
	case QuantBQ:
		copy(c.bits[dst*c.stride:(dst+1)*c.stride], c.bits[src*c.stride:(src+1)*c.stride])
	}
}

// own copies arenas that alias a file.
func (c *quantCodes) own() {
	c.codes = append([]uint8(nil), c.codes...)
	if c.norms != nil {
		c.norms = append([]float32(nil), c.norms...)
	}
	c.bits = append([]uint64(nil), c.bits...)
}

func (c *quantCodes) memoryBytes() int64 {
	b := int64(cap(c.codes)) + int64(cap(c.norms))*4 + int64(cap(c.bits))*8
	if c.sq8 != nil {
		b += int64(len(c.sq8.lo)+len(c.sq8.step)) * 4
	}
	if c.bq != nil {
		b += int64(len(c.bq.centre)+len(c.bq.rot)) * 4
	}
	return b
}

// encoder is the scratch one goroutine needs to encode vectors.
type encoder struct{ y, diff []float32 }

// encode writes the code of v (prepared for the metric) as row node.
func (c *quantCodes) encode(e *encoder, node int, v []float32) {
	switch c.kind {
	case QuantSQ8:
		row := c.codes[node*c.dim : (node+1)*c.dim]
		c.sq8.encode(row, v)
		if c.norms != nil {
			c.norms[node] = c.sq8.decodedNormSq(row)
		}
	case QuantBQ:
		if len(e.y) < c.dim {
			e.y, e.diff = make([]float32, c.dim), make([]float32, c.dim)
		}
		row := c.bits[node*c.stride : (node+1)*c.stride]
		f := c.bq.encode(row, v, e.y[:c.dim], e.diff[:c.dim])
		putBQFactors(row[c.bq.words:], f)
	}
}

// putBQFactors and bqFactors pack a bq row's correction factors into its last two words.
func putBQFactors(dst []uint64, f bqVector) {
	dst[0] = uint64(math.Float32bits(f.normSq)) | uint64(math.Float32bits(f.factor))<<32
	dst[1] = uint64(math.Float32bits(f.dotCentre)) | uint64(uint32(f.ones))<<32
}

func bqFactors(w []uint64) bqVector {
	return bqVector{
		normSq:    math.Float32frombits(uint32(w[0])),
		factor:    math.Float32frombits(uint32(w[0] >> 32)),
		dotCentre: math.Float32frombits(uint32(w[1])),
		ones:      int32(uint32(w[1] >> 32)),
	}
}

// codeQuery is a query in the code domain of an index's quantiser, built once per search
// (or per inserted node) and reused for every distance.
type codeQuery struct {
	sq   sq8Query
	bq   bqQuery
	sums []int32
}

// prepare fills cq for the prepared query v.
func (c *quantCodes) prepare(cq *codeQuery, v []float32) {
	switch c.kind {
	case QuantSQ8:
		c.sq8.prepare(&cq.sq, v)
	case QuantBQ:
		c.bq.prepare(&cq.bq, v)
	}
}

// scoreRows sets ds[i] to the estimated internal score between the query and node ids[i];
// never NaN.
func (c *quantCodes) scoreRows(cq *codeQuery, ids []uint32, ds []float32) {
	if cap(cq.sums) < len(ids) {
		cq.sums = make([]int32, len(ids), max(len(ids), 64))
	}
	sums := cq.sums[:len(ids)]
	ds = ds[:len(ids)]
	switch c.kind {
	case QuantSQ8:
		kernel.DotSQ8Rows(cq.sq.w, c.codes, ids, sums)
		if c.norms != nil {
			for i, s := range sums {
				ds[i] = finiteScore(cq.sq.score(L2, s, c.norms[ids[i]]))
			}
			return
		}
		off, scale := cq.sq.offset, cq.sq.scale
		for i, s := range sums {
			ds[i] = finiteScore(float32(-(off + scale*float64(s))))
		}
	case QuantBQ:
		kernel.DotBitsRowsStride(cq.bq.planes, bqQueryBits, c.bits, c.stride, ids, sums)
		w := c.bq.words
		for i, s := range sums {
			off := int(ids[i])*c.stride + w
			ds[i] = finiteScore(cq.bq.score(c.bq, s, bqFactors(c.bits[off:off+2])))
		}
	}
}

// pairScore is the internal score between the decoded vectors of nodes a and b (sq8).
func (c *quantCodes) pairScore(a, b uint32) float32 {
	ra := c.codes[int(a)*c.dim : int(a+1)*c.dim]
	rb := c.codes[int(b)*c.dim : int(b+1)*c.dim]
	if c.metric == L2 {
		return finiteScore(kernel.L2SQ8Pair(c.sq8.step, ra, rb))
	}
	return finiteScore(-kernel.DotSQ8Pair(c.sq8.lo, c.sq8.step, ra, rb))
}

// finiteScore maps NaN to the worst score, as Metric.score does.
func finiteScore(d float32) float32 {
	if d != d {
		return worstScore
	}
	return d
}
