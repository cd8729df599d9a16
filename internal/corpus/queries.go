package corpus

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// LoadQueries reads a queries file (JSON Lines, gzip'd or not): "_id" or "id" plus "text"
// or "query", every other field kept in Metadata. Any malformed line, missing text or
// repeated id is an error naming the file and line.
func LoadQueries(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	opts := ReadOptions{}
	opts.EnsureDefaults()
	p := &lineParser{schema: querySchema}
	var qs []Query
	firstLine := make(map[string]int)
	var rep Report
	err = scanLines(context.Background(), f, path, opts, &rep, func(line []byte, lineNo int) error {
		if err := p.split(line); err != nil {
			return err
		}
		q, err := p.query()
		if err != nil {
			return err
		}
		if first, ok := firstLine[q.ID]; ok {
			return &fieldErr{"_id", fmt.Errorf("%w %q (first on line %d)", ErrDuplicateID, q.ID, first)}
		}
		firstLine[q.ID] = lineNo
		qs = append(qs, q)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return qs, nil
}

// LoadQrels reads relevance judgements: BEIR's tab-separated "query-id corpus-id score"
// (the header line is optional) or TREC's four columns "query-id iteration corpus-id
// score", gzip'd or not. It returns query id → corpus id → score. Scores are integers;
// a repeated (query, document) pair is an error, as is any malformed line, named by file
// and line.
func LoadQrels(path string) (map[string]map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	opts := ReadOptions{}
	opts.EnsureDefaults()
	qrels := make(map[string]map[string]int)
	var rep Report
	first := true
	err = scanLines(context.Background(), f, path, opts, &rep, func(line []byte, _ int) error {
		isFirst := first
		first = false
		if !utf8.Valid(line) {
			return ErrInvalidUTF8
		}
		s := string(line)
		var cols []string
		if strings.IndexByte(s, '\t') >= 0 {
			cols = strings.Split(s, "\t")
			for i := range cols {
				cols[i] = strings.TrimSpace(cols[i])
			}
		} else {
			cols = strings.Fields(s)
		}
		var q, d, score string
		switch len(cols) {
		case 3:
			q, d, score = cols[0], cols[1], cols[2]
		case 4:
			q, d, score = cols[0], cols[2], cols[3]
		default:
			return fmt.Errorf("%w qrels line: %d columns, want 3 (query-id, corpus-id, score) or 4 (TREC)", ErrSyntax, len(cols))
		}
		rel, err := strconv.Atoi(score)
		if err != nil {
			if isFirst && isQrelsHeader(q) {
				return nil
			}
			return &fieldErr{"score", fmt.Errorf("%w: %q is not an integer", ErrFieldType, score)}
		}
		if q == "" {
			return &fieldErr{"query-id", ErrEmptyField}
		}
		if d == "" {
			return &fieldErr{"corpus-id", ErrEmptyField}
		}
		docs := qrels[q]
		if docs == nil {
			docs = make(map[string]int)
			qrels[q] = docs
		}
		if _, dup := docs[d]; dup {
			return fmt.Errorf("%w: judgement for query %q and document %q repeated", ErrDuplicateID, q, d)
		}
		docs[d] = rel
		return nil
	})
	if err != nil {
		return nil, err
	}
	return qrels, nil
}

// isQrelsHeader recognises the first column of a header line ("query-id corpus-id score").
func isQrelsHeader(col string) bool {
	switch strings.ToLower(col) {
	case "query-id", "query_id", "queryid", "qid", "query":
		return true
	}
	return false
}
