package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vajrasearch/vajra"
)

// queryFlags are the per-query settings shared by `search` and the REPL.
type queryFlags struct {
	k       int
	mode    string
	alpha   float64
	fusion  string
	filter  string
	ef      int
	depth   int
	explain string
	json    bool
}

func (q *queryFlags) register(fs interface {
	IntVar(*int, string, int, string)
	StringVar(*string, string, string, string)
	Float64Var(*float64, string, float64, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.IntVar(&q.k, "k", 10, "number of results")
	fs.StringVar(&q.mode, "m", "", "mode: lexical, vector or hybrid (default: hybrid with vectors, else lexical)")
	fs.StringVar(&q.mode, "mode", "", "same as -m")
	fs.Float64Var(&q.alpha, "alpha", 0.5, "hybrid: weight of the lexical (BM25) side in [0,1]; the vector side gets 1-alpha")
	fs.StringVar(&q.fusion, "fusion", "rrf", "hybrid fusion: rrf, linear or relative")
	fs.StringVar(&q.filter, "filter", "", "metadata filter, e.g. 'year>=2020 AND lang=en' or 'tag in (a, b)'")
	fs.IntVar(&q.ef, "ef", 0, "HNSW search breadth for vector queries (default: the profile's)")
	fs.IntVar(&q.depth, "depth", 0, "hybrid: candidates per side (default max(k, 100))")
	fs.StringVar(&q.explain, "explain", "", "explain the score of the document with this id")
	fs.BoolVar(&q.json, "json", false, "print JSON instead of a table")
}

func (q *queryFlags) wantsVectors() bool {
	m, err := vajra.ParseMode(q.mode)
	return err == nil && m != vajra.Lexical
}

func (q *queryFlags) query(text string) (vajra.Query, error) {
	var mode vajra.Mode
	if q.mode != "" {
		m, err := vajra.ParseMode(q.mode)
		if err != nil {
			return vajra.Query{}, usageError{err.Error()}
		}
		mode = m
	}
	if q.alpha < 0 || q.alpha > 1 {
		return vajra.Query{}, usagef("--alpha %g: want a number in [0,1]", q.alpha)
	}
	alpha := q.alpha
	return vajra.Query{Text: text, Mode: mode, K: q.k, Filter: q.filter, EfSearch: q.ef, Depth: q.depth,
		Fusion: vajra.FusionOptions{Method: vajraFusion(q.fusion), Alpha: &alpha}}, nil
}

func vajraFusion(s string) (m vajra.FusionMethod) { return vajra.FusionMethod(s) }

func runSearch(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("search", u)
	var src sourceFlags
	var qf queryFlags
	var text string
	fs.StringVar(&text, "q", "", "query text (without -q: a REPL on a terminal, else one query per input line)")
	fs.StringVar(&text, "query", "", "same as -q")
	src.register(fs, true)
	qf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(u.err, "Usage: vajra search [-q QUERY] [-c CORPUS | -i DIR] [-k 10] [-m lexical|vector|hybrid] [--filter EXPR] [--explain ID] [--json]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		if text != "" {
			return usagef("unexpected arguments %q", fs.Args())
		}
		text = strings.Join(fs.Args(), " ")
	}
	if qf.k <= 0 {
		return usagef("-k %d: want a positive number", qf.k)
	}
	if _, err := qf.query(""); err != nil {
		return err
	}
	c, what, err := src.open(ctx, u, qf.wantsVectors() || (text == "" && u.inIsTTY))
	if err != nil {
		return err
	}
	defer c.Close()
	if text == "" {
		if u.inIsTTY {
			return repl(ctx, u, c, what, &qf)
		}
		return searchLines(ctx, u, c, &qf, u.in)
	}
	return searchOnce(ctx, u, c, &qf, text)
}

// searchLines answers one query per input line (for scripts and pipes).
func searchLines(ctx context.Context, u *ui, c *vajra.Collection, qf *queryFlags, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if err := searchOnce(ctx, u, c, qf, line); err != nil {
			return err
		}
	}
	return sc.Err()
}

func searchOnce(ctx context.Context, u *ui, c *vajra.Collection, qf *queryFlags, text string) error {
	q, err := qf.query(text)
	if err != nil {
		return err
	}
	if qf.explain != "" {
		ex, err := c.Explain(ctx, q, qf.explain)
		if err != nil {
			return err
		}
		if qf.json {
			return printJSON(u, ex)
		}
		printExplanation(u, ex)
		return nil
	}
	res, err := c.Search(ctx, q)
	if err != nil {
		return err
	}
	if qf.json {
		return printJSON(u, jsonResults(c, text, res))
	}
	printResults(u, c, res)
	return nil
}

