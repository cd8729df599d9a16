package vector

import "github.com/vajrasearch/vajra/internal/bitset"

// Filter restricts a search to the labels it allows. Allow is called from the searching
// goroutine, possibly many times per search, and must be safe for concurrent use when the
// same Filter serves concurrent searches.
type Filter interface {
	Allow(label uint32) bool
}

// SizedFilter is a Filter that can list what it allows. The index uses the size to estimate
// selectivity: a filter allowing fewer than Options.ExactBelow of the live vectors is
// answered by an exact scan over the allowed labels, which is both exact and faster than a
// graph walk that would have to step over mostly rejected nodes.
type SizedFilter interface {
	Filter
	// Size returns the number of allowed labels (labels absent from the index included).
	Size() int
	// ForEach calls fn for each allowed label in ascending order until fn returns false.
	ForEach(fn func(label uint32) bool)
}

// AllowSet allows exactly the labels in s. The set is read, not copied: it must not change
// while searches use the filter.
func AllowSet(s *bitset.Set) Filter { return allowSet{s: s, n: s.Len()} }

type allowSet struct {
	s *bitset.Set
	n int
}

func (f allowSet) Allow(label uint32) bool            { return f.s.Contains(label) }
func (f allowSet) Size() int                          { return f.n }
func (f allowSet) ForEach(fn func(label uint32) bool) { f.s.ForEach(fn) }

// DenySet allows every label not in s. The set is read, not copied: it must not change while
// searches use the filter. Its size bounds the selectivity from below (live vectors minus
// denied labels), so a deny set covering nearly everything is answered by an exact scan.
func DenySet(s *bitset.Set) Filter { return denySet{s: s, n: s.Len()} }

type denySet struct {
	s *bitset.Set
	n int
}

func (f denySet) Allow(label uint32) bool { return !f.s.Contains(label) }

// allowedEstimate returns a lower bound on how many of live vectors f allows, when f can
// tell; ok is false for filters that cannot (predicates).
func allowedEstimate(f Filter, live int) (n int, ok bool) {
	switch f := f.(type) {
	case SizedFilter:
		return f.Size(), true
	case denySet:
		return max(live-f.n, 0), true
	}
	return 0, false
}

// Predicate allows the labels for which fn returns true. fn must be safe for concurrent use
// when the filter serves concurrent searches.
func Predicate(fn func(label uint32) bool) Filter { return predicate(fn) }

type predicate func(uint32) bool

func (f predicate) Allow(label uint32) bool { return f(label) }
