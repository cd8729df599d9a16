// Package vector owns Vajra's vector indexes: an exact Flat index and an HNSW graph index
// (hierarchical navigable small world, Malkov & Yashunin 2016) with deletes, upserts,
// filtered search and persistence; Index, a concurrent wrapper that can rebuild itself in
// the background under another build profile; and readers for the TEXMEX .fvecs/.ivecs
// files of the ANN benchmark sets. Distance kernels live in the kernel subpackage; metadata
// filter syntax, file placement and atomic writes belong to internal/filter and
// internal/storage.
//
// Usage:
//
//	x, _ := vector.NewIndex(vector.Options{Dim: 384})         // cosine, quality profile
//	_ = x.Add(ctx, labels, vecs)                               // vecs: len(labels)*384, row-major
//	hits, _ := x.Search(query, 10, vector.SearchOptions{})     // nearest first
//
// # Graph layout
//
// As in hnswlib: dense uint32 node ids in insertion order; one contiguous float32 arena of
// vectors (cosine vectors normalised once, at insert, so cosine is a dot product); a
// fixed-stride uint32 arena of level-0 lists (count, then up to M0 = 2·M ids); a sparse
// arena for the few nodes (1 in M) that reach upper levels; a node→label slice and a
// label→node table that is a slice while labels are dense and a map once they are not.
// Resident memory is about 4·dim + 4·(M0+1) + 20 bytes a vector (1,688 bytes at dim 384,
// M=16). Levels are floor(−ln U / ln M) with U drawn from a hash of (Seed, insertion
// number), and neighbours are picked with the heuristic of the paper's Algorithm 4 on
// insert and whenever a full list is pruned.
//
// # Quantised graphs
//
// With Options.Quantization set to QuantSQ8 or QuantBQ a graph keeps, beside the float32
// vectors, one short code a node (codes.go): sq8, one byte a dimension scaled per dimension
// on a training sample, whose distance to a query is an exact integer sum (kernel.DotSQ8);
// or bq, one bit a dimension of the centred, randomly rotated vector with RaBitQ's
// correction factors beside the bits in the same cache line. Searches walk the graph on the
// codes, keep the best Rescore candidates (by default 3·k for sq8; for bq 10·k at 768 dimensions or more, 20·k below) and rank
// those by their exact float32 distances, so the walk reads 4× (sq8) or ~16× (bq) fewer
// bytes a distance and the answer is ranked exactly. Inserts search the graph on the codes
// too; an sq8 index also chooses neighbours by distances between codes (kernel.DotSQ8Pair),
// so that a build reads no float32 vector but the inserted one's and, with Options.SpillDir,
// keeps them in an unnamed mapped file rather than the heap; a bq index chooses them by
// exact distances among the candidates found. What an sq8 search walks (codes, links,
// labels) is about 530 bytes a vector at 384 dimensions and M = 16; a bq one at 768
// dimensions, about 270. The quantiser is
// trained on an evenly spaced sample when the index first receives vectors, again each time
// it has doubled until the sample is 100,000 rows, and afresh by Promote; every step
// depends only on the data and the operation sequence, so builds stay deterministic.
//
// # Memory-mapped files
//
// OpenFile maps an index file instead of reading it: the structure and the graph's links,
// levels, labels and tombstones are checksummed and validated at open, while the float32
// vectors and the codes, most of the bytes, stay in the file until searches touch them
// (their checksums are checked by Index.Verify). A quantised index so opened reads only
// the codes it walks and the few vectors it rescores; writes keep its mapped vectors where
// they are and add new ones in memory. The risk of a mapping, a file truncated by another
// program while mapped, is turned into an error (storage.GuardFault) rather than a crash.
//
// # Deterministic parallel build
//
// Add inserts in batches whose sizes depend only on the graph size and the options. Each
// batch links its new nodes in parallel against the graph as it stood when the batch began
// (plus exact scores against the batch's earlier nodes), then applies the reverse links in
// parallel grouped by target node, then commits serially. No step depends on which
// goroutine does what, so the same input, options and seed give byte-identical files with
// any Threads, and no locks are taken while building.
//
// # Deletes and filters
//
// Delete tombstones nodes: they leave results at once and keep routing searches. Once
// tombstones pass Options.RepairAt of the nodes (10%), the next Add first repairs every
// list that points at a deleted node (re-selecting among the live neighbours and the
// deleted nodes' live neighbours) and compacts the arenas in place; Compact does it on
// demand. A Filter restricts results: the graph walk goes through every node but only
// allowed ones are returned (hnswlib's filtered search); a filter that can count what it
// allows (AllowSet, DenySet) and allows fewer than Options.ExactBelow (5%) of the live
// vectors is answered by an exact scan of the allowed vectors instead.
//
// # Profiles
//
// Measured on wiki-lsa-384-50k (50,000 × 384, cosine) with 2 threads on the 2-core
// development VM (AVX2 kernels); recall@10 at the profile's default EfSearch, median
// single-query latency:
//
//	profile   M   EfConstruction  EfSearch   build    recall@10   p50
//	quality  16   200             128        5.9 s    0.993       0.18 ms
//	fast     16   32              96         1.3 s    0.961       0.11 ms
//	instant   8   24              48         0.97 s   0.866       0.05 ms
//
// In the same sitting hnswlib 0.6.2 (C++, -O3 -march=native, M=16, efConstruction=200,
// 2 threads) built the set in 9.9 s and answered at ef=100 in 0.29 ms (recall 0.988);
// this package, with the same M and efConstruction, took 5.8 s and 0.15 ms (recall 0.988).
// Recall at ef 10/50/100/200 stays within 0.01 of hnswlib's.
//
// # Extreme values
//
// Add and every search refuse vectors with a NaN or infinite component (ErrNotFinite), all
// zeros under cosine (ErrZeroVector), and under L2 and inner product a squared norm above
// MaxNormSq = 2^125 (ErrOverflow), beyond which float32 distances could overflow to ±Inf
// and, summed, to NaN; Metric.Check applies the same rules for callers that check earlier.
// Cosine vectors are normalised in float64 first, so any finite non-zero one is fine.
// Index.AddLogged stores what versions before the norm limit accepted, for log replays.
// Whatever the stored floats, scores are never NaN (a NaN becomes +Inf, the worst), so
// candidates are totally ordered by (score, node id), and every loop over distances (the
// greedy descent, the layer searches, neighbour selection, repair, promotion) is bounded
// by the number of nodes as well: no input can make a search or a build run forever.
//
// # Concurrency
//
// HNSW and Flat allow concurrent searches but need exclusive writes. Index adds the locking:
// searches hold a read lock; writers are serialised and take the write lock only for the
// short steps that change what searches read (a batch's neighbour search runs beside them).
// Index serves from either through one internal interface (backing).
package vector
