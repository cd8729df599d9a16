package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/internal/corpus"
)

// benchLexicalOnDisk measures a collection on disk (bench lexical --index DIR). When DIR
// holds no collection, the corpus is built into it (build_s, build_peak_rss_mb) and the rest
// is measured by a fresh run of this command on the built collection, so that the resident
// memory after open is the open's, not what the build left in this process. On an existing
// collection it opens it read-only (open_ms, rss_after_open_mb), reads the queries and runs
// the usual passes.
func benchLexicalOnDisk(ctx context.Context, u *ui, src *sourceFlags, tf *textBenchFlags) error {
	dir := tf.index
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err != nil {
		return buildThenMeasure(ctx, u, src, tf)
	}
	if src.corpus != "" && tf.queries == "" {
		return usagef("--index on an existing collection needs --queries (or --beir)")
	}
	threads := benchThreads(src)
	start := time.Now()
	c, err := vajra.Open(dir, vajra.OpenOptions{ReadOnly: true, Threads: threads})
	if err != nil {
		return err
	}
	defer c.Close()
	openTime := time.Since(start)
	rec := map[string]any{"engine": "vajra", "version": version(), "mode": "lexical", "dataset": datasetName(dir),
		"n_docs": c.Len(), "k": tf.k, "depth": tf.depth, "threads": threads,
		"open_ms": round(float64(openTime.Microseconds())/1000, 3), "rss_after_open_mb": rssMB()}
	set, err := queriesOnly(ctx, u, src, tf)
	if err != nil {
		return err
	}
	rec["nq"] = len(set.queries)
	if err := measureLexical(ctx, c, set, tf, rec); err != nil {
		return err
	}
	size := dirSize(dir)
	rec["index_bytes"] = size
	if n := c.Len(); n > 0 {
		rec["disk_bytes_per_doc"] = round(float64(size)/float64(n), 1)
	}
	return emit(u, tf.json, rec)
}

// queriesOnly reads what the passes need besides the collection: the queries file, or a BEIR
// folder (whose corpus is read too, after the open was measured).
func queriesOnly(ctx context.Context, u *ui, src *sourceFlags, tf *textBenchFlags) (*textSet, error) {
	if tf.beir != "" {
		return loadBEIRSet(ctx, u, tf.beir, tf.split, src.skipBad)
	}
	if tf.queries == "" {
		return nil, usagef("give --queries FILE or --beir DIR")
	}
	qs, err := corpus.LoadQueries(tf.queries)
	if err != nil {
		return nil, err
	}
	return &textSet{queries: qs, all: qs}, nil
}

// buildThenMeasure builds the corpus into tf.index, then runs this command again on it and
// adds the build's figures to that run's record.
func buildThenMeasure(ctx context.Context, u *ui, src *sourceFlags, tf *textBenchFlags) error {
	set, err := tf.load(ctx, u, src)
	if err != nil {
		return err
	}
	threads := benchThreads(src)
	o, err := src.options(false)
	if err != nil {
		return err
	}
	o.Threads = threads
	stopProfile, err := startCPUProfile(tf.cpuprofile)
	if err != nil {
		return err
	}
	start := time.Now()
	c, err := vajra.Build(ctx, tf.index, o, func(ctx context.Context, c *vajra.Collection) error {
		_, err := c.Upsert(ctx, set.docs)
		return err
	})
	if err != nil {
		return err
	}
	build := time.Since(start)
	stopProfile()
	if err := c.Close(); err != nil {
		return err
	}
	buildPeak := peakRSSMB()
	name := set.name
	set = nil
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	args := []string{"bench", "lexical", "--index", tf.index, "--json", "--threads", strconv.Itoa(threads),
		"-k", strconv.Itoa(tf.k), "--depth", strconv.Itoa(tf.depth), "--warmup", strconv.Itoa(tf.warmup),
		"--warmup-s", strconv.FormatFloat(tf.warmupS, 'g', -1, 64)}
	if tf.beir != "" {
		args = append(args, "--beir", tf.beir, "--split", tf.split)
	} else {
		args = append(args, "--queries", tf.queries)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, u.err
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("measure the built collection (%s %v): %w", exe, args, err)
	}
	var rec map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &rec); err != nil {
		return fmt.Errorf("measure the built collection: %q: %w", out.String(), err)
	}
	rec["dataset"] = name
	rec["build_s"] = round(build.Seconds(), 3)
	rec["build_peak_rss_mb"] = buildPeak
	return emit(u, tf.json, rec)
}
