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

// clusteredRun is one generation of base rows: blocks are generated (and scored against
// the queries) in parallel and written in order.
type clusteredRun struct {
	o      *ClusteredOptions
	mix    *mixture
	truth  *exactTopK
	states []*topKState

	mu        sync.Mutex
	sizes     []int64
	truthTime time.Duration
}

// clusteredScratch is one goroutine's working memory.
type clusteredScratch struct {
	latent, rotated []float64
	rows            []float32
	labels          []int32
}

// rotateRows is how many rows are generated and rotated at once: the rotation's input
// rows stay in the L2 cache.
const rotateRows = 64

func (g *clusteredRun) run(ctx context.Context, w io.Writer) error {
	o := g.o
	dim := o.Dim
	blocks := (o.N + blockRows - 1) / blockRows
	threads := max(1, min(o.Threads, blocks))
	scratch := make([]*clusteredScratch, threads)
	for i := range scratch {
		scratch[i] = &clusteredScratch{latent: make([]float64, rotateRows*dim), rotated: make([]float64, rotateRows*dim),
			rows: make([]float32, blockRows*dim), labels: make([]int32, blockRows)}
		if g.truth != nil {
			g.states = append(g.states, g.truth.newState())
		}
	}
	written := 0
	return orderedBlocks(ctx, blocks, threads, func(worker, b int, buf []byte) ([]byte, error) {
		s := scratch[worker]
		first := b * blockRows
		n := min(blockRows, o.N-first)
		rng := newRNG(o.Seed, streamBase, b)
		for r := 0; r < n; r += rotateRows {
			m := min(rotateRows, n-r)
			g.mix.sample(rng, m, s.rows[r*dim:(r+m)*dim], s.labels[r:r+m], s.latent, s.rotated)
		}
		var truthTime time.Duration
		if g.truth != nil {
			t0 := time.Now()
			g.truth.add(g.states[worker], s.rows[:n*dim], first)
			truthTime = time.Since(t0)
		}
		g.mu.Lock()
		for _, c := range s.labels[:n] {
			g.sizes[c]++
		}
		g.truthTime += truthTime
		g.mu.Unlock()
		return appendFvecs(buf, s.rows[:n*dim], dim), nil
	}, func(b int, data []byte) error {
		if _, err := w.Write(data); err != nil {
			return err
		}
		written += min(blockRows, o.N-b*blockRows)
		if o.Progress != nil {
			o.Progress(written)
		}
		return nil
	})
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
