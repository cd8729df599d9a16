package eval

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrQrels reports a malformed qrels file.
var ErrQrels = errors.New("malformed qrels")

// maxQrelsLine bounds one line of a qrels file; real lines are a few dozen bytes.
const maxQrelsLine = 1 << 16

// ReadQrels reads relevance judgments in either of the two usual layouts, line by line:
//
//   - BEIR TSV: "query-id<TAB>corpus-id<TAB>score", with an optional header line (a first line
//     whose score column is not an integer, such as BEIR's "query-id corpus-id score");
//   - TREC: "query-id iteration doc-id grade", whitespace-separated (iteration is ignored).
//
// Grades are integers and may be 0 or negative (judged non-relevant). Blank lines are skipped.
// A pair judged twice with the same grade is accepted; with different grades it is an error.
// Errors name the line and wrap ErrQrels (or the reader's error).
func ReadQrels(r io.Reader) (Qrels, error) {
	q := Qrels{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxQrelsLine)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		query, doc, grade, err := parseQrelsLine(text)
		if err != nil {
			if line == 1 && isHeader(text) {
				continue
			}
			return nil, fmt.Errorf("qrels: line %d: %w", line, err)
		}
		rel := q[query]
		if rel == nil {
			rel = map[string]int{}
			q[query] = rel
		}
		if old, ok := rel[doc]; ok && old != grade {
			return nil, fmt.Errorf("qrels: line %d: query %q document %q judged %d here and %d before: %w", line, query, doc, grade, old, ErrQrels)
		}
		rel[doc] = grade
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("qrels: line %d: longer than %d bytes: %w", line+1, maxQrelsLine, ErrQrels)
		}
		return nil, fmt.Errorf("qrels: line %d: %w", line+1, err)
	}
	return q, nil
}

// parseQrelsLine splits one non-blank line into query id, document id and grade.
func parseQrelsLine(text string) (query, doc string, grade int, err error) {
	var fields []string
	if tabbed := strings.Split(text, "\t"); len(tabbed) == 3 {
		fields = tabbed
	} else {
		fields = strings.Fields(text)
		switch len(fields) {
		case 3:
		case 4:
			fields = []string{fields[0], fields[2], fields[3]}
		default:
			return "", "", 0, fmt.Errorf("%d fields, want 3 (query, document, score) or 4 (TREC: query, iteration, document, grade): %w", len(fields), ErrQrels)
		}
	}
	query, doc = strings.TrimSpace(fields[0]), strings.TrimSpace(fields[1])
	if query == "" || doc == "" {
		return "", "", 0, fmt.Errorf("empty query or document id: %w", ErrQrels)
	}
	score := strings.TrimSpace(fields[2])
	grade, convErr := strconv.Atoi(score)
	if convErr != nil {
		return "", "", 0, fmt.Errorf("score %q is not an integer: %w", score, ErrQrels)
	}
	return query, doc, grade, nil
}

// isHeader reports whether a first line that failed to parse is a column header: three
// columns whose last is a name, not a number.
func isHeader(text string) bool {
	f := strings.Split(text, "\t")
	if len(f) != 3 {
		f = strings.Fields(text)
	}
	if len(f) != 3 {
		return false
	}
	last := strings.TrimSpace(f[2])
	_, err := strconv.ParseFloat(last, 64)
	return last != "" && err != nil
}
