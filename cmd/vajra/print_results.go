package main

import (
	"fmt"
	"strings"

	"github.com/vajrasearch/vajra"
)

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
