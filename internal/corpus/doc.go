// Package corpus owns documents and their readers: JSON Lines files (plain or gzip'd), BEIR
// folders (corpus, queries and qrels), directories of text and Markdown files, and the
// default corpus embedded in the binary. It turns bytes on disk into Document and Query
// values and reports exactly what it read, skipped and why; it knows nothing about
// analysis, indexing or search.
//
// Usage:
//
//	docs, report, err := corpus.Load(ctx, "data/scifact", corpus.ReadOptions{})
//	// report: "data/scifact/corpus.jsonl: 5183 lines, 5183 documents, 0 bad, 0 duplicates, 5183 kept"
//
// # JSON Lines
//
// One JSON object per line; blank lines are skipped. Fields:
//
//   - "_id" or "id": a string, or an integer number (kept as its decimal text). Required and
//     non-empty. When both are present "_id" is the id and "id" is kept in Metadata.
//   - "content" or "text": a string. When both are present "content" is the content and
//     "text" is kept in Metadata.
//   - "title": a string (optional).
//   - "metadata": an object (optional); its members go to Document.Metadata.
//   - the vector field (ReadOptions.VectorField, default "vector"): an array of finite
//     numbers that fit float32 (optional; an empty array means no vector).
//   - any other top-level field is kept in Metadata under its own name, with the value as
//     encoding/json decodes it into an `any`.
//
// A null value counts as an absent field. When a key occurs twice in one object the last
// occurrence wins (as with encoding/json); members of the "metadata" object win over
// top-level fields of the same name. A field of the wrong type, invalid JSON, invalid UTF-8
// (encoding/json would silently replace it; we refuse to index mangled text) or a line
// longer than ReadOptions.MaxLineBytes is a *LineError naming the file, line and field.
//
// Queries (LoadQueries) follow the same rules with "_id"/"id" and "text"/"query"; every
// other field goes to Query.Metadata.
package corpus
