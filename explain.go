package vajra

import (
	"context"
	"fmt"

	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/fusion"
	"github.com/vajrasearch/vajra/internal/lexical"
)

// TermExplanation is one query term's share of a BM25 score: its weight in the query, its
// (field-weighted) frequency in the document, document frequency, idf, the document's
// weighted length against the average, and the resulting contribution.
type TermExplanation = lexical.TermExplanation

// Explanation says why a document scored what it did for a query.
type Explanation struct {
	ID   string `json:"id"`
	Mode Mode   `json:"mode"`
	// Score is the document's final score for the query, as Search computes it.
	Score float64 `json:"score"`
	// Rank is the document's 1-based position in the full result list (0 = not retrieved
	// within the search depth).
	Rank int `json:"rank"`
	// Lexical holds the BM25 breakdown (nil in vector mode).
	Lexical *LexicalExplanation `json:"lexical,omitempty"`
	// Vector holds the similarity (nil in lexical mode or without vectors).
	Vector *VectorExplanation `json:"vector,omitempty"`
	// LexicalSide and VectorSide are the fusion inputs and contributions in hybrid mode.
	LexicalSide *Side `json:"lexical_side,omitempty"`
	VectorSide  *Side `json:"vector_side,omitempty"`
}

// LexicalExplanation is the BM25 breakdown of one document's score.
type LexicalExplanation struct {
	Score        float64 `json:"score"`
	Docs         uint64  `json:"docs"`          // N used for idf
	FieldWeights []int   `json:"field_weights"` // the weight of each field of Fields
	// Fields names the fields FieldWeights and each term's FieldTF count, in their order.
	Fields []string          `json:"fields"`
	Terms  []TermExplanation `json:"terms"`
}

// lexicalFieldNames names the first n fields a collection indexes for BM25, in the order of
// its field weights (Collection.lexicalOptions).
func lexicalFieldNames(n int) []string {
	return []string{"title", "content"}[:min(n, 2)]
}

// VectorExplanation is the similarity of the document to the query vector.
type VectorExplanation struct {
	Metric     string  `json:"metric"`
	Similarity float64 `json:"similarity"`
}

// explainDepth is how deep a lexical or vector ranking is searched to find the rank of a
// document to explain that is not a hit of the page.
const explainDepth = 1000

// Explain explains the score of the document id for q: its rank in the full ranking of q
// (0 when the search does not rank it within its depth, see Query.ExplainIDs), its score
// and the breakdown of that score.
func (c *Collection) Explain(ctx context.Context, q Query, id string) (*Explanation, error) {
	q.ExplainIDs = []string{id}
	q.Explain, q.Highlight, q.Count = false, false, false
	res, err := c.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		if h.ID == id && h.Explain != nil {
			return h.Explain, nil
		}
	}
	if len(res.Explanations) != 1 {
		return nil, fmt.Errorf("explain %q: %w", id, ErrNotFound)
	}
	return &res.Explanations[0], nil
}

