package datagen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/vector"
	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// smallSet is a set small enough for tests but spanning several generator blocks.
func smallSet(n int) ClusteredOptions {
	return ClusteredOptions{N: n, Queries: 30, Dim: 40, Clusters: 20, K: 15, Seed: 7,
		Floor: DefaultFloor, Offset: DefaultOffset}
}

func generate(t *testing.T, o ClusteredOptions) (storage.FS, *ClusteredMeta) {
	t.Helper()
	fsys := storage.NewMemFS()
	meta, err := GenerateClustered(context.Background(), fsys, "set", o)
	if err != nil {
		t.Fatal(err)
	}
	return fsys, meta
}

func readFile(t *testing.T, fsys storage.FS, name string) []byte {
	t.Helper()
	b, err := storage.ReadFile(fsys, "set/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestClusteredDeterministic checks that the thread count does not change a byte, and
// that a smaller set's base is a prefix of a larger one's.
func TestClusteredDeterministic(t *testing.T) {
	o := smallSet(2*blockRows + 100)
	o.Threads = 1
	one, _ := generate(t, o)
	o.Threads = 3
	three, _ := generate(t, o)
	for _, name := range []string{"base.fvecs", "query.fvecs", "groundtruth.ivecs", "groundtruth.dist.fvecs"} {
		if !bytes.Equal(readFile(t, one, name), readFile(t, three, name)) {
			t.Errorf("%s differs between 1 and 3 threads", name)
		}
	}
	small := smallSet(blockRows + 7)
	prefix, _ := generate(t, small)
	base := readFile(t, prefix, "base.fvecs")
	if !bytes.HasPrefix(readFile(t, one, "base.fvecs"), base) {
		t.Error("the smaller set's base is not a prefix of the larger set's")
	}
	if !bytes.Equal(readFile(t, prefix, "query.fvecs"), readFile(t, one, "query.fvecs")) {
		t.Error("queries depend on N")
	}
	other := smallSet(blockRows + 7)
	other.Seed++
	if fsys, _ := generate(t, other); bytes.Equal(readFile(t, fsys, "base.fvecs"), base) {
		t.Error("another seed gave the same base")
	}
}

// TestClusteredGroundTruth checks the truth files against a brute force over the written
// vectors, for both metrics.
func TestClusteredGroundTruth(t *testing.T) {
	for _, metric := range []string{"cosine", "l2"} {
		t.Run(metric, func(t *testing.T) {
			o := smallSet(blockRows + 500)
			o.Metric = metric
			fsys, meta := generate(t, o)
			base, dim, err := vector.ParseFvecs(readFile(t, fsys, "base.fvecs"))
			if err != nil {
				t.Fatal(err)
			}
			queries, _, err := vector.ParseFvecs(readFile(t, fsys, "query.fvecs"))
			if err != nil {
				t.Fatal(err)
			}
			ids, err := vector.ParseIvecs(readFile(t, fsys, "groundtruth.ivecs"))
			if err != nil {
				t.Fatal(err)
			}
			dists, _, err := vector.ParseFvecs(readFile(t, fsys, "groundtruth.dist.fvecs"))
			if err != nil {
				t.Fatal(err)
			}
			if dim != o.Dim || len(base) != o.N*dim || len(ids) != o.Queries || meta.NBase != o.N || *meta.KGT != o.K {
				t.Fatalf("shape: dim %d, %d base floats, %d truth rows, meta %+v", dim, len(base), len(ids), meta)
			}
			for j := range o.Queries {
				want := bruteForce(queries[j*dim:(j+1)*dim], base, dim, o.K, metric == "cosine")
				for i, c := range want {
					got := dists[j*o.K+i]
					if ids[j][i] != int32(c.id) || math.Abs(float64(got)-c.s) > 1e-6 {
						t.Fatalf("query %d rank %d: id %d dist %g, brute force id %d dist %g", j, i, ids[j][i], got, c.id, c.s)
					}
				}
			}
		})
	}
}

// bruteForce returns the k nearest rows by plain float64 arithmetic, with their distances
// in s.
func bruteForce(q, base []float32, dim, k int, cosine bool) []scored {
	norm := func(v []float32) float64 {
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s)
	}
	var all []scored
	for r := 0; r < len(base)/dim; r++ {
		b := base[r*dim : (r+1)*dim]
		var d float64
		if cosine {
			nq, nb := norm(q), norm(b)
			for i := range q {
				d += float64(q[i]) / nq * float64(b[i]) / nb
			}
			d = 1 - d
		} else {
			for i := range q {
				x := float64(q[i]) - float64(b[i])
				d += x * x
			}
		}
		all = append(all, scored{s: -d, id: int64(r)})
	}
	sortBest(all)
	all = all[:k]
	for i := range all {
		all[i].s = -all[i].s
	}
	return all
}

// TestClusteredDistribution checks the properties of the model that benchmarks rely on:
// unit vectors under cosine, a shared direction (mean random-pair cosine near the 0.12 of
// the reference generator, where independent directions would give 0), a low effective
// dimension (participation ratio of the covariance, 35 for the reference at dim 384) and
// Zipf-like cluster sizes.
func TestClusteredDistribution(t *testing.T) {
	o := ClusteredOptions{N: 6000, Queries: 10, Seed: 1, Floor: DefaultFloor, Offset: DefaultOffset, NoGroundTruth: true}
	fsys, meta := generate(t, o)
	base, dim, err := vector.ParseFvecs(readFile(t, fsys, "base.fvecs"))
	if err != nil {
		t.Fatal(err)
	}
	n := len(base) / dim
	for r := range n {
		var s float64
		for _, x := range base[r*dim : (r+1)*dim] {
			s += float64(x) * float64(x)
		}
		if math.Abs(s-1) > 1e-5 {
			t.Fatalf("row %d has squared norm %g", r, s)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var cosSum float64
	const pairs = 20000
	for range pairs {
		a, b := rng.IntN(n), rng.IntN(n)
		for i := range dim {
			cosSum += float64(base[a*dim+i]) * float64(base[b*dim+i])
		}
	}
	t.Logf("mean random-pair cosine %.3f, participation ratio %.1f", cosSum/pairs, participationRatio(base, dim))
	if c := cosSum / pairs; c < 0.07 || c > 0.18 {
		t.Errorf("mean random-pair cosine %.3f, want about 0.12", c)
	}
	if pr := participationRatio(base, dim); pr < 25 || pr > 50 {
		t.Errorf("participation ratio %.1f, want about 35", pr)
	}
	if s := meta.ClusterSizes; s[2] < 20*s[1] {
		t.Errorf("cluster sizes min/median/max %v: not Zipf-like", s)
	}
}

// participationRatio is (Σλ)²/Σλ² over the eigenvalues of the centred covariance, which
// is tr(C)²/‖C‖²_F, no eigendecomposition needed.
func participationRatio(data []float32, dim int) float64 {
	n := len(data) / dim
	mean := make([]float64, dim)
	for r := range n {
		for i := range dim {
			mean[i] += float64(data[r*dim+i]) / float64(n)
		}
	}
	// cov = Xᵀ·X with X the centred data, by the product kernel.
	xt := make([]float64, dim*n)
	x := make([]float64, n*dim)
	for r := range n {
		for i := range dim {
			v := float64(data[r*dim+i]) - mean[i]
			x[r*dim+i], xt[i*n+r] = v, v
		}
	}
	cov := make([]float64, dim*dim)
	kernel.Pack(x, dim, n, dim).MulAdd(cov, dim, xt, n, dim)
	var tr, fro float64
	for i := range dim {
		tr += cov[i*dim+i]
	}
	for _, c := range cov {
		fro += c * c
	}
	return tr * tr / fro
}

func TestClusteredMeta(t *testing.T) {
	fsys, meta := generate(t, smallSet(100))
	var got ClusteredMeta
	if err := json.Unmarshal(readFile(t, fsys, "meta.json"), &got); err != nil {
		t.Fatal(err)
	}
	if got.Dim != 40 || got.Metric != "cosine" || got.NBase != 100 || got.NQuery != 30 || got.KGT == nil || *got.KGT != 15 ||
		!got.Normalized || got.Source != meta.Source {
		t.Errorf("meta.json = %+v", got)
	}
	o := smallSet(100)
	o.NoGroundTruth = true
	fsys, meta = generate(t, o)
	if _, err := fsys.Stat("set/groundtruth.ivecs"); err == nil || meta.KGT != nil {
		t.Error("NoGroundTruth wrote ground truth")
	}
}

// TestClusteredReplacesOldSet checks that a new run removes the old set's truth, so a
// folder never mixes two sets' files.
func TestClusteredReplacesOldSet(t *testing.T) {
	fsys := storage.NewMemFS()
	if _, err := GenerateClustered(context.Background(), fsys, "set", smallSet(100)); err != nil {
		t.Fatal(err)
	}
	o := smallSet(100)
	o.NoGroundTruth = true
	if _, err := GenerateClustered(context.Background(), fsys, "set", o); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.Stat("set/groundtruth.ivecs"); err == nil {
		t.Error("old ground truth left beside new vectors")
	}
}

func TestClusteredCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	o := smallSet(20 * blockRows)
	o.Progress = func(int) { cancel() }
	fsys := storage.NewMemFS()
	_, err := GenerateClustered(ctx, fsys, "set", o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	for _, name := range []string{"base.fvecs", "meta.json"} {
		if _, err := fsys.Stat("set/" + name); err == nil {
			t.Errorf("%s written by a cancelled run", name)
		}
	}
}

func TestClusteredOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(o *ClusteredOptions)
	}{
		{"no N", func(o *ClusteredOptions) { o.N = 0 }},
		{"negative queries", func(o *ClusteredOptions) { o.Queries = -1 }},
		{"huge dim", func(o *ClusteredOptions) { o.Dim = maxClusteredDim + 1 }},
		{"negative tau", func(o *ClusteredOptions) { o.Tau = -1 }},
		{"NaN floor", func(o *ClusteredOptions) { o.Floor = math.NaN() }},
		{"spread reversed", func(o *ClusteredOptions) { o.SpreadLo, o.SpreadHi = 1.1, 0.7 }},
		{"negative offset", func(o *ClusteredOptions) { o.Offset = -0.5 }},
		{"metric", func(o *ClusteredOptions) { o.Metric = "ip" }},
		{"K above N", func(o *ClusteredOptions) { o.N, o.K = 10, 11 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := smallSet(100)
			tt.edit(&o)
			o.EnsureDefaults()
			if err := o.Validate(); !errors.Is(err, ErrBadOptions) {
				t.Errorf("Validate() = %v, want ErrBadOptions", err)
			}
		})
	}
	o := smallSet(10)
	o.K = 11
	o.NoGroundTruth = true
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		t.Errorf("K above N without ground truth: %v", err)
	}
}
