package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/internal/vector"
)

// vectorBenchFlags are the flags of vajra bench vector.
type vectorBenchFlags struct {
	dir, efs, profile, metric, cpuprofile, quantization, tmp, load string
	m, efc, threads, k, nq, warmup, rescore, chunk                 int
	seed                                                           uint64
	asJSON, reopen, keep, warmPass, spill, cold                    bool
}

func benchVector(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("bench vector", u)
	var f vectorBenchFlags
	fs.StringVar(&f.dir, "data", "", "TEXMEX folder: base.fvecs, query.fvecs, groundtruth.ivecs, meta.json")
	intVar(fs, &f.m, "M", 0, 0, anyInt, "HNSW M (default: the profile's)")
	intVar(fs, &f.efc, "efc", 0, 0, anyInt, "HNSW efConstruction (default: the profile's)")
	fs.StringVar(&f.efs, "ef", "10,50,100,200", `search ef values, comma-separated ("default" = the profile's)`)
	intVar(fs, &f.threads, "threads", 0, 0, anyInt, "build threads (default: all CPUs)")
	fs.StringVar(&f.profile, "profile", "", "build profile: quality, fast, instant (explicit -M/-efc override it)")
	fs.StringVar(&f.metric, "metric", "", "metric (default: meta.json's)")
	fs.StringVar(&f.quantization, "quantization", "none", "codes the graph is walked on: none, sq8 or bq")
	intVar(fs, &f.rescore, "rescore", 0, 0, anyInt, "candidates a quantised search ranks exactly (0 = 3·k for sq8; for bq 10·k at 768 dimensions or more, 20·k below)")
	intVar(fs, &f.k, "k", 10, 1, anyInt, "neighbours per query")
	intVar(fs, &f.nq, "nq", 0, 0, anyInt, "use only the first N queries (0 = all)")
	intVar(fs, &f.warmup, "warmup", 200, 0, anyInt, "untimed queries before each timed pass")
	intVar(fs, &f.chunk, "chunk", 100_000, 1, anyInt, "base vectors read and added per call: the input is never held whole")
	fs.Uint64Var(&f.seed, "seed", 0, "build seed")
	fs.BoolVar(&f.asJSON, "json", false, "print JSON lines (the peer harness's fields)")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile of the build (of the queries with --load) to this file")
	fs.BoolVar(&f.reopen, "reopen", true, "save the index, drop it, and run the queries on the saved file opened again (open time and RSS after open are reported)")
	fs.StringVar(&f.tmp, "tmp", "", "folder for the saved index and the build's spill file (default: the system's temporary folder)")
	fs.BoolVar(&f.spill, "spill", true, "with sq8, keep the float32 vectors in a spill file in --tmp while building, not in the heap")
	fs.BoolVar(&f.keep, "keep", false, "keep the saved index file (its path is printed on stderr)")
	fs.BoolVar(&f.cold, "cold", false, "drop the saved index from the page cache before opening it (Linux): the open and the queries then read it from disk, and resident memory shows what they touched")
	fs.StringVar(&f.load, "load", "", "skip the build: open this saved index (as --keep left it) and run the queries on it")
	fs.BoolVar(&f.warmPass, "warm-pass", true, "before timing, run every query once at the largest ef, so that an index opened from a file has the pages queries read mapped (as an index in memory has)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.dir == "" {
		return usagef("bench vector needs --data DIR")
	}
	return runVectorBench(ctx, u, f)
}

