package vajra

import (
	"context"
	"fmt"

	"github.com/vajrasearch/vajra/internal/lexical"
	"github.com/vajrasearch/vajra/internal/storage"
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
	Score        float64           `json:"score"`
	Docs         uint64            `json:"docs"`          // N used for idf
	FieldWeights []int             `json:"field_weights"` // title and content weights
	Terms        []TermExplanation `json:"terms"`
}

// VectorExplanation is the similarity of the document to the query vector.
type VectorExplanation struct {
	Metric     string  `json:"metric"`
	Similarity float64 `json:"similarity"`
}

// Explain explains the score of the document id for q.
func (c *Collection) Explain(ctx context.Context, q Query, id string) (out *Explanation, err error) {
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	mode, err := c.resolveMode(q)
	if err != nil {
		return nil, err
	}
	var qvec []float32
	if mode != Lexical {
		if qvec, err = c.queryVector(ctx, q); err != nil {
			return nil, err
		}
	}
	terms := c.analyzer.AppendTerms(nil, q.Text)
	// The rank comes from the same search the user ran, at a generous depth.
	deep := q
	deep.Mode = mode
	deep.K = max(q.K, 1000)
	deep.Vector = qvec
	res, err := c.Search(ctx, deep)
	if err != nil {
		return nil, err
	}

	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := c.readableLocked(); err != nil {
		return nil, err
	}
	iid, ok, err := c.docs.lookup(id, c.live)
	if err != nil {
		return nil, fmt.Errorf("explain %q: %w", id, err)
	}
	if !ok {
		return nil, fmt.Errorf("explain %q: %w", id, ErrNotFound)
	}
	ex := &Explanation{ID: id, Mode: mode}
	for i, h := range res.Hits {
		if h.ID == id {
			ex.Rank = i + 1
			ex.Score = h.Score
			ex.LexicalSide, ex.VectorSide = h.Lexical, h.Vector
			break
		}
	}
	if err := c.explainPartsLocked(ex, mode, terms, qvec, iid); err != nil {
		return nil, err
	}
	if ex.Rank == 0 {
		switch {
		case mode == Lexical && ex.Lexical != nil:
			ex.Score = ex.Lexical.Score
		case mode == Vector && ex.Vector != nil:
			ex.Score = ex.Vector.Similarity
		}
	}
	return ex, nil
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
		ex.Lexical = &LexicalExplanation{Score: float64(le.Score), Docs: le.N, FieldWeights: le.FieldWeights, Terms: le.Terms}
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
