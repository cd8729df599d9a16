// Package vajra is a small search engine: BM25 lexical search, HNSW vector search and hybrid
// (fused) search over one collection of documents, stored crash-safely in a directory.
//
// A collection is opened, filled and searched:
//
//	c, err := vajra.Create(dir, vajra.Options{Embedder: vajra.EmbedderOptions{Kind: "hash"}})
//	_, err = c.Upsert(ctx, []vajra.Document{{ID: "1", Title: "Café culture", Content: "..."}})
//	res, err := c.Search(ctx, vajra.Query{Text: "coffee house", Mode: vajra.Hybrid, K: 10})
//
// Everything acknowledged by Upsert or Delete survives a crash: writes go to a checksummed
// write-ahead log before they are applied, and Flush (or Close) publishes a snapshot of the
// documents and indexes with an atomic rename. Open replays the log on top of the newest
// snapshot. Searches may run concurrently with each other and with writes.
//
// One writer, many readers. Open for writing takes the collection's lock: a second writer, in
// this process or another, fails with ErrLocked, and the error names the process that holds
// it. OpenOptions.ReadOnly opens without the lock, beside a writer, as of that moment, and
// changes nothing on disk; Check does the same. Build fills a new collection in memory and
// writes it only when complete; Rebuild does so in place of an existing collection, under its
// lock, switching from the old files to the new ones with one atomic rename, so the directory
// always holds one complete collection. Create, Build, Rebuild and Remove refuse, and never
// change, a path that holds anything but a collection (ErrNotCollection).
//
// Open reads a collection in place: its document store and lexical segments are mapped into
// memory (read into it where the file system cannot map), opening checks their layout and the
// few parts every search needs, and each document, term and posting block is verified
// (checksums and structure) the first time it is read. Opening a large collection takes
// milliseconds, and resident memory grows with what searches touch. A damaged part is an
// error matching ErrCorrupt when it is read, and Check reads and verifies everything.
// Published files are never written again; a file another program truncates or rewrites
// while it is open is noticed (reads check the files at most once a second, and a read that
// faults on a truncated file returns ErrCorrupt instead of crashing), after which the
// collection refuses every call.
//
// The lexical side analyses text with Unicode word segmentation, case folding, an English stop
// list and Snowball stemming, and ranks with BM25 (title and content combined BM25F-style).
// The vector side embeds text with the collection's embedder (a built-in hashing embedder, an
// OpenAI-compatible HTTP service, or vectors supplied with the documents) and searches an HNSW
// graph. Hybrid search fuses both rankings, by default with reciprocal rank fusion.
package vajra
