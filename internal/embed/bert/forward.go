package bert

import (
	"math"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// workspace holds the activations of one batch; it grows to the largest batch it has
// run and is reused.
type workspace struct {
	x, qkv, ctx, tmp, inter []float32
	pos                     []int32 // position of each token in its sequence
	workers                 []scratch
}

// scratch is one worker's private memory.
type scratch struct {
	scores []float32
	zeros  []float32
	k, v   packed
	tile   []float32
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func (ws *workspace) reset(m *Model, tokens, longest int) {
	h, in := m.cfg.HiddenSize, m.cfg.IntermediateSize
	ws.x = grow(ws.x, tokens*h)
	ws.qkv = grow(ws.qkv, tokens*3*h)
	ws.ctx = grow(ws.ctx, tokens*h)
	ws.tmp = grow(ws.tmp, tokens*h)
	ws.inter = grow(ws.inter, tokens*in)
	if cap(ws.pos) < tokens {
		ws.pos = make([]int32, tokens)
	}
	ws.pos = ws.pos[:tokens]
	for len(ws.workers) < m.threads {
		ws.workers = append(ws.workers, scratch{tile: make([]float32, kernel.PanelRows*panelWidth)})
	}
	for i := range ws.workers {
		w := &ws.workers[i]
		w.scores = grow(w.scores, longest*longest)
		w.zeros = grow(w.zeros, panelsFor(max(longest, m.cfg.HiddenSize))*panelWidth)
		clear(w.zeros)
	}
}

// forward runs the encoder over sequences packed back to back: sequence i is
// ids[starts[i]:starts[i+1]]. It writes sequence i's embedding to out[i].
func (m *Model) forward(ws *workspace, ids []int32, starts []int, out [][]float32) {
	c := m.cfg
	h, in := c.HiddenSize, c.IntermediateSize
	tokens := len(ids)
	longest := 0
	for i := 0; i+1 < len(starts); i++ {
		longest = max(longest, starts[i+1]-starts[i])
	}
	ws.reset(m, tokens, longest)
	for i := 0; i+1 < len(starts); i++ {
		for t := starts[i]; t < starts[i+1]; t++ {
			ws.pos[t] = int32(t - starts[i])
		}
	}
	parallel(tokens, m.threads, func(_, lo, hi int) {
		for t := lo; t < hi; t++ {
			row := ws.x[t*h : (t+1)*h]
			word := m.word[int(ids[t])*h:]
			pos := m.pos[int(ws.pos[t])*h:]
			for j := range row {
				row[j] = (word[j] + m.typ0[j]) + pos[j]
			}
		}
		layerNorm(ws.x[lo*h:hi*h], h, m.embG, m.embB, c.LayerNormEps)
	})
	for li := range m.layers {
		l := &m.layers[li]
		m.dense(ws, ws.qkv, ws.x, tokens, &l.qkv)
		m.attention(ws, starts)
		m.dense(ws, ws.tmp, ws.ctx, tokens, &l.attnOut)
		parallel(tokens, m.threads, func(_, lo, hi int) {
			addLayerNorm(ws.x[lo*h:hi*h], ws.tmp[lo*h:hi*h], h, l.attnG, l.attnB, c.LayerNormEps)
		})
		m.dense(ws, ws.inter, ws.x, tokens, &l.inter)
		parallel(tokens, m.threads, func(_, lo, hi int) { kernel.GELU(ws.inter[lo*in : hi*in]) })
		m.dense(ws, ws.tmp, ws.inter, tokens, &l.out)
		parallel(tokens, m.threads, func(_, lo, hi int) {
			addLayerNorm(ws.x[lo*h:hi*h], ws.tmp[lo*h:hi*h], h, l.outG, l.outB, c.LayerNormEps)
		})
	}
	for i := range out {
		m.pool(out[i], ws.x[starts[i]*h:starts[i+1]*h])
	}
}

// dense computes dst = src·Wᵀ + b over rows tokens, the panels of W shared among the
// workers.
func (m *Model) dense(ws *workspace, dst, src []float32, rows int, l *linear) {
	in, out := l.w.k, l.w.n
	parallel(l.w.panels, m.threads, func(w, lo, hi int) {
		mulRange(dst[:rows*out], out, src[:rows*in], in, rows, &l.w, l.bias, lo, hi, ws.workers[w].tile)
	})
}

// attention computes every head of every sequence: ctx = softmax(Q·Kᵀ/√d)·V over the
// sequence's own tokens, the (sequence, head) pairs shared among the workers.
func (m *Model) attention(ws *workspace, starts []int) {
	h, heads := m.cfg.HiddenSize, m.cfg.NumAttentionHeads
	d := h / heads
	scale := float32(1 / math.Sqrt(float64(d)))
	seqs := len(starts) - 1
	parallel(seqs*heads, m.threads, func(w, lo, hi int) {
		sc := &ws.workers[w]
		for task := lo; task < hi; task++ {
			s, hd := task/heads, task%heads
			base, n := starts[s], starts[s+1]-starts[s]
			q := ws.qkv[base*3*h+hd*d:]
			sc.k.packTransposed(ws.qkv[base*3*h+h+hd*d:], 3*h, n, d)
			scores := sc.scores[:n*n]
			mulRange(scores, n, q, 3*h, n, &sc.k, sc.zeros, 0, sc.k.panels, sc.tile)
			for r := range n {
				kernel.Softmax(scores[r*n:(r+1)*n], scale)
			}
			sc.v.packRows(ws.qkv[base*3*h+2*h+hd*d:], 3*h, n, d)
			mulRange(ws.ctx[base*h+hd*d:], h, scores, n, n, &sc.v, sc.zeros, 0, sc.v.panels, sc.tile)
		}
	})
}

// pool writes the sequence's embedding (its token vectors are rows of tokens) to dst.
func (m *Model) pool(dst, tokens []float32) {
	h := m.cfg.HiddenSize
	switch m.pipe.Pooling {
	case PoolCLS:
		copy(dst, tokens[:h])
	default:
		n := len(tokens) / h
		for j := range h {
			var sum float64
			for t := range n {
				sum += float64(tokens[t*h+j])
			}
			dst[j] = float32(sum / float64(n))
		}
	}
	if m.pipe.Normalize {
		normalize(dst)
	}
}

// normalize scales v to unit length, as torch.nn.functional.normalize does (a zero vector
// stays zero).
func normalize(v []float32) {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	inv := 1 / max(math.Sqrt(ss), 1e-12)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
}
