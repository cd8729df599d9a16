package vector

import (
	"fmt"
	"math"
	"runtime"
	"strings"
)

// Profile names a set of build parameters, trading build time for recall. A profile only
// fills parameters left at zero, so Options{Profile: ProfileFast, EfSearch: 80} keeps 80.
// The figures behind each choice are in the package documentation.
type Profile string

const (
	// ProfileQuality: M=16, EfConstruction=200, EfSearch=128 (recall@10 ≥ 0.99 on the
	// 50k×384 Wikipedia set). The default.
	ProfileQuality Profile = "quality"
	// ProfileFast: M=16, EfConstruction=32, EfSearch=96 (recall@10 ≥ 0.95), built in
	// under a quarter of the quality profile's time. A narrow construction beam with the
	// full M builds faster at equal recall than a smaller M with a wider beam (M=12,
	// EfConstruction=64 took 2.0 s for recall 0.964 where this takes 1.3 s for 0.961), at
	// the price of a longer search (0.10 ms against 0.08 ms).
	ProfileFast Profile = "fast"
	// ProfileInstant: M=8, EfConstruction=24, EfSearch=48 (recall@10 ≥ 0.85), built more
	// than five times faster than ProfileQuality.
	ProfileInstant Profile = "instant"
	// ProfileExact is accepted by NewIndex only: the index keeps a Flat (exact) index, which
	// costs nothing to build, until promoted to a graph profile.
	ProfileExact Profile = "exact"
)

type profileParams struct{ m, efc, ef int }

func (p Profile) params() (profileParams, bool) {
	switch p {
	case ProfileQuality:
		return profileParams{m: 16, efc: 200, ef: 128}, true
	case ProfileFast:
		return profileParams{m: 16, efc: 32, ef: 96}, true
	case ProfileInstant:
		return profileParams{m: 8, efc: 24, ef: 48}, true
	}
	return profileParams{}, false
}

// Quantization names how a graph index stores the vectors its searches walk on. The
// float32 vectors are kept either way: a quantised index walks the graph on short codes and
// rescores its best candidates with them (see the package documentation).
type Quantization string

const (
	// QuantNone walks on the float32 vectors themselves (the default; "" means it too).
	QuantNone Quantization = "none"
	// QuantSQ8 keeps one byte per dimension, scaled per dimension on a training sample: a
	// quarter of the float32 bytes, and distances within about 10⁻⁴ of the exact ones.
	QuantSQ8 Quantization = "sq8"
	// QuantBQ keeps one bit per dimension of the centred, randomly rotated vector
	// (RaBitQ-style), for models of 768 dimensions and more: 1/32 of the float32 bytes,
	// with a coarser estimate that needs more rescoring.
	QuantBQ Quantization = "bq"
)

// ParseQuantization reads "none" (or ""), "sq8" or "bq", case-insensitively.
func ParseQuantization(s string) (Quantization, error) {
	switch q := Quantization(strings.ToLower(strings.TrimSpace(s))); q {
	case "", QuantNone:
		return QuantNone, nil
	case QuantSQ8, QuantBQ:
		return q, nil
	}
	return "", fmt.Errorf("%w: unknown quantization %q (want none, sq8 or bq)", ErrBadOptions, s)
}

// quantized reports whether q keeps codes beside the float32 vectors.
func (q Quantization) quantized() bool { return q == QuantSQ8 || q == QuantBQ }

// rescoreFactor is the default number of candidates a quantised search of dim dimensions
// rescores, per result asked for: enough for the exact top k to be among them. sq8 ranks
// the exact top 10 within its top 20 almost always; bq's estimate is coarser the fewer the
// dimensions (its error shrinks as 1/√dim): at 768 dimensions the top 100 holds the exact
// top 10, at 384 it takes the top 200 for float32's recall.
func (q Quantization) rescoreFactor(dim int) int {
	switch {
	case q != QuantBQ:
		return 3
	case dim >= 768:
		return 10
	}
	return 20
}

// Limits on options, generous enough for any real use and small enough that sizes cannot
// overflow.
const (
	maxDim   = 1 << 16
	maxM     = 256
	maxEf    = 1 << 16
	maxLevel = 31
)

