package bert

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// Batch limits: a batch packs at most this many sequences and tokens, which bounds the
// workspace (about 15 KB per token for a 384-wide model, 60 MB in all) while keeping the
// dense layers' matrices tall enough to run at full speed.
const (
	maxBatchSeqs   = 64
	maxBatchTokens = 4096
)

// Embed returns the embedding of every text, in order. Texts are truncated to MaxTokens
// tokens. Every text has an embedding, the empty one included (that of [CLS] [SEP]).
// Embed checks ctx between batches.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	flat := make([]float32, len(texts)*m.Dim())
	for i := range out {
		out[i] = flat[i*m.Dim() : (i+1)*m.Dim() : (i+1)*m.Dim()]
	}
	return out, m.EmbedInto(ctx, out, texts, nil)
}

// EmbedInto writes the embedding of texts[i] into dst[i], which must hold Dim() values.
// progress, when not nil, is called after each internal batch with the number of texts
// it finished.
func (m *Model) EmbedInto(ctx context.Context, dst [][]float32, texts []string, progress func(done int)) error {
	if len(dst) != len(texts) {
		return fmt.Errorf("%d destinations for %d texts", len(dst), len(texts))
	}
	for i, d := range dst {
		if len(d) != m.Dim() {
			return fmt.Errorf("destination %d holds %d values, the model makes %d", i, len(d), m.Dim())
		}
	}
	enc := make([][]int32, len(texts))
	for i, t := range texts {
		if m.pipe.DoLowerCase {
			t = strings.ToLower(t)
		}
		enc[i] = m.tok.Encode(t, m.maxLen)
	}
	// Longest first: batches of similar lengths balance the attention work among workers.
	order := make([]int, len(texts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(enc[b]), len(enc[a])) })
	ws := m.getWorkspace()
	defer m.putWorkspace(ws)
	var ids []int32
	starts := []int{0}
	var outs [][]float32
	flush := func() {
		m.forward(ws, ids, starts, outs)
		if progress != nil {
			progress(len(outs))
		}
		ids, starts, outs = ids[:0], starts[:1], outs[:0]
	}
	for _, i := range order {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(outs) > 0 && (len(outs) == maxBatchSeqs || len(ids)+len(enc[i]) > maxBatchTokens) {
			flush()
		}
		ids = append(ids, enc[i]...)
		starts = append(starts, len(ids))
		outs = append(outs, dst[i])
	}
	if len(outs) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		flush()
	}
	return nil
}

func (m *Model) getWorkspace() *workspace {
	if ws, ok := m.spare.Get().(*workspace); ok {
		return ws
	}
	return &workspace{}
}

func (m *Model) putWorkspace(ws *workspace) { m.spare.Put(ws) }
