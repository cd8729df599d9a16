package vajra

import (
	"context"

	"github.com/vajrasearch/vajra/internal/corpus"
)

// LoadOptions configure reading documents from files: SkipBad skips malformed lines (counted
// in the report) instead of failing on the first one.
type LoadOptions = corpus.ReadOptions

// LoadReport counts what reading a corpus did: lines seen, documents read, bad lines skipped
// (with the first errors), duplicates resolved (the last one wins) and documents kept.
type LoadReport = corpus.Report

// LoadDocuments reads documents from path: a JSONL file (optionally gzip-compressed) with
// `id`/`_id`, `title`, `content`/`text`, `metadata` and `vector` fields (other fields go to
// metadata), a BEIR folder (its corpus.jsonl), or a folder of .txt/.md files. A malformed
// line is an error naming the file and line unless o.SkipBad is set.
func LoadDocuments(ctx context.Context, path string, o LoadOptions) ([]Document, LoadReport, error) {
	return corpus.Load(ctx, path, o)
}

// DefaultCorpus returns the corpus built into Vajra: 5,000 English Wikipedia passages
// (CC BY-SA 4.0, Wikipedia contributors).
func DefaultCorpus() ([]Document, error) { return corpus.Default() }

// DefaultCorpusInfo describes the built-in corpus and its licence in one line.
func DefaultCorpusInfo() string { return corpus.DefaultInfo() }
