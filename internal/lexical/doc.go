// Package lexical owns Vajra's BM25 engine: immutable segments of block-compressed postings,
// BM25F-style scoring, top-k retrieval with block-max MaxScore dynamic pruning, an exhaustive
// reference scorer that the fast path must match exactly, explanations of scores, incremental
// Add/Delete with deterministic tiered merging, and the binary encoding of segments.
//
// It does not analyse text: documents and queries arrive as already-analysed terms, one slice
// per field. It does not persist files either: callers write encoded segments and deletion
// sets wherever they like and rebuild an Index with Restore.
//
// Usage:
//
//	ix, _ := lexical.New(lexical.Options{})
//	_ = ix.Add([]lexical.Doc{{ID: 1, Fields: [][]string{{"title"}, {"some", "content"}}}})
//	hits := ix.Snapshot().Search(lexical.NewQuery([]string{"content"}), 10, lexical.SearchOptions{})
//
// # Scoring
//
// A document's score is the sum, over the query terms, of
//
//	weight · idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl))
//
// with the Lucene idf ln(1 + (N − df + 0.5)/(df + 0.5)), tf = Σ_f FieldWeights[f]·tf_f and
// dl = Σ_f FieldWeights[f]·len_f. N and avgdl come from the live documents of the snapshot.
// df counts the postings of every segment, including documents that are deleted but not yet
// merged away, as Lucene does; so that a term cannot get a negative idf while many deletes are
// pending, df is capped at N.
//
// Every search path (the pruned one, the term-at-a-time one and the exhaustive reference)
// and Explain compute each term's contribution with one shared function, and the scores they
// report are bit-identical. Contributions are rounded to a per-query power-of-two quantum
// (about 2^−51 of the largest possible score, far below float32 resolution), which makes
// their float64 sums exact and therefore independent of the order terms are added in: the
// reference and Explain add them in query order, the pruned search in whatever order its
// windows produce, and all get the same sum, rounded once to float32.
//
// Results are ordered by score descending, then by ID ascending. Documents are visited in
// increasing ID order (segments hold disjoint, increasing ID ranges), which is what makes
// "skip a document whose upper bound is <= the current k-th score" exact: a later document
// with an equal score loses the tie. A document is a result only if its score is positive.
//
// # Updates and persistence
//
// Add turns each batch into a new immutable segment and then applies a deterministic
// log-structured merge policy over adjacent segments: MergeFactor segments of one size class
// are merged, and a segment more than half deleted is rewritten. Delete only records
// tombstones, which merges drop. Readers take a Snapshot, an immutable view that one
// atomic load returns. Snapshot.Segments and Segment.Encode give what a storage layer needs
// to persist an index (segments plus deletion sets), DecodeSegment and Restore bring it back.
// OpenSegment brings a segment back in place instead, for memory-mapped files: it checks little
// at open and verifies each term's dictionary entry, blocks and postings (chunk checksums and
// every invariant) the first time a search reads them, keeping any damage it finds for
// Snapshot.Err.
package lexical
