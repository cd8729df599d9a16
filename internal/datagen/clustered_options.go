package datagen

import (
	"errors"
	"fmt"
	"runtime"
)

// ErrBadOptions reports options a generator cannot run with.
var ErrBadOptions = errors.New("datagen: bad options")

// Defaults of the clustered model for the fields whose zero value is a valid choice and
// so is not replaced by EnsureDefaults.
const (
	DefaultFloor  = 0.01
	DefaultOffset = 0.5
	DefaultSeed   = 1
)

// ClusteredOptions describe a clustered vector set: a Gaussian mixture in a latent space
// whose per-dimension scale decays as exp(-j/Tau)+Floor, with Zipf-like cluster weights,
// per-cluster spread, a shared offset and a fixed random rotation (the model of the
// shared gen_clustered.py tool, with the same parameters and defaults).
type ClusteredOptions struct {
	// N is the number of base vectors (required).
	N int
	// Queries is the number of query vectors, fresh samples of the same mixture
	// (default 1,000).
	Queries int
	// Dim is the vector dimension (default 384).
	Dim int
	// Clusters is the number of mixture components (default 1,000).
	Clusters int
	// Seed selects the data set; 0 is a seed like any other (the command line default is
	// DefaultSeed).
	Seed uint64
	// Tau is the decay length of the per-dimension scale (default 35).
	Tau float64
	// Floor is added to every dimension's scale; 0 is valid (see DefaultFloor).
	Floor float64
	// SpreadLo and SpreadHi bound the per-cluster spread, drawn uniformly (default 0.7
	// and 1.1 when both are 0).
	SpreadLo, SpreadHi float64
	// Offset is the length of the shared offset relative to the typical latent norm,
	// the common direction real sentence embeddings have; 0 is valid (see DefaultOffset).
	Offset float64
	// K is the number of exact neighbours per query in the ground truth (default 100).
	K int
	// Metric is "cosine" (vectors L2-normalised, truth by cosine; the default) or "l2"
	// (not normalised, truth by squared Euclidean distance).
	Metric string
	// NoGroundTruth skips the exact neighbours.
	NoGroundTruth bool
	// Threads bounds the goroutines generating and scoring (default GOMAXPROCS). The
	// output does not depend on it.
	Threads int
	// Progress, when set, is called from one goroutine after each block of base vectors
	// is written, with the number written so far.
	Progress func(written int)
}

// EnsureDefaults fills the fields left at zero whose zero value is not meaningful.
func (o *ClusteredOptions) EnsureDefaults() {
	if o.Queries == 0 {
		o.Queries = 1000
	}
	if o.Dim == 0 {
		o.Dim = 384
	}
	if o.Clusters == 0 {
		o.Clusters = 1000
	}
	if o.Tau == 0 {
		o.Tau = 35
	}
	if o.SpreadLo == 0 && o.SpreadHi == 0 {
		o.SpreadLo, o.SpreadHi = 0.7, 1.1
	}
	if o.K == 0 {
		o.K = 100
	}
	if o.Metric == "" {
		o.Metric = "cosine"
	}
	if o.Threads <= 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
}

// maxK bounds the neighbours kept per query: every thread holds K of them for every query.
const maxK = 10000

// maxClusteredDim bounds the dimension: the rotation is a dense Dim×Dim matrix.
const maxClusteredDim = 8192

// Validate reports the first option out of range.
func (o *ClusteredOptions) Validate() error {
	switch {
	case o.N < 1 || o.N > 1<<31-1:
		return fmt.Errorf("%w: N %d out of range [1, %d]", ErrBadOptions, o.N, 1<<31-1)
	case o.Queries < 1 || o.Queries > 1<<20:
		return fmt.Errorf("%w: Queries %d out of range [1, %d]", ErrBadOptions, o.Queries, 1<<20)
	case o.Dim < 1 || o.Dim > maxClusteredDim:
		return fmt.Errorf("%w: Dim %d out of range [1, %d]", ErrBadOptions, o.Dim, maxClusteredDim)
	case o.Clusters < 1 || o.Clusters > 1<<24:
		return fmt.Errorf("%w: Clusters %d out of range [1, %d]", ErrBadOptions, o.Clusters, 1<<24)
	case !(o.Tau > 0) || o.Tau > 1e9:
		return fmt.Errorf("%w: Tau %g must be positive", ErrBadOptions, o.Tau)
	case !(o.Floor >= 0) || o.Floor > 1e9:
		return fmt.Errorf("%w: Floor %g must be non-negative", ErrBadOptions, o.Floor)
	case !(o.SpreadLo > 0) || !(o.SpreadHi >= o.SpreadLo) || o.SpreadHi > 1e9:
		return fmt.Errorf("%w: spread %g,%g must satisfy 0 < lo <= hi", ErrBadOptions, o.SpreadLo, o.SpreadHi)
	case !(o.Offset >= 0) || o.Offset > 1e9:
		return fmt.Errorf("%w: Offset %g must be non-negative", ErrBadOptions, o.Offset)
	case o.Metric != "cosine" && o.Metric != "l2":
		return fmt.Errorf("%w: Metric %q (want cosine or l2)", ErrBadOptions, o.Metric)
	}
	if !o.NoGroundTruth && (o.K < 1 || o.K > o.N || o.K > maxK) {
		return fmt.Errorf("%w: K %d out of range [1, min(N=%d, %d)]", ErrBadOptions, o.K, o.N, maxK)
	}
	return nil
}
