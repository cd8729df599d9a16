package corpus

import (
	"context"
	"fmt"
	"strings"

	"github.com/vajrasearch/vajra/internal/corpus/defaultcorpus"
)

// DefaultName labels the embedded corpus in reports and errors.
const DefaultName = "default:wikipedia-5k.jsonl.gz"

// Default returns the embedded default corpus: 5,000 English Wikipedia passages (see
// DefaultInfo), in their original order. Each call decodes a fresh copy.
func Default() ([]Document, error) {
	docs := make([]Document, 0, defaultcorpus.Passages)
	_, err := ScanJSONL(context.Background(), strings.NewReader(defaultcorpus.GzipJSONL()), DefaultName, ReadOptions{}, func(d Document) error {
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded corpus: %w", err)
	}
	return docs, nil
}

// DefaultInfo describes the embedded corpus on one line, with its licence and attribution.
func DefaultInfo() string { return defaultcorpus.Info }
