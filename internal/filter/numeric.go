package filter

import (
	"cmp"
	"math"
	"slices"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// numEntry is one distinct numeric value of a field; its documents are posts[slot]. Entries
// hold no pointers, so the sorted arrays are cheap to move and invisible to the GC.
type numEntry struct {
	val  float64
	slot uint32
}

// numericIndex keeps a field's distinct numbers in order so that range clauses binary-search
// their bounds and touch only the matching values. Keeping one sorted array up to date would
// cost O(distinct values) per new value; instead new values go to a small sorted delta array
// that is merged into the main one once it outgrows sqrt(len(main)), which bounds the
// amortised cost of a new value to O(sqrt(distinct values)) and keeps every read a pair of
// binary searches. The structure is always consistent: there is no deferred work, so
// concurrent readers need no write lock.
type numericIndex struct {
	main  []numEntry // sorted by val, distinct; may hold entries whose postings became empty
	delta []numEntry // sorted by val, distinct, disjoint from main; never holds empty entries
	posts []postings // documents per slot
	free  []uint32   // unused slots
	empty int        // entries of main with empty postings
	pairs int        // (value, document) pairs held
	// docs holds the documents with at least one number. When every such document has
	// exactly one (pairs == len(docs)), a range selecting most values is answered as docs
	// minus the complementary range.
	docs postings
}

const minDelta = 32

func searchEntries(es []numEntry, v float64) (int, bool) {
	return slices.BinarySearchFunc(es, v, func(e numEntry, v float64) int { return cmp.Compare(e.val, v) })
}

// canonical folds −0 into 0 so that equal numbers share one entry. NaN is never stored.
func canonical(v float64) float64 {
	if v == 0 {
		return 0
	}
	return v
}

// find returns the slot of v, or false.
func (n *numericIndex) find(v float64) (uint32, bool) {
	if i, ok := searchEntries(n.main, v); ok {
		return n.main[i].slot, true
	}
	if i, ok := searchEntries(n.delta, v); ok {
		return n.delta[i].slot, true
	}
	return 0, false
}

func (n *numericIndex) newSlot(id uint32) uint32 {
	if k := len(n.free); k > 0 {
		slot := n.free[k-1]
		n.free = n.free[:k-1]
		n.posts[slot] = postings{}
		n.posts[slot].add(id)
		return slot
	}
	n.posts = append(n.posts, postings{ids: []uint32{id}, n: 1})
	return uint32(len(n.posts) - 1)
}

func (n *numericIndex) add(v float64, id uint32) {
	if math.IsNaN(v) {
		return
	}
	v = canonical(v)
	n.docs.add(id)
	if slot, ok := n.find(v); ok {
		wasEmpty := n.posts[slot].len() == 0
		if n.posts[slot].add(id) {
			n.pairs++
			if wasEmpty {
				n.empty-- // only main keeps empty entries
			}
		}
		return
	}
	i, _ := searchEntries(n.delta, v)
	n.delta = slices.Insert(n.delta, i, numEntry{val: v, slot: n.newSlot(id)})
	n.pairs++
	if len(n.delta) > max(minDelta, isqrt(len(n.main))) {
		n.compact()
	}
}

// remove deletes the pair (v, id), reporting whether it was present. Like Index.Remove it
// relies on being given every number the document holds, so the document leaves docs.
func (n *numericIndex) remove(v float64, id uint32) bool {
	if math.IsNaN(v) {
		return false
	}
	v = canonical(v)
	if i, ok := searchEntries(n.main, v); ok {
		slot := n.main[i].slot
		if !n.posts[slot].remove(id) {
			return false
		}
		if n.posts[slot].len() == 0 {
			n.empty++
		}
	} else if i, ok := searchEntries(n.delta, v); ok {
		slot := n.delta[i].slot
		if !n.posts[slot].remove(id) {
			return false
		}
		if n.posts[slot].len() == 0 {
			n.delta = slices.Delete(n.delta, i, i+1)
			n.free = append(n.free, slot)
		}
	} else {
		return false
	}
	n.pairs--
	n.docs.remove(id)
	if n.empty > minDelta && 2*n.empty > len(n.main) {
		n.compact()
	}
	return true
}

// compact merges delta into main in place (from the back, into grown capacity) and drops
// empty entries, freeing their slots.
func (n *numericIndex) compact() {
	m, d := len(n.main), len(n.delta)
	n.main = slices.Grow(n.main, d)[:m+d]
	i, j, w := m-1, d-1, m+d-1
	for j >= 0 {
		if i >= 0 && n.main[i].val > n.delta[j].val {
			n.main[w] = n.main[i]
			i--
		} else {
			n.main[w] = n.delta[j]
			j--
		}
		w--
	}
	if n.empty > 0 {
		kept := n.main[:0]
		for _, e := range n.main {
			if n.posts[e.slot].len() == 0 {
				n.free = append(n.free, e.slot)
			} else {
				kept = append(kept, e)
			}
		}
		n.main = kept
		n.empty = 0
	}
	n.delta = n.delta[:0]
}

// lookupInto sets in s the documents holding exactly v.
func (n *numericIndex) lookupInto(v float64, s *bitset.Set) {
	if slot, ok := n.find(canonical(v)); ok {
		n.posts[slot].addTo(s)
	}
}

// span returns the entries of es whose value x satisfies "x op v".
func span(es []numEntry, op Op, v float64) []numEntry {
	lo, _ := searchEntries(es, v) // first entry >= v
	hi := lo                      // first entry > v
	if hi < len(es) && es[hi].val == v {
		hi++
	}
	switch op {
	case OpLt:
		return es[:lo]
	case OpLe:
		return es[:hi]
	case OpGt:
		return es[hi:]
	case OpGe:
		return es[lo:]
	}
	return nil
}

// complement returns the range operator selecting exactly the values op does not.
func complement(op Op) Op {
	switch op {
	case OpLt:
		return OpGe
	case OpLe:
		return OpGt
	case OpGt:
		return OpLe
	}
	return OpLt
}

// rangeInto sets in s the documents with a value x such that "x op v".
func (n *numericIndex) rangeInto(op Op, v float64, s *bitset.Set) {
	mainSel, deltaSel := span(n.main, op, v), span(n.delta, op, v)
	total := len(n.main) + len(n.delta)
	if n.pairs == n.docs.len() && 2*(len(mainSel)+len(deltaSel)) > total {
		// Single-valued field, most values selected: docs minus the complementary range.
		n.docs.addTo(s)
		c := complement(op)
		for _, es := range [2][]numEntry{span(n.main, c, v), span(n.delta, c, v)} {
			for _, e := range es {
				n.posts[e.slot].clearFrom(s)
			}
		}
		return
	}
	for _, es := range [2][]numEntry{mainSel, deltaSel} {
		for _, e := range es {
			n.posts[e.slot].addTo(s)
		}
	}
}

func (n *numericIndex) clone() numericIndex {
	c := *n
	c.main = slices.Clone(n.main)
	c.delta = slices.Clone(n.delta)
	c.free = slices.Clone(n.free)
	c.docs = n.docs.clone()
	c.posts = make([]postings, len(n.posts))
	for i := range n.posts {
		c.posts[i] = n.posts[i].clone()
	}
	return c
}

// isqrt returns floor(sqrt(n)) for n >= 0.
func isqrt(n int) int { return int(math.Sqrt(float64(n))) }
