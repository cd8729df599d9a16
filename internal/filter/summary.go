package filter

import (
	"cmp"
	"slices"
)

// FieldSummary describes one field of an Index, for suggesting filters.
type FieldSummary struct {
	Field string
	// Docs counts the documents holding at least one value in the field.
	Docs int
	// Strings, Numbers and Bools count the distinct values of each kind.
	Strings, Numbers, Bools int
	// Min and Max are the smallest and largest numbers (when Numbers > 0).
	Min, Max float64
	// Samples are values of the field, most frequent first (ties in kind order, string,
	// number, bool, then in value order), taken only from the kinds with at most
	// SummaryMaxDistinct distinct values, and only strings of at most SampleMaxBytes bytes:
	// a field whose values are mostly distinct (an id, a free text) has none worth
	// suggesting, and a bounded scan keeps the summary cheap.
	Samples []Value
}

// Bounds of a field summary's samples.
const (
	SummaryMaxDistinct = 1000
	SampleMaxBytes     = 64
)

// Summaries describes every field, sorted by name, with up to samples sample values each.
// The cost is bounded per field (SummaryMaxDistinct), whatever the number of documents.
func (ix *Index) Summaries(samples int) []FieldSummary {
	out := make([]FieldSummary, 0, len(ix.fields))
	for _, name := range ix.Fields() {
		out = append(out, ix.fields[name].summary(name, samples))
	}
	return out
}

type counted struct {
	v Value
	n int
}

func (f *fieldIndex) summary(name string, samples int) FieldSummary {
	s := FieldSummary{Field: name, Docs: f.has.len(), Strings: len(f.strs)}
	for _, b := range f.bools {
		if b.len() > 0 {
			s.Bools++
		}
	}
	var cand []counted
	nums := &f.nums
	s.Numbers = len(nums.main) - nums.empty + len(nums.delta)
	if s.Numbers > 0 {
		s.Min, s.Max = nums.extreme(false), nums.extreme(true)
	}
	if samples <= 0 {
		return s
	}
	if s.Strings <= SummaryMaxDistinct {
		for v, p := range f.strs {
			if len(v) <= SampleMaxBytes {
				cand = append(cand, counted{StringValue(v), p.len()})
			}
		}
	}
	if s.Numbers <= SummaryMaxDistinct {
		for _, es := range [][]numEntry{nums.main, nums.delta} {
			for _, e := range es {
				if n := nums.posts[e.slot].len(); n > 0 {
					cand = append(cand, counted{NumberValue(e.val), n})
				}
			}
		}
	}
	for i, b := range f.bools {
		if n := b.len(); n > 0 {
			cand = append(cand, counted{BoolValue(i == 1), n})
		}
	}
	slices.SortFunc(cand, func(a, b counted) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		if c := cmp.Compare(a.v.Kind, b.v.Kind); c != 0 {
			return c
		}
		switch a.v.Kind {
		case KindString:
			return cmp.Compare(a.v.Str, b.v.Str)
		case KindNumber:
			return cmp.Compare(a.v.Num, b.v.Num)
		}
		return cmp.Compare(b2i(a.v.Bool), b2i(b.v.Bool))
	})
	for _, c := range cand[:min(samples, len(cand))] {
		s.Samples = append(s.Samples, c.v)
	}
	return s
}

// extreme returns the largest number held or the smallest; the index must hold one.
// main may keep entries whose documents are gone, so the search skips them.
func (n *numericIndex) extreme(largest bool) float64 {
	var best float64
	found := false
	pick := func(v float64) {
		if !found || largest && v > best || !largest && v < best {
			best, found = v, true
		}
	}
	if len(n.delta) > 0 {
		pick(n.delta[0].val)
		pick(n.delta[len(n.delta)-1].val)
	}
	for i := range n.main {
		j := i
		if largest {
			j = len(n.main) - 1 - i
		}
		if n.posts[n.main[j].slot].len() > 0 {
			pick(n.main[j].val)
			break
		}
	}
	return best
}
