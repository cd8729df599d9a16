package main

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/internal/vector"
)

func benchVector(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("bench vector", u)
	var dir, efs, profile, metric, cpuprofile string
	var m, efc, threads, k, nq, warmup int
	var seed uint64
	var asJSON bool
	fs.StringVar(&dir, "data", "", "TEXMEX folder: base.fvecs, query.fvecs, groundtruth.ivecs, meta.json")
	intVar(fs, &m, "M", 0, 0, anyInt, "HNSW M (default: the profile's)")
	intVar(fs, &efc, "efc", 0, 0, anyInt, "HNSW efConstruction (default: the profile's)")
	fs.StringVar(&efs, "ef", "10,50,100,200", `search ef values, comma-separated ("default" = the profile's)`)
	intVar(fs, &threads, "threads", 0, 0, anyInt, "build threads (default: all CPUs)")
	fs.StringVar(&profile, "profile", "", "build profile: quality, fast, instant (explicit -M/-efc override it)")
	fs.StringVar(&metric, "metric", "", "metric (default: meta.json's)")
	intVar(fs, &k, "k", 10, 1, anyInt, "neighbours per query")
	intVar(fs, &nq, "nq", 0, 0, anyInt, "use only the first N queries (0 = all)")
	intVar(fs, &warmup, "warmup", 200, 0, anyInt, "untimed queries before each timed pass")
	fs.Uint64Var(&seed, "seed", 0, "build seed")
	fs.BoolVar(&asJSON, "json", false, "print JSON lines (the peer harness's fields)")
	fs.StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile of the build to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if dir == "" {
		return usagef("bench vector needs --data DIR")
	}
	vo, err := (vajra.VectorIndexOptions{Dim: 1, Metric: metric, Profile: profile, M: m, EfConstruction: efc}).Resolved()
	if err != nil {
		return usageError{err.Error()}
	}
	efList := []int{vo.EfSearch}
	if efs != "default" {
		if efList, err = parseInts(efs); err != nil {
			return err
		}
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	freeOSMemory()
	rssStart := rssMB()
	base, dim, err := vector.ReadFvecs(filepath.Join(dir, "base.fvecs"))
	if err != nil {
		return err
	}
	queries, qdim, err := vector.ReadFvecs(filepath.Join(dir, "query.fvecs"))
	if err != nil {
		return err
	}
	if qdim != dim {
		return fmt.Errorf("%s: query vectors are %d-d, base vectors %d-d", dir, qdim, dim)
	}
	gt, err := vector.ReadIvecs(filepath.Join(dir, "groundtruth.ivecs"))
	if err != nil {
		return err
	}
	n, nQueries := len(base)/dim, len(queries)/dim
	if nq > 0 && nq < nQueries {
		nQueries = nq
	}
	if len(gt) < nQueries {
		return fmt.Errorf("%s: ground truth has %d rows for %d queries", dir, len(gt), nQueries)
	}
	if metric == "" {
		metric = readMetric(dir)
	}
	keys := make([]uint32, n)
	for i := range keys {
		keys[i] = uint32(i)
	}
	freeOSMemory() // the files' raw bytes are garbage now; keep them out of the peak
	stopProfile, err := startCPUProfile(cpuprofile)
	if err != nil {
		return err
	}
	start := time.Now()
	idx, err := vajra.NewVectorIndex(vajra.VectorIndexOptions{Dim: dim, Metric: metric, Profile: profile, M: m,
		EfConstruction: efc, Seed: seed, Threads: threads})
	if err != nil {
		return err
	}
	if err := idx.Add(ctx, keys, base); err != nil {
		return err
	}
	build := time.Since(start)
	stopProfile()
	// What stays resident once the input rows are dropped: the index, plus the queries and
	// ground truth (under 2 MB here), over the process's resident size before reading data.
	base = nil
	freeOSMemory()
	indexRSS := rssMB() - rssStart

	hits := make([]vajra.VectorHit, 0, k)
	for _, ef := range efList {
		efq := max(ef, k)
		search := func(i int) ([]vajra.VectorHit, error) {
			return idx.SearchInto(hits[:0], queries[i*dim:(i+1)*dim], k, vajra.VectorSearchOptions{Ef: efq})
		}
		for i := 0; i < min(warmup, nQueries); i++ {
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
			recall += overlap(res, gt[i], k)
			hits = res
		}
		l := summarise(lat)
		rec := map[string]any{"engine": "vajra", "version": version(), "mode": "vector", "dataset": datasetName(dir),
			"n": n, "dim": dim, "metric": metric, "nq": nQueries, "k": k, "M": vo.M, "efc": vo.EfConstruction, "ef": ef,
			"threads": threads, "build_s": round(build.Seconds(), 3), "p50_ms": round(l.p50, 4), "p99_ms": round(l.p99, 4),
			"qps": round(l.qps, 1), "recall_at_k": round(recall/float64(nQueries), 4), "mem_rss_mb": peakRSSMB(),
			"variant": "hnsw " + vo.Profile, "index_mb": round(float64(idx.MemoryBytes())/(1<<20), 1),
			"index_rss_mb": round(indexRSS, 1), "bytes_per_vector": round(float64(idx.MemoryBytes())/float64(n), 1),
			"rss_bytes_per_vector": round(indexRSS*(1<<20)/float64(n), 1), "kernel": kernelName()}
		if err := emit(u, asJSON, rec); err != nil {
			return err
		}
	}
	return nil
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