// Options configure an HNSW index. The zero value plus Dim is a usable configuration: the
// quality profile, cosine metric, all cores.
type Options struct {
	// Dim is the vector dimension (required).
	Dim int
	// Metric is the distance; the zero value is Cosine.
	Metric Metric
	// M is the number of neighbours a node links to on levels above 0 (and the number a new
	// node picks on every level). Larger M: better recall, slower build, more memory.
	M int
	// M0 is the neighbour capacity on level 0; 0 means 2·M.
	M0 int
	// EfConstruction is the candidate list size while inserting.
	EfConstruction int
	// EfSearch is the default candidate list size of a search (SearchOptions.Ef overrides
	// it per query; it is raised to k when smaller).
	EfSearch int
	// Seed drives level assignment. The same input, seed and options give the same index,
	// byte for byte, whatever Threads is.
	Seed uint64
	// Threads is the number of goroutines Add and Compact use; 0 means GOMAXPROCS.
	Threads int
	// Profile fills M, EfConstruction and EfSearch when they are zero; "" means quality.
	Profile Profile
	// ExactBelow is the filter selectivity (allowed labels / live vectors) below which a
	// filtered search scans the allowed vectors exactly instead of walking the graph; it
	// applies to filters that know their size (AllowSet). 0 means 0.05; negative disables.
	ExactBelow float64
	// RepairAt is the fraction of deleted nodes at which Add first repairs the neighbours
	// of deleted nodes and compacts them away; 0 means 0.1; negative means only on an
	// explicit Compact.
	RepairAt float64
	// Quantization chooses what searches walk the graph on: the float32 vectors (QuantNone,
	// the default) or short codes (QuantSQ8, QuantBQ), whose best candidates are then
	// rescored with the float32 vectors. A Flat index ignores it until promoted.
	Quantization Quantization
	// Rescore is how many candidates a quantised search rescores with the float32 vectors
	// (at least k, and the candidate list is made at least this long); 0 means 3·k for sq8
	// and, for bq, 10·k at 768 dimensions or more, 20·k below. SearchOptions.Rescore
	// overrides it per query.
	Rescore int
	// SpillDir, when set, is where an sq8 index keeps its float32 vectors while it is
	// built: an unnamed file there, read through a memory mapping, instead of the heap
	// (an sq8 build reads no vector but the inserted one's, so they need not be resident).
	// Like Threads it is not stored, and it changes nothing that is built.
	SpillDir string
}

// EnsureDefaults fills unset fields from the profile and the package defaults.
func (o *Options) EnsureDefaults() {
	if o.Profile == "" {
		o.Profile = ProfileQuality
	}
	if p, ok := o.Profile.params(); ok {
		if o.M == 0 {
			o.M = p.m
		}
		if o.EfConstruction == 0 {
			o.EfConstruction = p.efc
		}
		if o.EfSearch == 0 {
			o.EfSearch = p.ef
		}
	}
	if o.M0 == 0 {
		o.M0 = 2 * o.M
	}
	if o.ExactBelow == 0 {
		o.ExactBelow = 0.05
	}
	if o.RepairAt == 0 {
		o.RepairAt = 0.1
	}
	if o.Quantization == "" {
		o.Quantization = QuantNone
	}
}

// Validate reports the first unusable field. It expects EnsureDefaults to have run.
func (o Options) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadOptions}, a...)...)
	}
	switch {
	case o.Dim < 1 || o.Dim > maxDim:
		return bad("Dim %d out of range [1, %d]", o.Dim, maxDim)
	case !o.Metric.valid():
		return bad("unknown metric %d", o.Metric)
	case o.M < 2 || o.M > maxM:
		return bad("M %d out of range [2, %d]", o.M, maxM)
	case o.M0 < o.M || o.M0 > 2*maxM:
		return bad("M0 %d out of range [M=%d, %d]", o.M0, o.M, 2*maxM)
	case o.EfConstruction < 1 || o.EfConstruction > maxEf:
		return bad("EfConstruction %d out of range [1, %d]", o.EfConstruction, maxEf)
	case o.EfSearch < 1 || o.EfSearch > maxEf:
		return bad("EfSearch %d out of range [1, %d]", o.EfSearch, maxEf)
	case o.Threads < 0:
		return bad("Threads %d is negative", o.Threads)
	case o.ExactBelow > 1 || math.IsNaN(o.ExactBelow):
		return bad("ExactBelow %g above 1", o.ExactBelow)
	case o.RepairAt > 1 || math.IsNaN(o.RepairAt):
		return bad("RepairAt %g above 1", o.RepairAt)
	case o.Quantization != "" && o.Quantization != QuantNone && !o.Quantization.quantized():
		return bad("unknown quantization %q (want none, sq8 or bq)", o.Quantization)
	case o.Rescore < 0 || o.Rescore > maxEf:
		return bad("Rescore %d out of range [0, %d]", o.Rescore, maxEf)
	}
	if _, ok := o.Profile.params(); !ok {
		return bad("unknown profile %q (want quality, fast or instant)", o.Profile)
	}
	return nil
}

func (o Options) threads() int {
	if o.Threads > 0 {
		return o.Threads
	}
	return runtime.GOMAXPROCS(0)
}

// SearchOptions tune one search.
type SearchOptions struct {
	// Ef is the candidate list size; 0 means the index default (Options.EfSearch). It is
	// raised to k when smaller.
	Ef int
	// Filter, when set, restricts results to the labels it allows.
	Filter Filter
	// Rescore, for a quantised index, is how many candidates are rescored with the float32
	// vectors; 0 means the index default (Options.Rescore). It is raised to k when smaller,
	// and Ef to it.
	Rescore int
}

// Hit is one search result.
type Hit struct {
	Label uint32
	// Distance is 1−cos (Cosine), −dot (InnerProduct) or the squared Euclidean distance
	// (L2): smaller is closer. It is finite (see Metric for the one case it is clamped).
	Distance float32
}
