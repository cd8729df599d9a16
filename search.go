package vajra

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/filter"
	"github.com/vajrasearch/vajra/internal/fusion"
	"github.com/vajrasearch/vajra/internal/lexical"
	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/vector"
)

// Mode chooses how a query is answered.
type Mode string

const (
	// Lexical ranks by BM25 over the analysed query terms.
	Lexical Mode = "lexical"
	// Vector ranks by similarity between the query's embedding and the documents'.
	Vector Mode = "vector"
	// Hybrid runs both and fuses the rankings (FusionOptions).
	Hybrid Mode = "hybrid"
)

// ParseMode accepts "lexical", "vector" and "hybrid" (and the short forms "lex", "vec",
// "hyb").
func ParseMode(s string) (Mode, error) {
	switch s {
	case "lexical", "lex", "bm25":
		return Lexical, nil
	case "vector", "vec", "knn":
		return Vector, nil
	case "hybrid", "hyb":
		return Hybrid, nil
	}
	return "", fmt.Errorf("%w: unknown mode %q (want lexical, vector or hybrid)", ErrInvalidQuery, s)
}

// Filter restricts a search to documents whose metadata matches. Build one in Go or parse
// the CLI syntax with ParseFilter.
type Filter = filter.Expr

// ParseFilter parses a filter expression such as `year>=2020 AND lang=en`,
// `tag in (go, rust)` or `draft != true`.
func ParseFilter(s string) (Filter, error) {
	e, err := filter.Parse(s)
	if err != nil {
		return Filter{}, invalidFilter{err}
	}
	return e, nil
}

// FusionOptions choose how hybrid search combines the two rankings: Method "rrf" (default),
// "linear" or "relative"; Alpha, the weight of the lexical side in [0,1] (default 0.5); RRFK
// (default 60).
type FusionOptions = fusion.Options

// Query is one search request.
type Query struct {
	// Text is the query text. Vector mode embeds it unless Vector is given.
	Text string
	// Vector is a query vector for vector and hybrid modes (instead of embedding Text).
	Vector []float32
	// Mode defaults to Hybrid in a collection with vectors, Lexical otherwise.
	Mode Mode
	// K is the number of results (default 10).
	K int
	// Offset skips this many of the best results, for paging: the hits are ranks
	// Offset+1 .. Offset+K of the full ranking.
	Offset int
	// Filter is a filter expression in the CLI syntax; Where is the same in Go form. When
	// both are set, a document must match both.
	Filter string
	Where  *Filter
	// Fusion configures hybrid mode.
	Fusion FusionOptions
	// Depth is how many candidates each side contributes to hybrid fusion (default
	// max(Offset+K, 100)).
	Depth int
	// EfSearch overrides the HNSW search breadth for this query (0 = the collection's).
	EfSearch int
	// Highlight fills each hit's Snippet: an excerpt of its content around the first query
	// word it contains, with the matching words' byte ranges, and the title's highlights.
	Highlight bool
	// SnippetLength is the snippet's length in characters (0 = 160).
	SnippetLength int
	// Explain fills each hit's Explain with the breakdown of its score.
	Explain bool
}

// Side is how one side (lexical or vector) ranked a result: its 1-based rank (0 = absent),
// its raw score and what it contributed to the final score.
type Side = fusion.Side

// Hit is one result. Its JSON form is the one every way into Vajra prints: the CLI's --json,
// the HTTP API and the Python package.
type Hit struct {
	ID string `json:"id"`
	// Score is the final score: BM25 in lexical mode, similarity in vector mode (cosine
	// similarity, inner product, or negated squared L2 distance), the fused score in hybrid.
	Score float64 `json:"score"`
	Title string  `json:"title"`
	// Metadata is the stored metadata; treat it as read-only.
	Metadata map[string]any `json:"metadata,omitempty"`
	// Snippet is filled when the query asks for highlights (Query.Highlight).
	Snippet *Snippet `json:"snippet,omitempty"`
	// Lexical and Vector describe each side's ranking; nil for a side that did not run.
	Lexical *Side `json:"lexical,omitempty"`
	Vector  *Side `json:"vector,omitempty"`
	// Explain is filled when the query asks for it (Query.Explain).
	Explain *Explanation `json:"explain,omitempty"`

	content string
}

// Results is the answer to a query.
type Results struct {
	Hits []Hit `json:"hits"`
	Mode Mode  `json:"mode"`
	// Terms are the analysed query terms (what lexical search matched), for highlighting.
	Terms []string `json:"terms"`
	// Took is the time the caller waited, snippets and explanations included. In JSON it is
	// "took_ms", in milliseconds.
	Took time.Duration `json:"-"`
	// TotalCandidates counts the distinct documents the ranking was cut from: the documents
	// retrieved by each side before Offset and K were applied.
	TotalCandidates int `json:"total_candidates"`
}

