package corpus

import "fmt"

// Document is one unit of retrieval as read from a corpus.
type Document struct {
	ID      string
	Title   string
	Content string
	// Metadata holds the "metadata" object and every unknown top-level field, with values
	// as encoding/json decodes them into an `any` (string, float64, bool, nil, []any,
	// map[string]any). nil when there are none.
	Metadata map[string]any
	// Vector is the document's embedding when the input carries one, else nil.
	Vector []float32
}

// Query is one information need of an evaluation set.
type Query struct {
	ID, Text string
	Metadata map[string]any // every field other than the id and the text; nil when none
}

// Report says what a read saw, so that nothing is dropped silently.
type Report struct {
	// Source is the file or directory read.
	Source string
	// Lines counts the input lines seen, blank ones included (for a text directory: the
	// text files seen).
	Lines int
	// Read counts well-formed documents.
	Read int
	// Bad counts lines or files skipped as malformed (ReadOptions.SkipBad).
	Bad int
	// Duplicates counts documents whose id was already seen (Load only; Scan streams and
	// does not track ids).
	Duplicates int
	// Kept counts the documents delivered: passed to the callback by Scan, returned by Load.
	Kept int
	// BadErrors holds the first MaxBadErrors errors behind Bad.
	BadErrors []error
}

// MaxBadErrors is how many errors a Report keeps.
const MaxBadErrors = 10

func (r *Report) addBad(err error) {
	r.Bad++
	if len(r.BadErrors) < MaxBadErrors {
		r.BadErrors = append(r.BadErrors, err)
	}
}

// String summarises the report on one line.
func (r Report) String() string {
	return fmt.Sprintf("%s: %d lines, %d documents, %d bad, %d duplicates, %d kept",
		r.Source, r.Lines, r.Read, r.Bad, r.Duplicates, r.Kept)
}
