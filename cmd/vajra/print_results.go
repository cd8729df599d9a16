package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vajrasearch/vajra"
)

// resultsJSON is the library's Results JSON with the query text in front: the one form the
// CLI prints with --json, named as the HTTP API and the Python package name it.
func resultsJSON(text string, res *vajra.Results) ([]byte, error) {
	body, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	q, err := json.Marshal(text)
	if err != nil {
		return nil, err
	}
	// body is a JSON object: splice "query" in as its first member.
	out := make([]byte, 0, len(body)+len(q)+10)
	out = append(out, `{"query":`...)
	out = append(out, q...)
	out = append(out, ',')
	return append(out, body[1:]...), nil
}

// printResults renders a result table: rank, score, title (query words highlighted), id, and
// a one-line snippet around the first hit. Everything it prints comes with the results
// (Query.Highlight), so printing never goes back to the collection.
func printResults(u *ui, res *vajra.Results, offset int) {
	if len(res.Hits) == 0 {
		fmt.Fprintln(u.out, u.style(ansiDim, "no results"))
	}
	for i, h := range res.Hits {
		title, titleHL := h.Title, [][2]int(nil)
		if h.Snippet != nil {
			titleHL = h.Snippet.TitleHighlights
		}
		if title == "" {
			title, titleHL = h.ID, nil
		}
		title, titleHL = truncateHighlighted(title, titleHL, max(u.width-30, 20))
		line := fmt.Sprintf("%3d  %s  %s", offset+i+1, u.style(ansiCyan, fmt.Sprintf("%8.4f", h.Score)),
			u.style(ansiBold, highlight(u, title, titleHL)))
		if h.Title != "" {
			line += "  " + u.style(ansiDim, termSafe(h.ID))
		}
		fmt.Fprintln(u.out, line)
		if sides := sidesLine(h); sides != "" {
			fmt.Fprintln(u.out, "     "+u.style(ansiDim, sides))
		}
		if sn := h.Snippet; sn != nil && sn.Text != "" {
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

// truncateHighlighted shortens s to n characters like truncateRunes and keeps the parts of
// the highlight ranges that survive the cut.
func truncateHighlighted(s string, ranges [][2]int, n int) (string, [][2]int) {
	t := truncateRunes(s, n)
	if t == s {
		return s, ranges
	}
	kept := len(strings.TrimSuffix(t, "…"))
	var out [][2]int
	for _, r := range ranges {
		if r[0] < kept {
			out = append(out, [2]int{r[0], min(r[1], kept)})
		}
	}
	return t, out
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

// highlight marks the byte ranges of s in bold yellow on a colour terminal, and escapes
// control characters (termSafe) in every part, so the ranges still point into s.
func highlight(u *ui, s string, ranges [][2]int) string {
	if len(ranges) == 0 {
		return termSafe(s)
	}
	var b strings.Builder
	prev := 0
	for _, r := range ranges {
		if r[0] < prev || r[1] > len(s) || r[0] >= r[1] {
			continue
		}
		b.WriteString(termSafe(s[prev:r[0]]))
		if u.colour {
			b.WriteString(ansiBold + ansiYellow + termSafe(s[r[0]:r[1]]) + ansiReset)
		} else {
			b.WriteString(termSafe(s[r[0]:r[1]]))
		}
		prev = r[1]
	}
	b.WriteString(termSafe(s[prev:]))
	return b.String()
}

func printExplanation(u *ui, ex *vajra.Explanation) {
	rank := "not in the results"
	if ex.Rank > 0 {
		rank = fmt.Sprintf("rank %d", ex.Rank)
	}
	fmt.Fprintf(u.out, "%s: score %.4f, %s (%s)\n", u.style(ansiBold, termSafe(ex.ID)), ex.Score, rank, ex.Mode)
	if l := ex.Lexical; l != nil {
		fmt.Fprintf(u.out, "BM25 %.4f over N=%d documents, field weights title=%d content=%d\n", l.Score, l.Docs, fieldWeight(l.FieldWeights, 0), fieldWeight(l.FieldWeights, 1))
		fmt.Fprintf(u.out, "  %-18s %4s %5s %7s %7s %9s %9s\n", "term", "qtf", "tf", "df", "idf", "dl/avgdl", "score")
		for _, t := range l.Terms {
			fmt.Fprintf(u.out, "  %-18s %4g %5d %7d %7.3f %4d/%-4.0f %9.4f\n", truncateRunes(termSafe(t.Term), 18), t.Weight, t.TF, t.DF, t.IDF, t.DL, t.AvgDL, t.Contribution)
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