// MarshalJSON writes Took as "took_ms", and empty lists as [] rather than null.
func (r Results) MarshalJSON() ([]byte, error) {
	return r.appendJSON(make([]byte, 0, 256+512*len(r.Hits)))
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Results) UnmarshalJSON(b []byte) error {
	type plain Results
	var v struct {
		plain
		TookMS float64 `json:"took_ms"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = Results(v.plain)
	r.Took = time.Duration(v.TookMS * 1e6)
	return nil
}

// Search answers q. It may run concurrently with other searches and with writes; it sees the
// collection as of one moment.
func (c *Collection) Search(ctx context.Context, q Query) (_ *Results, err error) {
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	start := time.Now()
	mode, err := c.resolveMode(q)
	if err != nil {
		return nil, err
	}
	k := q.K
	if k <= 0 {
		k = 10
	}
	if q.Offset < 0 {
		return nil, fmt.Errorf("%w: offset %d is negative", ErrInvalidQuery, q.Offset)
	}
	want := q.Offset + k
	var qvec []float32
	if mode != Lexical {
		if qvec, err = c.queryVector(ctx, q); err != nil {
			return nil, err
		}
	}
	var terms []string
	if mode != Vector || q.Highlight {
		// Vector mode matches no terms, but highlighting shows where the query's words occur.
		terms = c.analyzer.AppendTerms(nil, q.Text)
	}

	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := c.readableLocked(); err != nil {
		return nil, err
	}
	allow, err := c.filterLocked(q)
	if err != nil {
		return nil, err
	}
	res := &Results{Mode: mode, Terms: terms}
	switch mode {
	case Lexical:
		hits, err := c.lexicalSearchLocked(terms, want, allow)
		if err != nil {
			return nil, err
		}
		res.TotalCandidates = len(hits)
		res.Hits = make([]Hit, 0, min(len(hits), k))
		for i, h := range hits[min(q.Offset, len(hits)):] {
			hit, ok, err := c.hitLocked(h.ID, q.Highlight)
			if err != nil {
				return nil, err
			}
			if ok {
				rank := q.Offset + i + 1
				hit.Score = float64(h.Score)
				hit.Lexical = &Side{Rank: rank, Score: float64(h.Score), Contribution: float64(h.Score)}
				res.Hits = append(res.Hits, hit)
			}
		}
	case Vector:
		hits, err := c.vectorSearchLocked(qvec, want, q.EfSearch, allow)
		if err != nil {
			return nil, err
		}
		res.TotalCandidates = len(hits)
		res.Hits = make([]Hit, 0, min(len(hits), k))
		for i, h := range hits[min(q.Offset, len(hits)):] {
			hit, ok, err := c.hitLocked(h.ID, q.Highlight)
			if err != nil {
				return nil, err
			}
			if ok {
				rank := q.Offset + i + 1
				hit.Score = h.Score
				hit.Vector = &Side{Rank: rank, Score: h.Score, Contribution: h.Score}
				res.Hits = append(res.Hits, hit)
			}
		}
	case Hybrid:
		depth := q.Depth
		if depth <= 0 {
			depth = max(want, 100)
		}
		depth = max(depth, want)
		lh, err := c.lexicalSearchLocked(terms, depth, allow)
		if err != nil {
			return nil, err
		}
		lex := make([]fusion.Ranked, len(lh))
		for i, h := range lh {
			lex[i] = fusion.Ranked{ID: h.ID, Score: float64(h.Score)}
		}
		vec, err := c.vectorSearchLocked(qvec, depth, max(q.EfSearch, depth), allow)
		if err != nil {
			return nil, err
		}
		f, _ := c.fusers.Get().(*fusion.Fuser)
		if f == nil {
			f = new(fusion.Fuser)
		}
		fused := f.Fuse(nil, lex, vec, 0, q.Fusion)
		c.fusers.Put(f)
		res.TotalCandidates = len(fused)
		fused = fused[min(q.Offset, len(fused)):min(want, len(fused))]
		res.Hits = make([]Hit, 0, len(fused))
		for _, f := range fused {
			hit, ok, err := c.hitLocked(f.ID, q.Highlight)
			if err != nil {
				return nil, err
			}
			if ok {
				hit.Score = f.Score
				l, v := f.Lexical, f.Vector
				hit.Lexical, hit.Vector = &l, &v
				res.Hits = append(res.Hits, hit)
			}
		}
	}
	if q.Highlight {
		for i := range res.Hits {
			h := &res.Hits[i]
			sn := makeSnippet(c.analyzer, h.content, terms, q.SnippetLength)
			sn.TitleHighlights = highlightRanges(c.analyzer, h.Title, terms)
			h.Snippet = &sn
		}
	}
	if q.Explain {
		for i := range res.Hits {
			h := &res.Hits[i]
			ex, err := c.explainHitLocked(mode, terms, qvec, h, q.Offset+i+1)
			if err != nil {
				return nil, err
			}
			h.Explain = ex
		}
	}
	res.Took = time.Since(start)
	return res, nil
}

func (c *Collection) resolveMode(q Query) (Mode, error) {
	mode := q.Mode
	if mode == "" {
		mode = Lexical
		if c.embedder != nil {
			mode = Hybrid
		}
	}
	switch mode {
	case Lexical:
	case Vector, Hybrid:
		if c.embedder == nil {
			return "", fmt.Errorf("%w: %s search needs vectors", ErrNoVectors, mode)
		}
	default:
		return "", fmt.Errorf("%w: unknown mode %q", ErrInvalidQuery, mode)
	}
	if err := q.Fusion.Validate(); err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidQuery, err)
	}
	return mode, nil
}

// queryVector returns the query's vector: given, or embedded from its text.
func (c *Collection) queryVector(ctx context.Context, q Query) ([]float32, error) {
	v := q.Vector
	if v == nil {
		if q.Text == "" {
			return nil, fmt.Errorf("%w: vector search needs query text or a query vector", ErrInvalidQuery)
		}
		vs, err := c.embedder.Embed(ctx, []string{q.Text})
		if err != nil {
			return nil, embedFailed(ErrInvalidQuery, "embed query", err)
		}
		if len(vs) != 1 {
			return nil, fmt.Errorf("%w: embedder returned %d vectors for one query", ErrInvalidQuery, len(vs))
		}
		v = vs[0]
	}
	if dim := c.vectorDim(); dim != 0 && len(v) != dim {
		return nil, fmt.Errorf("%w: %w: query vector has %d values, collection uses %d-d vectors", ErrInvalidQuery, ErrDimensionMismatch, len(v), dim)
	}
	metric, err := vector.ParseMetric(c.opts.Vector.Metric)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	if err := metric.Check(v); err != nil {
		return nil, fmt.Errorf("%w: query vector: %w", ErrInvalidQuery, err)
	}
	return v, nil
}

// filterLocked evaluates the query's filters to an allow-set (nil = everything).
func (c *Collection) filterLocked(q Query) (*bitset.Set, error) {
	var exprs []filter.Expr
	if q.Filter != "" {
		e, err := filter.Parse(q.Filter)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidFilter, err)
		}
		exprs = append(exprs, e)
	}
	if q.Where != nil {
		exprs = append(exprs, *q.Where)
	}
	if len(exprs) == 0 {
		return nil, nil
	}
	meta, err := c.metaIndexLocked()
	if err != nil {
		return nil, err
	}
	var allow *bitset.Set
	for _, e := range exprs {
		s, err := meta.Eval(e, c.live)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidFilter, err)
		}
		if allow == nil {
			allow = s
		} else {
			allow.And(s)
		}
	}
	return allow, nil
}

// vectorSearchLocked returns up to k (id, similarity) pairs, best first.
func (c *Collection) vectorSearchLocked(qvec []float32, k, ef int, allow *bitset.Set) ([]fusion.Ranked, error) {
	if c.vec == nil {
		return nil, nil
	}
	so := vector.SearchOptions{Ef: ef}
	if allow != nil {
		so.Filter = vector.AllowSet(allow)
	}
	hits, err := c.vec.Search(qvec, k, so)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidQuery, err)
	}
	out := make([]fusion.Ranked, len(hits))
	metric := c.vec.Options().Metric
	for i, h := range hits {
		out[i] = fusion.Ranked{ID: h.Label, Score: similarity(metric, h.Distance)}
	}
	return out, nil
}

// similarity turns an index distance (smaller is better) into a score (larger is better).
func similarity(m vector.Metric, d float32) float64 {
	if m == vector.Cosine {
		return 1 - float64(d)
	}
	return -float64(d)
}

// hitLocked builds the result entry of an internal id, with the content for snippets when
// withContent; false for ids not (or no longer) live, which a concurrent write can
// momentarily expose.
func (c *Collection) hitLocked(iid uint32, withContent bool) (Hit, bool, error) {
	if !c.live.Contains(iid) {
		return Hit{}, false, nil
	}
	r, ok, err := c.docs.hit(iid, withContent)
	if err != nil || !ok {
		return Hit{}, false, err
	}
	h := Hit{ID: r.id, Title: r.title, Metadata: r.metadata}
	if withContent {
		h.content = r.content
	}
	return h, true, nil
}

// lexicalSearchLocked runs a BM25 search. A damaged part of a segment that the search met
// is an error naming the segment's file.
func (c *Collection) lexicalSearchLocked(terms []string, k int, allow *bitset.Set) ([]lexical.Hit, error) {
	snap := c.lex.Snapshot()
	hits := snap.Search(lexical.NewQuery(terms), k, lexical.SearchOptions{Allow: allow})
	if err := c.lexicalErrLocked(snap); err != nil {
		return nil, err
	}
	return hits, nil
}

// lexicalErrLocked reports the damage found so far in the snapshot's segments, naming the
// file of the first damaged one.
func (c *Collection) lexicalErrLocked(snap *lexical.Snapshot) error {
	id, err := snap.Damage()
	if err == nil {
		return nil
	}
	if name, ok := c.lexFiles[id]; ok {
		return fmt.Errorf("%s: %w", c.path(name), err)
	}
	return fmt.Errorf("lexical segment %d: %w", id, err)
}

// FusionMethod names a hybrid fusion method: "rrf", "linear" or "relative".
type FusionMethod = fusion.Method