// explainResultsLocked fills the explanations q asks for: every hit's with q.Explain, the
// listed hits' with q.ExplainIDs, and res.Explanations for listed documents off the page.
// fused is the whole fused list of a hybrid search.
func (c *Collection) explainResultsLocked(res *Results, q Query, mode Mode, terms []string, qvec []float32,
	allow *bitset.Set, fused []fusion.Result, want int) error {
	listed := make(map[string]bool, len(q.ExplainIDs))
	for _, id := range q.ExplainIDs {
		listed[id] = true
	}
	onPage := make(map[string]bool, len(res.Hits))
	for i := range res.Hits {
		h := &res.Hits[i]
		onPage[h.ID] = true
		if !q.Explain && !listed[h.ID] {
			continue
		}
		ex, err := c.explainHitLocked(mode, terms, qvec, h, q.Offset+i+1)
		if err != nil {
			return err
		}
		h.Explain = ex
	}
	var rest []string
	for _, id := range q.ExplainIDs {
		if !onPage[id] {
			onPage[id] = true // once per id
			rest = append(rest, id)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	ranking := fused
	switch mode {
	case Lexical:
		hits, err := c.lexicalSearchLocked(terms, max(want, explainDepth), allow)
		if err != nil {
			return err
		}
		ranking = make([]fusion.Result, len(hits))
		for i, h := range hits {
			s := float64(h.Score)
			ranking[i] = fusion.Result{ID: h.ID, Score: s, Lexical: Side{Rank: i + 1, Score: s, Contribution: s}}
		}
	case Vector:
		depth := max(want, explainDepth)
		hits, err := c.vectorSearchLocked(qvec, depth, q.EfSearch, allow)
		if err != nil {
			return err
		}
		ranking = make([]fusion.Result, len(hits))
		for i, h := range hits {
			ranking[i] = fusion.Result{ID: h.ID, Score: h.Score, Vector: Side{Rank: i + 1, Score: h.Score, Contribution: h.Score}}
		}
	}
	rank := make(map[uint32]int, len(ranking))
	for i, r := range ranking {
		rank[r.ID] = i
	}
	for _, id := range rest {
		iid, ok, err := c.docs.lookup(id, c.live)
		if err != nil {
			return fmt.Errorf("explain %q: %w", id, err)
		}
		if !ok {
			return fmt.Errorf("explain %q: %w", id, ErrNotFound)
		}
		ex := Explanation{ID: id, Mode: mode}
		if i, ok := rank[iid]; ok {
			r := ranking[i]
			ex.Rank, ex.Score = i+1, r.Score
			switch mode {
			case Lexical:
				ex.LexicalSide = &r.Lexical
			case Vector:
				ex.VectorSide = &r.Vector
			default:
				ex.LexicalSide, ex.VectorSide = &r.Lexical, &r.Vector
			}
		}
		if err := c.explainPartsLocked(&ex, mode, terms, qvec, iid); err != nil {
			return err
		}
		if ex.Rank == 0 {
			switch {
			case mode == Lexical && ex.Lexical != nil:
				ex.Score = ex.Lexical.Score
			case mode == Vector && ex.Vector != nil:
				ex.Score = ex.Vector.Similarity
			}
		}
		res.Explanations = append(res.Explanations, ex)
	}
	return nil
}

// explainHitLocked explains the hit at 1-based rank of a search that just ran: its score and
// sides come from the hit itself.
func (c *Collection) explainHitLocked(mode Mode, terms []string, qvec []float32, h *Hit, rank int) (*Explanation, error) {
	ex := &Explanation{ID: h.ID, Mode: mode, Score: h.Score, Rank: rank, LexicalSide: h.Lexical, VectorSide: h.Vector}
	iid, ok, err := c.docs.lookup(h.ID, c.live)
	if err != nil {
		return nil, fmt.Errorf("explain %q: %w", h.ID, err)
	}
	if ok {
		if err := c.explainPartsLocked(ex, mode, terms, qvec, iid); err != nil {
			return nil, err
		}
	}
	return ex, nil
}

// explainPartsLocked fills the BM25 breakdown and the vector similarity of document iid.
func (c *Collection) explainPartsLocked(ex *Explanation, mode Mode, terms []string, qvec []float32, iid uint32) error {
	if mode != Vector {
		snap := c.lex.Snapshot()
		le, _ := snap.Explain(lexical.NewQuery(terms), iid)
		if err := c.lexicalErrLocked(snap); err != nil {
			return err
		}
		ex.Lexical = &LexicalExplanation{Score: float64(le.Score), Docs: le.N, FieldWeights: le.FieldWeights,
			Fields: lexicalFieldNames(len(le.FieldWeights)), Terms: le.Terms}
	}
	if mode != Lexical && c.vec != nil {
		if v, ok := c.vec.Vector(iid); ok {
			d, err := c.vec.Options().Metric.Distance(qvec, v)
			if err != nil {
				return fmt.Errorf("%w: %w", ErrInvalidQuery, err)
			}
			ex.Vector = &VectorExplanation{Metric: c.opts.Vector.Metric, Similarity: similarity(c.vec.Options().Metric, d)}
		}
	}
	return nil
}
