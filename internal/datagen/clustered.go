package datagen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vajrasearch/vajra/internal/storage"
)

// blockRows is how many base rows one generator stream covers. Blocks are the unit of
// parallel work; the rows of a block are drawn in order from the block's own stream, so
// the first N rows of a larger set are the N-row set (the ground truth aside).
const blockRows = 4096

// ClusteredMeta is what GenerateClustered writes to meta.json, in the fields the shared
// vector sets use.
type ClusteredMeta struct {
	Dim          int     `json:"dim"`
	Metric       string  `json:"metric"`
	NBase        int     `json:"n_base"`
	NQuery       int     `json:"n_query"`
	KGT          *int    `json:"k_gt"`
	DType        string  `json:"dtype"`
	Normalized   bool    `json:"normalized"`
	IDBase       int     `json:"id_base"`
	Source       string  `json:"source"`
	Method       string  `json:"method"`
	ClusterSizes [3]int  `json:"cluster_sizes_min_median_max"`
	Go           string  `json:"go"`
	Threads      int     `json:"threads"`
	Seconds      float64 `json:"seconds"`
	// GroundTruthSeconds is the part of Seconds spent scoring base rows against the
	// queries (summed over threads, divided by the thread count).
	GroundTruthSeconds float64 `json:"ground_truth_seconds"`
}

