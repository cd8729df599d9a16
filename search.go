package vajra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/embed"
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
	// ExplainIDs names documents to explain without explaining the whole page: a listed
	// document that is a hit of this page gets its Explain filled; one that is not is
	// explained in Results.Explanations, with its rank in the full ranking (0 when the
	// search does not rank it within its depth: max(Offset+K, 1000) in lexical and vector
	// mode, the fused candidates in hybrid mode). An id that is not in the collection fails
	// the search with ErrNotFound.
	ExplainIDs []string
	// Count fills Results.TotalMatches. It costs a pass over the postings of every query
	// term (and, in vector and hybrid mode, over the documents the filter allows), which a
	// top-K search skips, so it is off unless asked for.
	Count bool
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
	// retrieved by each side before Offset and K were applied. In lexical and vector mode it
	// is at most Offset+K, so it does not say whether more results exist: HasMore does.
	TotalCandidates int `json:"total_candidates"`
	// HasMore reports that the full ranking holds documents after this page, so a search
	// for the next page (Offset+K) returns at least one hit. Lexical mode knows it exactly
	// (the search looks one hit further). Vector mode reports whether more documents with a
	// vector pass the filter than Offset+K; the ranking itself is approximate (HNSW), so a
	// filtered next page may hold fewer hits than K. Hybrid mode reports whether the fused
	// candidates go past this page, or, when the next page's search would go deeper
	// (Query.Depth), whether either side holds more candidates than this search took.
	HasMore bool `json:"has_more"`
	// TotalMatches, filled when the query asks for it (Query.Count), is the number of
	// documents in the full ranking, filter applied: in lexical mode those holding at least
	// one query term (every one BM25 can rank), in vector mode those with a vector, in
	// hybrid mode the union of both.
	TotalMatches *int `json:"total_matches,omitempty"`
	// Fusion is the fusion a hybrid search used, defaults filled in (nil in other modes).
	Fusion *FusionInfo `json:"fusion,omitempty"`
	// Explanations explain the documents of Query.ExplainIDs that are not hits of this
	// page, in the order they were listed.
	Explanations []Explanation `json:"explanations,omitempty"`
}

// FusionInfo is the fusion a hybrid search used: the method, the weight of the lexical side,
// RRF's rank constant (which only the "rrf" method uses) and how many candidates each side
// brought (Query.Depth after its default).
type FusionInfo struct {
	Method        FusionMethod `json:"method"`
	LexicalWeight float64      `json:"lexical_weight"`
	RRFK          float64      `json:"rrf_k"`
	Depth         int          `json:"depth"`
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
	var fused []fusion.Result // hybrid mode's whole fused list, for explaining beyond the page
	switch mode {
	case Lexical:
		// One hit past the page says whether another page exists. The top-k is exact with
		// ties broken by id, so the first want hits are those a search for want returns.
		hits, err := c.lexicalSearchLocked(terms, want+1, allow)
		if err != nil {
			return nil, err
		}
		res.HasMore = len(hits) > want
		hits = hits[:min(len(hits), want)]
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
		// Every document with a vector is in the full ranking; counting past want is enough.
		res.HasMore = c.vectorCountLocked(allow, want+1) > want
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
		depth := hybridDepth(q.Depth, want)
		// As in lexical mode, one candidate more (left out of the fusion) says whether
		// the lexical side goes on.
		lh, err := c.lexicalSearchLocked(terms, depth+1, allow)
		if err != nil {
			return nil, err
		}
		lexMore := len(lh) > depth
		lh = lh[:min(len(lh), depth)]
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
		fused = f.Fuse(nil, lex, vec, 0, q.Fusion)
		c.fusers.Put(f)
		res.TotalCandidates = len(fused)
		res.HasMore = len(fused) > want
		if !res.HasMore && hybridDepth(q.Depth, want+k) > depth {
			res.HasMore = lexMore || c.vectorCountLocked(allow, depth+1) > depth
		}
		fo := q.Fusion
		fo.EnsureDefaults()
		res.Fusion = &FusionInfo{Method: fo.Method, LexicalWeight: *fo.Alpha, RRFK: fo.RRFK, Depth: depth}
		page := fused[min(q.Offset, len(fused)):min(want, len(fused))]
		res.Hits = make([]Hit, 0, len(page))
		for _, f := range page {
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
	if q.Explain || len(q.ExplainIDs) > 0 {
		if err := c.explainResultsLocked(res, q, mode, terms, qvec, allow, fused, want); err != nil {
			return nil, err
		}
	}
	if q.Count {
		n, err := c.countLocked(mode, terms, allow)
		if err != nil {
			return nil, err
		}
		res.TotalMatches = &n
	}
	res.Took = time.Since(start)
	return res, nil
}

// hybridDepth is how many candidates each side brings to a hybrid search for the best want:
// Query.Depth, by default max(want, 100), and never fewer than want.
func hybridDepth(depth, want int) int {
	if depth <= 0 {
		depth = max(want, 100)
	}
	return max(depth, want)
}

// vectorCountLocked counts the documents with a vector that allow admits (nil: every one),
// stopping at limit (limit <= 0: no limit).
func (c *Collection) vectorCountLocked(allow *bitset.Set, limit int) int {
	if c.vec == nil {
		return 0
	}
	if allow == nil {
		return c.vec.Len()
	}
	n := 0
	allow.ForEach(func(id uint32) bool {
		if c.vec.Contains(id) {
			n++
		}
		return limit <= 0 || n < limit
	})
	return n
}

// countLocked counts the documents of the full ranking (Results.TotalMatches).
func (c *Collection) countLocked(mode Mode, terms []string, allow *bitset.Set) (int, error) {
	n := 0
	if mode != Lexical {
		n = c.vectorCountLocked(allow, 0)
	}
	if mode == Vector {
		return n, nil
	}
	snap := c.lex.Snapshot()
	snap.Matches(lexical.NewQuery(terms), lexical.SearchOptions{Allow: allow}, func(id uint32) bool {
		// In hybrid mode a document with a vector is counted already.
		if mode == Lexical || c.vec == nil || !c.vec.Contains(id) {
			n++
		}
		return true
	})
	if err := c.lexicalErrLocked(snap); err != nil {
		return 0, err
	}
	return n, nil
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
		if errors.Is(err, embed.ErrEmptyText) {
			// Said to the person who typed the query, not in the embedder's terms.
			return nil, fmt.Errorf("%w: the query %q has nothing to embed: vector and hybrid search need a word or a number in the query (or a query vector)",
				ErrInvalidQuery, q.Text)
		}
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
	for i, e := range exprs {
		s, err := meta.Eval(e, c.live)
		if err != nil {
			var fe *filter.FieldError
			if i == 0 && q.Filter != "" && errors.As(err, &fe) {
				err = fe.Located(q.Filter) // the text says where the field is
			}
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