type jsonHit struct {
	Rank     int            `json:"rank"`
	ID       string         `json:"id"`
	Title    string         `json:"title,omitempty"`
	Score    float64        `json:"score"`
	Snippet  string         `json:"snippet,omitempty"`
	Lexical  *vajra.Side    `json:"lexical,omitempty"`
	Vector   *vajra.Side    `json:"vector,omitempty"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

type jsonResult struct {
	Query  string    `json:"query"`
	Mode   string    `json:"mode"`
	Terms  []string  `json:"terms"`
	TookMS float64   `json:"took_ms"`
	Hits   []jsonHit `json:"hits"`
}

func jsonResults(c *vajra.Collection, text string, res *vajra.Results) jsonResult {
	out := jsonResult{Query: text, Mode: string(res.Mode), Terms: res.Terms, TookMS: ms(res.Took), Hits: []jsonHit{}}
	if out.Terms == nil {
		out.Terms = []string{}
	}
	for i, h := range res.Hits {
		out.Hits = append(out.Hits, jsonHit{Rank: i + 1, ID: h.ID, Title: h.Title, Score: h.Score,
			Snippet: c.Snippet(h, res.Terms, 200).Text, Lexical: h.Lexical, Vector: h.Vector, Metadata: h.Metadata})
	}
	return out
}

func printJSON(u *ui, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(u.out, string(b))
	return err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// printResults renders a result table: rank, score, title (query words highlighted), id, and
// a one-line snippet around the first hit.
func printResults(u *ui, c *vajra.Collection, res *vajra.Results) {
	if len(res.Hits) == 0 {
		fmt.Fprintln(u.out, u.style(ansiDim, "no results"))
	}
	snipWidth := max(u.width-8, 40)
	for i, h := range res.Hits {
		title := h.Title
		if title == "" {
			title = h.ID
		}
		title = truncateRunes(title, max(u.width-30, 20))
		line := fmt.Sprintf("%3d  %s  %s", i+1, u.style(ansiCyan, fmt.Sprintf("%8.4f", h.Score)),
			u.style(ansiBold, highlight(u, title, c.Highlight(title, res.Terms))))
		if h.Title != "" {
			line += "  " + u.style(ansiDim, h.ID)
		}
		fmt.Fprintln(u.out, line)
		if sides := sidesLine(h); sides != "" {
			fmt.Fprintln(u.out, "     "+u.style(ansiDim, sides))
		}
		sn := c.Snippet(h, res.Terms, snipWidth)
		if sn.Text != "" {
			fmt.Fprintln(u.out, "     "+highlight(u, sn.Text, sn.Highlights))
		}
	}
	n := len(res.Hits)
	plural := "s"
	if n == 1 {
		plural = ""
	}
	fmt.Fprintln(u.out, u.style(ansiDim, fmt.Sprintf("%d result%s in %.2f ms (%s)", n, plural, ms(res.Took), res.Mode)))
}

// sidesLine describes hybrid results' per-side ranks.
func sidesLine(h vajra.Hit) string {
	if h.Lexical == nil || h.Vector == nil {
		return ""
	}
	side := func(name string, s *vajra.Side) string {
		if s.Rank == 0 {
			return name + " —"
		}
		return fmt.Sprintf("%s #%d (%.3f)", name, s.Rank, s.Score)
	}
	return side("bm25", h.Lexical) + "  " + side("vector", h.Vector)
}

// highlight marks the byte ranges of s: bold yellow on a terminal, [brackets] otherwise.
func highlight(u *ui, s string, ranges [][2]int) string {
	if len(ranges) == 0 {
		return s
	}
	var b strings.Builder
	prev := 0
	for _, r := range ranges {
		if r[0] < prev || r[1] > len(s) || r[0] >= r[1] {
			continue
		}
		b.WriteString(s[prev:r[0]])
		if u.colour {
			b.WriteString(ansiBold + ansiYellow + s[r[0]:r[1]] + ansiReset)
		} else {
			b.WriteString(s[r[0]:r[1]])
		}
		prev = r[1]
	}
	b.WriteString(s[prev:])
	return b.String()
}

func printExplanation(u *ui, ex *vajra.Explanation) {
	rank := "not in the results"
	if ex.Rank > 0 {
		rank = fmt.Sprintf("rank %d", ex.Rank)
	}
	fmt.Fprintf(u.out, "%s: score %.4f, %s (%s)\n", u.style(ansiBold, ex.ID), ex.Score, rank, ex.Mode)
	if l := ex.Lexical; l != nil {
		fmt.Fprintf(u.out, "BM25 %.4f over N=%d documents, field weights title=%d content=%d\n", l.Score, l.Docs, fieldWeight(l.FieldWeights, 0), fieldWeight(l.FieldWeights, 1))
		fmt.Fprintf(u.out, "  %-18s %4s %5s %7s %7s %9s %9s\n", "term", "qtf", "tf", "df", "idf", "dl/avgdl", "score")
		for _, t := range l.Terms {
			fmt.Fprintf(u.out, "  %-18s %4g %5d %7d %7.3f %4d/%-4.0f %9.4f\n", truncateRunes(t.Term, 18), t.Weight, t.TF, t.DF, t.IDF, t.DL, t.AvgDL, t.Contribution)
		}
	}
	if v := ex.Vector; v != nil {
		fmt.Fprintf(u.out, "vector: %s similarity %.4f\n", v.Metric, v.Similarity)
	}
	if ex.LexicalSide != nil && ex.VectorSide != nil {
		fmt.Fprintf(u.out, "fusion: bm25 rank %d contributes %.5f, vector rank %d contributes %.5f\n",
			ex.LexicalSide.Rank, ex.LexicalSide.Contribution, ex.VectorSide.Rank, ex.VectorSide.Contribution)
	}
}

func fieldWeight(w []int, i int) int {
	if i < len(w) {
		return w[i]
	}
	return 0
}
