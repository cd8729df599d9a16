// Package doccodec owns the byte layouts of a collection's documents: the records of its
// write-ahead log (a batch of upserted documents, a list of deleted ids) and its document
// store file, which holds the live documents of a snapshot with their internal ids and the
// lexical deletion sets.
//
// It does not own where those bytes go (internal/storage writes the log and the files) nor
// what a document means to the indexes. Every decoder rejects bytes it does not fully
// understand with an error marked as corruption (internal/corruption) and never panics.
package doccodec