func runVectorBench(ctx context.Context, u *ui, f vectorBenchFlags) error {
	vo, err := (vajra.VectorIndexOptions{Dim: 1, Metric: f.metric, Profile: f.profile, M: f.m, EfConstruction: f.efc,
		Quantization: f.quantization}).Resolved()
	if err != nil {
		return usageError{err.Error()}
	}
	efList := []int{vo.EfSearch}
	if f.efs != "default" {
		if efList, err = parseInts(f.efs); err != nil {
			return err
		}
	}
	threads := f.threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	queries, qdim, err := vector.ReadFvecs(filepath.Join(f.dir, "query.fvecs"))
	if err != nil {
		return err
	}
	gt, err := vector.ReadIvecs(filepath.Join(f.dir, "groundtruth.ivecs"))
	if err != nil {
		return err
	}
	metric := f.metric
	if metric == "" {
		metric = readMetric(f.dir)
	}
	base, err := vector.OpenFvecs(filepath.Join(f.dir, "base.fvecs"))
	if err != nil {
		return err
	}
	defer base.Close()
	n, dim := base.Rows(), base.Dim()
	if qdim != dim {
		return fmt.Errorf("%s: query vectors are %d-d, base vectors %d-d", f.dir, qdim, dim)
	}
	nQueries := len(queries) / dim
	if f.nq > 0 && f.nq < nQueries {
		nQueries = f.nq
	}
	if len(gt) < nQueries {
		return fmt.Errorf("%s: ground truth has %d rows for %d queries", f.dir, len(gt), nQueries)
	}

	rec := map[string]any{"engine": "vajra", "version": version(), "mode": "vector", "dataset": datasetName(f.dir),
		"n": n, "dim": dim, "metric": metric, "k": f.k, "M": vo.M, "efc": vo.EfConstruction, "threads": threads,
		"variant": "hnsw " + vo.Profile, "quantization": vo.Quantization, "rescore": f.rescore, "kernel": kernelName()}
	var searcher *vajra.VectorIndex
	var rssBase float64
	if f.load == "" {
		freeOSMemory()
		rssStart := rssMB()
		stopProfile, err := startCPUProfile(f.cpuprofile)
		if err != nil {
			return err
		}
		spill := ""
		if f.spill {
			if spill = f.tmp; spill == "" {
				spill = os.TempDir()
			}
		}
		idx, build, err := buildStreamed(ctx, base, vajra.VectorIndexOptions{Dim: dim, Metric: metric, Profile: f.profile,
			M: f.m, EfConstruction: f.efc, Seed: f.seed, Threads: threads, Quantization: f.quantization,
			SpillDir: spill}, f.chunk)
		stopProfile()
		if err != nil {
			return err
		}
		freeOSMemory()
		rec["build_s"] = round(build.Seconds(), 3)
		rec["index_mb"] = round(float64(idx.MemoryBytes())/(1<<20), 1)
		rec["bytes_per_vector"] = round(float64(idx.MemoryBytes())/float64(n), 1)
		// What the built index keeps resident once the input is dropped, over the process's
		// resident size before the build (queries and ground truth were read before).
		builtRSS := rssMB() - rssStart
		rec["built_rss_mb"] = round(builtRSS, 1)
		rec["built_rss_bytes_per_vector"] = round(builtRSS*(1<<20)/float64(n), 1)
		rec["build_peak_rss_mb"] = peakRSSMB()
		searcher, rssBase = idx, rssStart
		if f.reopen {
			path, err := saveIndex(idx, f, rec)
			if err != nil {
				return err
			}
			idx, searcher = nil, nil
			if searcher, err = reopen(path, f, rec); err != nil {
				return err
			}
		}
	} else {
		var err error
		if searcher, err = reopen(f.load, f, rec); err != nil {
			return err
		}
	}
	if f.reopen || f.load != "" {
		defer searcher.Close()
		// The open's resident cost: over the process's size just before the open.
		rssBase = rec["rss_before_open_mb"].(float64)
		o := searcher.Options()
		rec["quantization"], rec["M"], rec["efc"] = o.Quantization, o.M, o.EfConstruction
	}
	// What a search walks, which must stay resident to answer without faults: everything
	// but the float32 vectors, of which a quantised search reads only the few it rescores.
	hot := searcher.MemoryBytes() + searcher.MappedBytes()
	if q := rec["quantization"]; q != "none" {
		hot -= int64(n) * int64(dim) * 4
	}
	rec["hot_bytes_per_vector"] = round(float64(hot)/float64(n), 1)
	if q := rec["quantization"]; q != "none" {
		rec["variant"] = "hnsw " + vo.Profile + " " + q.(string)
	}
	if f.warmPass && len(efList) > 0 {
		so := vajra.VectorSearchOptions{Ef: max(slices.Max(efList), f.k), Rescore: f.rescore}
		for i := 0; i < nQueries; i++ {
			if _, err := searcher.Search(queries[i*dim:(i+1)*dim], f.k, so); err != nil {
				return err
			}
		}
		rec["rss_after_warm_mb"] = round(rssMB()-rssBase, 1)
	}
	if f.load != "" {
		// Nothing was built: the profile covers the queries.
		stopProfile, err := startCPUProfile(f.cpuprofile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	hits := make([]vajra.VectorHit, 0, f.k)
	for _, ef := range efList {
		efq := max(ef, f.k)
		so := vajra.VectorSearchOptions{Ef: efq, Rescore: f.rescore}
		search := func(i int) ([]vajra.VectorHit, error) {
			return searcher.SearchInto(hits[:0], queries[i*dim:(i+1)*dim], f.k, so)
		}
		for i := 0; i < min(f.warmup, nQueries); i++ {
			if _, err := search(i); err != nil {
				return err
			}
		}
		runtime.GC()
		lat := make([]time.Duration, nQueries)
		var recall float64
		for i := 0; i < nQueries; i++ {
			t0 := time.Now()
			res, err := search(i)
			lat[i] = time.Since(t0)
			if err != nil {
				return err
			}
			recall += overlap(res, gt[i], f.k)
			hits = res
		}
		l := summarise(lat)
		// Resident bytes of the index as the queries left it: heap and touched mapped pages.
		resident := rssMB() - rssBase
		anon, file := procStatusMB("RssAnon:"), procStatusMB("RssFile:")
		out := map[string]any{"ef": ef, "nq": nQueries, "p50_ms": round(l.p50, 4), "p99_ms": round(l.p99, 4),
			"rss_anon_mb": anon, "rss_file_mb": file,
			"qps": round(l.qps, 1), "recall_at_k": round(recall/float64(nQueries), 4), "mem_rss_mb": peakRSSMB(),
			"index_rss_mb": round(resident, 1), "rss_bytes_per_vector": round(resident*(1<<20)/float64(n), 1)}
		for k, v := range rec {
			out[k] = v
		}
		if err := emit(u, f.asJSON, out); err != nil {
			return err
		}
	}
	return nil
}

// buildStreamed adds the base vectors a chunk at a time, reserving room for all of them
// first, so that the input is never held whole beside the index; the build time counts the
// adds only, not the reads.
func buildStreamed(ctx context.Context, base *vector.FvecsReader, o vajra.VectorIndexOptions, chunk int) (*vajra.VectorIndex, time.Duration, error) {
	idx, err := vajra.NewVectorIndex(o)
	if err != nil {
		return nil, 0, err
	}
	n, dim := base.Rows(), base.Dim()
	start := time.Now()
	idx.Reserve(n)
	build := time.Since(start)
	buf := make([]float32, min(chunk, max(n, 1))*dim)
	keys := make([]uint32, min(chunk, max(n, 1)))
	for done := 0; done < n; {
		rows, err := base.Read(buf)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, err
		}
		if rows == 0 {
			return nil, 0, fmt.Errorf("base vectors: %d rows read of %d", done, n)
		}
		for i := range rows {
			keys[i] = uint32(done + i)
		}
		t0 := time.Now()
		if err := idx.Add(ctx, keys[:rows], buf[:rows*dim]); err != nil {
			return nil, 0, err
		}
		build += time.Since(t0)
		done += rows
	}
	return idx, build, nil
}

// saveIndex writes idx to a new file in the bench's temporary folder and returns its path.
func saveIndex(idx *vajra.VectorIndex, f vectorBenchFlags, rec map[string]any) (string, error) {
	dir := f.tmp
	if dir == "" {
		dir = os.TempDir()
	}
	tmp, err := os.CreateTemp(dir, "vajra-bench-*.vjh")
	if err != nil {
		return "", err
	}
	path := tmp.Name()
	tmp.Close()
	t0 := time.Now()
	if err := idx.Save(path); err != nil {
		os.Remove(path)
		return "", err
	}
	rec["save_s"] = round(time.Since(t0).Seconds(), 3)
	if st, err := os.Stat(path); err == nil {
		rec["index_file_mb"] = round(float64(st.Size())/(1<<20), 1)
	}
	return path, nil
}

// reopen opens the saved index once the built one is dropped, and records what that costs
// in rec: open_ms, open_rss_mb (the resident growth of the open), mapped_mb.
func reopen(path string, f vectorBenchFlags, rec map[string]any) (*vajra.VectorIndex, error) {
	if f.cold {
		if err := dropFromPageCache(path); err != nil {
			return nil, fmt.Errorf("--cold: %w", err)
		}
		rec["cold"] = true
	}
	runtime.GC()
	freeOSMemory()
	before := rssMB()
	t0 := time.Now()
	lx, err := vajra.LoadVectorIndex(path)
	open := time.Since(t0)
	if f.keep || f.load != "" {
		if f.keep {
			fmt.Fprintf(os.Stderr, "saved index: %s\n", path)
		}
	} else {
		// The mapping keeps the file's contents; the name can go.
		os.Remove(path)
	}
	if err != nil {
		return nil, err
	}
	rec["open_ms"] = round(float64(open.Microseconds())/1000, 2)
	rec["rss_before_open_mb"] = before
	rec["open_rss_mb"] = round(rssMB()-before, 1)
	rec["mapped_mb"] = round(float64(lx.MappedBytes())/(1<<20), 1)
	return lx, nil
}

// overlap is |found ∩ truth[:k]| / k.
func overlap(found []vajra.VectorHit, truth []int32, k int) float64 {
	want := make(map[int32]bool, k)
	for _, t := range truth[:min(k, len(truth))] {
		want[t] = true
	}
	hit := 0
	for _, f := range found {
		if want[int32(f.Label)] {
			hit++
		}
	}
	return float64(hit) / float64(k)
}

// kernelName reports which distance kernels ran ("avx2" or "generic"): numbers from
// different kernels are not comparable.
func kernelName() string { return vajra.KernelImplementation() }
