package vector

import (
	"fmt"
	"math"
	"strings"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

// Metric is the distance an index ranks by.
//
// Internally every index uses a "smaller is closer" score: squared Euclidean distance for L2
// and the negated dot product for Cosine and InnerProduct (cosine vectors are normalised
// once, at insert, and queries once per search). Hit.Distance reports 1−cos for Cosine,
// −dot for InnerProduct and the squared Euclidean distance for L2, the conventions of
// hnswlib and the shared ground-truth files.
type Metric uint8

const (
	// Cosine ranks by cosine similarity (the zero value, the usual choice for text
	// embeddings). All-zero vectors are rejected.
	Cosine Metric = iota
	// L2 ranks by Euclidean distance.
	L2
	// InnerProduct ranks by the raw dot product, largest first.
	InnerProduct
)

// ParseMetric reads "cosine", "l2" or "ip" (case-insensitive; "euclidean", "dot" and
// "inner_product" are accepted as aliases).
func ParseMetric(s string) (Metric, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "cosine", "cos":
		return Cosine, nil
	case "l2", "euclidean":
		return L2, nil
	case "ip", "dot", "inner_product", "innerproduct":
		return InnerProduct, nil
	}
	return 0, fmt.Errorf("%w: unknown metric %q (want cosine, l2 or ip)", ErrBadOptions, s)
}

// String returns the name ParseMetric reads.
func (m Metric) String() string {
	switch m {
	case Cosine:
		return "cosine"
	case L2:
		return "l2"
	case InnerProduct:
		return "ip"
	}
	return fmt.Sprintf("metric(%d)", uint8(m))
}

func (m Metric) valid() bool { return m <= InnerProduct }

// usesDot reports whether the internal score is the negated dot product.
func (m Metric) usesDot() bool { return m != L2 }

// Every score an index compares comes from score or scoreRows, which never return NaN: a
// NaN (possible only with vectors no write accepts today, such as those of files written
// before the norm limit, or of a damaged but checksummed file) becomes +Inf, the worst
// score. Scores then compare as a total order, which is what lets every search, selection
// and repair loop terminate and tie-break deterministically, whatever the floats.
var worstScore = float32(math.Inf(1))

// score is the internal "smaller is closer" distance between two stored (or prepared)
// vectors; never NaN.
func (m Metric) score(a, b []float32) float32 {
	var d float32
	if m == L2 {
		d = kernel.L2Sq(a, b)
	} else {
		d = -kernel.Dot(a, b)
	}
	if d != d {
		return worstScore
	}
	return d
}

// scoreRows sets out[i] to the internal score between q and row ids[i] of base; never NaN.
func (m Metric) scoreRows(q, base []float32, ids []uint32, out []float32) {
	out = out[:len(ids)]
	if m == L2 {
		kernel.L2SqRows(q, base, ids, out)
		for i, d := range out {
			if d != d {
				out[i] = worstScore
			}
		}
		return
	}
	kernel.DotRows(q, base, ids, out)
	for i, d := range out {
		d = -d
		if d != d {
			d = worstScore
		}
		out[i] = d
	}
}

// reported converts an internal score to the distance shown in Hit.Distance. It is always
// finite: a score beyond the float32 range, possible only with vectors stored before the
// norm limit, is reported as ±MaxFloat32, so that callers can compute with distances and
// encode them (JSON has no infinities).
func (m Metric) reported(s float32) float32 {
	if m == Cosine {
		s++
	}
	return min(max(s, -math.MaxFloat32), math.MaxFloat32)
}

// MaxNormSq is the largest squared Euclidean norm of a vector an L2 or inner-product index
// accepts, stored or query: 2^125 (a norm of about 6.5e18). Two such vectors have
// |a·b| ≤ 2^125 (Cauchy–Schwarz, which bounds every partial sum a kernel accumulates too)
// and ‖a−b‖² ≤ 4·2^125 = 2^127, half the float32 range, so no distance overflows even with
// the kernels' rounding error. Cosine vectors are normalised in float64 before anything is
// computed with them, so under cosine any finite non-zero vector is accepted.
const MaxNormSq = 0x1p125

// acceptance says which vectors a write takes.
type acceptance uint8

const (
	// acceptSafe: finite, non-zero under cosine, squared norm within MaxNormSq. What Add
	// and every query take.
	acceptSafe acceptance = iota
	// acceptStored: acceptSafe without the norm limit, which versions before it did not
	// enforce, so logs and files may hold such vectors. What AddLogged and promotions take.
	acceptStored
)

// Check reports whether v is a vector an index with this metric accepts, as Add and
// Search check it: every component finite (ErrNotFinite), not all zeros under cosine
// (ErrZeroVector), and, under L2 and inner product, a squared norm within MaxNormSq
// (ErrOverflow). The error names the offending component or norm, not the vector: callers
// add the document, label or "query".
func (m Metric) Check(v []float32) error {
	_, err := m.check(v, acceptSafe)
	return err
}

// check validates v and returns its squared norm (in float64, exact enough for any finite
// float32 vector).
func (m Metric) check(v []float32, acc acceptance) (float64, error) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	// One test covers NaN and ±Inf: sum is then NaN or +Inf (a finite float32 squared
	// cannot overflow float64).
	if sum > math.MaxFloat64 || sum != sum {
		for i, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return 0, fmt.Errorf("%w: value %d is %v", ErrNotFinite, i, x)
			}
		}
	}
	switch {
	case m == Cosine && sum == 0:
		return 0, ErrZeroVector
	case m != Cosine && acc == acceptSafe && sum > MaxNormSq:
		return 0, fmt.Errorf("%w: squared norm %.3g exceeds %.3g, the most the %s metric takes", ErrOverflow, sum, float64(MaxNormSq), m)
	}
	return sum, nil
}

// prepare validates one vector for this metric and writes the form an index stores or
// searches with to dst (which may alias v): v itself, or under cosine v normalised.
func (m Metric) prepare(dst, v []float32, acc acceptance) error {
	sum, err := m.check(v, acc)
	if err != nil {
		return err
	}
	if m != Cosine {
		if &dst[0] != &v[0] {
			copy(dst, v)
		}
		return nil
	}
	inv := 1 / math.Sqrt(sum)
	for i, x := range v {
		dst[i] = float32(float64(x) * inv)
	}
	return nil
}

// Distance returns the distance a search would report between the query q and a stored
// vector (as Vector returns it, already normalised under cosine): q is validated and
// prepared exactly as Search prepares a query, so the figure matches Hit.Distance.
func (m Metric) Distance(q, stored []float32) (float32, error) {
	if len(q) != len(stored) {
		return 0, fmt.Errorf("query: %d values, stored vector has %d: %w", len(q), len(stored), ErrDimMismatch)
	}
	if len(q) == 0 {
		return 0, fmt.Errorf("query: %w", ErrDimMismatch)
	}
	p := make([]float32, len(q))
	if err := m.prepare(p, q, acceptSafe); err != nil {
		return 0, fmt.Errorf("query: %w", err)
	}
	return m.reported(m.score(p, stored)), nil
}
