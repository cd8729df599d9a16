package filter

import (
	"fmt"
	"strings"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// Eval returns the documents of universe that match e. universe is the set of live ids: "!="
// and "not in" match documents without the field, so they need it, and every result is a
// subset of it (a nil universe gives an empty result). The cost follows the postings the
// clauses select, plus one pass over the universe's words per clause; documents themselves
// are never scanned.
//
// Errors: e fails Validate (ErrInvalid, ErrType); a clause names a field no document in the
// index has (ErrUnknownField, naming the field); a range clause is on a field that has no
// numeric value (ErrType). The last two are *FieldError values.
func (ix *Index) Eval(e Expr, universe *bitset.Set) (*bitset.Set, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := ix.check(e); err != nil {
		return nil, err
	}
	if universe == nil {
		return &bitset.Set{}, nil
	}
	ev := evaluator{ix: ix, universe: universe, words: len(universe.Words())}
	return ev.expr(e), nil
}

// check reports clauses that name unknown fields or range over non-numeric fields.
func (ix *Index) check(e Expr) error {
	for _, c := range e.Clauses {
		f := ix.fields[c.Field]
		if f == nil {
			return newFieldError(c.Field, ErrUnknownField, "filter: unknown field %s%s", quoteIfNeeded(c.Field), ix.knownFields())
		}
		if c.Op.isRange() && f.nums.pairs == 0 {
			return newFieldError(c.Field, ErrType, "filter: %s: field %s has no numeric values", c, quoteIfNeeded(c.Field))
		}
	}
	for _, a := range e.Any {
		if err := ix.check(a); err != nil {
			return err
		}
	}
	return nil
}

// knownFields lists a few field names for an unknown-field message.
func (ix *Index) knownFields() string {
	const show = 8
	names := ix.Fields()
	if len(names) == 0 {
		return " (no document has metadata)"
	}
	quoted := make([]string, 0, show)
	for _, n := range names[:min(show, len(names))] {
		quoted = append(quoted, quoteIfNeeded(n))
	}
	more := ""
	if len(names) > show {
		more = fmt.Sprintf(", … %d more", len(names)-show)
	}
	return " (fields: " + strings.Join(quoted, ", ") + more + ")"
}

type evaluator struct {
	ix       *Index
	universe *bitset.Set
	words    int
}

func (ev *evaluator) expr(e Expr) *bitset.Set {
	acc := ev.universe.Clone()
	var matched *bitset.Set
	for _, c := range e.Clauses {
		if matched == nil {
			matched = bitset.New(ev.words * 64)
		} else {
			clear(matched.Words())
		}
		ev.positive(c, matched)
		if c.Op == OpNe || c.Op == OpNotIn {
			acc.AndNot(matched)
		} else {
			acc.And(matched)
		}
	}
	if len(e.Any) > 0 {
		union := bitset.New(ev.words * 64)
		for _, a := range e.Any {
			union.Or(ev.expr(a))
		}
		acc.And(union)
	}
	return acc
}

// positive sets in s the documents matching the clause with "!=" read as "=" and "not in"
// as "in".
func (ev *evaluator) positive(c Clause, s *bitset.Set) {
	f := ev.ix.fields[c.Field]
	switch {
	case c.Op == OpExists:
		f.has.addTo(s)
	case c.Op.isRange():
		bound, _ := c.Values[0].number()
		f.nums.rangeInto(c.Op, bound, s)
	default: // =, !=, in, not in
		for _, v := range c.Values {
			if text, ok := v.text(); ok {
				if p := f.strs[text]; p != nil {
					p.addTo(s)
				}
			}
			if num, ok := v.number(); ok {
				f.nums.lookupInto(num, s)
			}
			if v.Kind == KindBool {
				f.bools[b2i(v.Bool)].addTo(s)
			}
		}
	}
}