// GenerateClustered writes a clustered vector set into dir (created if needed):
// base.fvecs, query.fvecs and, unless o.NoGroundTruth, groundtruth.ivecs (the exact K
// nearest base rows of every query, nearest first, ties by lower id) and
// groundtruth.dist.fvecs (their distances: 1−cos, or squared L2), then meta.json.
//
// Base rows stream to disk as they are generated, so memory does not grow with N. Every
// file is written atomically, and meta.json, written last, is removed first: a folder
// without it holds an incomplete set. The same options give the same bytes whatever
// o.Threads (and whatever the CPU, for the vectors and ids: the arithmetic is the same
// chain of fused multiply-adds on every implementation).
func GenerateClustered(ctx context.Context, fsys storage.FS, dir string, o ClusteredOptions) (*ClusteredMeta, error) {
	start := time.Now()
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := storage.SyncMkdirAll(fsys, dir, 0o755); err != nil {
		return nil, err
	}
	for _, name := range []string{"meta.json", "groundtruth.ivecs", "groundtruth.dist.fvecs"} {
		if err := fsys.Remove(fsys.PathJoin(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove old %s: %w", name, err)
		}
	}
	mix := newMixture(&o)
	dim := o.Dim

	queries := make([]float32, o.Queries*dim)
	mix.sample(newRNG(o.Seed, streamQueries, 0), o.Queries, queries, make([]int32, o.Queries),
		make([]float64, o.Queries*dim), make([]float64, o.Queries*dim))
	err := storage.WriteFileAtomic(fsys, fsys.PathJoin(dir, "query.fvecs"), func(w io.Writer) error {
		_, err := w.Write(appendFvecs(nil, queries, dim))
		return err
	})
	if err != nil {
		return nil, err
	}

	g := &clusteredRun{o: &o, mix: mix, sizes: make([]int64, o.Clusters)}
	if !o.NoGroundTruth {
		g.truth = newExactTopK(queries, dim, o.K, o.Metric == "cosine")
	}
	err = storage.WriteFileAtomic(fsys, fsys.PathJoin(dir, "base.fvecs"), func(w io.Writer) error {
		return g.run(ctx, w)
	})
	if err != nil {
		return nil, err
	}

	meta := &ClusteredMeta{Dim: dim, Metric: o.Metric, NBase: o.N, NQuery: o.Queries, DType: "float32",
		Normalized: o.Metric == "cosine", Source: o.source(), Method: o.method(),
		ClusterSizes: medianSizes(g.sizes), Go: runtime.Version(), Threads: o.Threads}
	if g.truth != nil {
		ids, dists := g.truth.result(g.states)
		err := storage.WriteFileAtomic(fsys, fsys.PathJoin(dir, "groundtruth.ivecs"), func(w io.Writer) error {
			return writeIvecsRows(w, ids)
		})
		if err == nil {
			err = storage.WriteFileAtomic(fsys, fsys.PathJoin(dir, "groundtruth.dist.fvecs"), func(w io.Writer) error {
				return writeFvecsRows(w, dists)
			})
		}
		if err != nil {
			return nil, err
		}
		meta.KGT = &o.K
		meta.GroundTruthSeconds = round1(g.truthTime.Seconds() / float64(o.Threads))
	}
	meta.Seconds = round1(time.Since(start).Seconds())
	js, err := json.MarshalIndent(meta, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode meta.json: %w", err)
	}
	err = storage.WriteFileAtomic(fsys, fsys.PathJoin(dir, "meta.json"), func(w io.Writer) error {
		_, err := w.Write(append(js, '\n'))
		return err
	})
	if err != nil {
		return nil, err
	}
	return meta, nil
}

// clusteredRun is one generation of base rows: workers take blocks in order, generate
// and score them, and hand the encoded rows to the writer, which writes them in order.
type clusteredRun struct {
	o      *ClusteredOptions
	mix    *mixture
	truth  *exactTopK
	states []*topKState

	mu        sync.Mutex
	sizes     []int64
	truthTime time.Duration
}

// blockResult is a generated block, encoded as .fvecs rows, or the error that stopped it.
type blockResult struct {
	data []byte
	err  error
}

func (g *clusteredRun) run(ctx context.Context, w io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	o := g.o
	blocks := (o.N + blockRows - 1) / blockRows
	threads := min(o.Threads, blocks)
	// At most inflight blocks are generated but not yet written: the writer waits for the
	// lowest, and blocks are taken in order, so the lowest is always being worked on.
	inflight := 2*threads + 2
	slots := make(chan struct{}, inflight)
	free := make(chan []byte, inflight)
	done := make([]chan blockResult, blocks)
	for i := range done {
		done[i] = make(chan blockResult, 1)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	for range threads {
		var st *topKState
		if g.truth != nil {
			st = g.truth.newState()
			g.states = append(g.states, st)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.worker(ctx, st, &next, blocks, slots, free, done)
		}()
	}
	written := 0
	for b := range blocks {
		var res blockResult
		select {
		case res = <-done[b]:
		case <-ctx.Done():
			return fmt.Errorf("generate: %w", ctx.Err())
		}
		if res.err != nil {
			return res.err
		}
		if _, err := w.Write(res.data); err != nil {
			return err
		}
		written += min(blockRows, o.N-b*blockRows)
		if o.Progress != nil {
			o.Progress(written)
		}
		select {
		case free <- res.data[:0]:
		default:
		}
		<-slots
	}
	return nil
}

func (g *clusteredRun) worker(ctx context.Context, st *topKState, next *atomic.Int64, blocks int,
	slots chan struct{}, free chan []byte, done []chan blockResult) {
	dim := g.o.Dim
	const sub = 64 // rows generated and rotated at once: the rotation's rows stay in L2
	latent := make([]float64, sub*dim)
	rotated := make([]float64, sub*dim)
	rows := make([]float32, blockRows*dim)
	labels := make([]int32, blockRows)
	sizes := make([]int64, len(g.sizes))
	var truthTime time.Duration
	defer func() {
		g.mu.Lock()
		for i, s := range sizes {
			g.sizes[i] += s
		}
		g.truthTime += truthTime
		g.mu.Unlock()
	}()
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		b := int(next.Add(1)) - 1
		if b >= blocks {
			return
		}
		first := b * blockRows
		n := min(blockRows, g.o.N-first)
		rng := newRNG(g.o.Seed, streamBase, b)
		for r := 0; r < n; r += sub {
			m := min(sub, n-r)
			g.mix.sample(rng, m, rows[r*dim:(r+m)*dim], labels[r:r+m], latent, rotated)
		}
		for _, c := range labels[:n] {
			sizes[c]++
		}
		if st != nil {
			t0 := time.Now()
			g.truth.add(st, rows[:n*dim], first)
			truthTime += time.Since(t0)
		}
		var buf []byte
		select {
		case buf = <-free:
		default:
			buf = make([]byte, 0, n*(4+4*dim))
		}
		done[b] <- blockResult{data: appendFvecs(buf, rows[:n*dim], dim)}
		if ctx.Err() != nil {
			return
		}
	}
}

// medianSizes returns the smallest, median and largest cluster size.
func medianSizes(sizes []int64) [3]int {
	s := slices.Clone(sizes)
	slices.Sort(s)
	mid := s[len(s)/2]
	if len(s)%2 == 0 {
		mid = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return [3]int{int(s[0]), int(mid), int(s[len(s)-1])}
}

func round1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }

// source is the command line that regenerates the set.
func (o *ClusteredOptions) source() string {
	return fmt.Sprintf("synthetic: vajra gen vectors (model v%d) --n %d --nq %d --dim %d --clusters %d --seed %d "+
		"--tau %g --floor %g --spread %g,%g --offset %g --metric %s",
		modelVersion, o.N, o.Queries, o.Dim, o.Clusters, o.Seed, o.Tau, o.Floor, o.SpreadLo, o.SpreadHi, o.Offset, o.Metric)
}

func (o *ClusteredOptions) method() string {
	norm, dist := "not normalised", "squared L2"
	if o.Metric == "cosine" {
		norm, dist = "L2-normalised", "1 - cos"
	}
	return fmt.Sprintf("Gaussian mixture in a latent space with per-dimension scale exp(-j/tau)+floor, Zipf(0.7) "+
		"cluster weights, per-cluster spread U(lo,hi), shared offset, random rotation, %s; exact float64 "+
		"ground truth (ties by lower id), groundtruth.dist.fvecs = %s", norm, dist)
}
