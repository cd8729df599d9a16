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

// score is the internal "smaller is closer" distance between two stored (or prepared) vectors.
func (m Metric) score(a, b []float32) float32 {
	if m == L2 {
		return kernel.L2Sq(a, b)
	}
	return -kernel.Dot(a, b)
}

// scoreRows sets out[i] to the internal score between q and row ids[i] of base.
func (m Metric) scoreRows(q, base []float32, ids []uint32, out []float32) {
	if m == L2 {
		kernel.L2SqRows(q, base, ids, out)
		return
	}
	kernel.DotRows(q, base, ids, out)
	out = out[:len(ids)]
	for i := range out {
		out[i] = -out[i]
	}
}

// reported converts an internal score to the distance shown in Hit.Distance.
func (m Metric) reported(s float32) float32 {
	if m == Cosine {
		return 1 + s
	}
	return s
}

// prepare validates one vector for this metric and, for cosine, writes its normalised
// form to dst (which may alias v). It never names the vector: callers wrap the error with
// the label or "query".
func (m Metric) prepare(dst, v []float32) error {
	var sum float64
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return ErrNotFinite
		}
		sum += float64(x) * float64(x)
	}
	if m != Cosine {
		if &dst[0] != &v[0] {
			copy(dst, v)
		}
		return nil
	}
	if sum == 0 {
		return ErrZeroVector
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
	if err := m.prepare(p, q); err != nil {
		return 0, fmt.Errorf("query: %w", err)
	}
	return m.reported(m.score(p, stored)), nil
}
