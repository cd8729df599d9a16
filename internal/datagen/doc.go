// Package datagen owns Vajra's synthetic benchmark data: a clustered vector set written as
// TEXMEX files with its exact ground truth, and a text corpus sampled from a word-level
// model of real passages. Both are deterministic: the same options and seed give the same
// bytes whatever the number of threads, so a benchmark can name its data by its options.
// It does not own reading those files back (internal/vector, internal/corpus) or running
// benchmarks (cmd/vajra).
package datagen
