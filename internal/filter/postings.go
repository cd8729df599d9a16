package filter

import (
	"math/bits"
	"slices"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// postings is a set of document ids in whichever of two forms is smaller, as in Roaring
// bitmaps: a sorted id list (4 bytes per id) while the ids are sparse, a bitmap (1 bit per
// id up to the largest) once they are denser than one in 32. Rare values of a
// high-cardinality field stay small, and frequent values (a language, a boolean, "has the
// field") cost one bit per document and are merged into a result word by word.
type postings struct {
	ids  []uint32 // sorted, while sparse
	bits []uint64 // bitmap, once dense (ids is then nil); no trailing zero words
	n    int
}

// minDense is the smallest set kept as a bitmap; tiny sets are always lists.
const minDense = 64

func (p *postings) len() int { return p.n }

func (p *postings) dense() bool { return p.bits != nil }

// add inserts id, reporting whether it was new.
func (p *postings) add(id uint32) bool {
	w := int(id >> 6)
	if p.dense() {
		if w >= len(p.bits) {
			if 2*(p.n+1) < w+1 {
				// far beyond the bitmap: the list form is smaller again
				p.toSparse()
				return p.add(id)
			}
			p.bits = append(p.bits, make([]uint64, w+1-len(p.bits))...)
		}
		bit := uint64(1) << (id & 63)
		if p.bits[w]&bit != 0 {
			return false
		}
		p.bits[w] |= bit
		p.n++
		return true
	}
	if k := len(p.ids); k == 0 || p.ids[k-1] < id {
		p.ids = append(p.ids, id) // ids usually arrive in ascending order
	} else {
		i, found := slices.BinarySearch(p.ids, id)
		if found {
			return false
		}
		p.ids = slices.Insert(p.ids, i, id)
	}
	p.n++
	if p.n >= minDense && p.n > 2*(int(p.ids[p.n-1]>>6)+1) {
		p.toDense()
	}
	return true
}

// remove deletes id, reporting whether it was present.
func (p *postings) remove(id uint32) bool {
	if !p.dense() {
		i, found := slices.BinarySearch(p.ids, id)
		if !found {
			return false
		}
		p.ids = slices.Delete(p.ids, i, i+1)
		p.n--
		return true
	}
	w := int(id >> 6)
	bit := uint64(1) << (id & 63)
	if w >= len(p.bits) || p.bits[w]&bit == 0 {
		return false
	}
	p.bits[w] &^= bit
	p.n--
	for len(p.bits) > 0 && p.bits[len(p.bits)-1] == 0 {
		p.bits = p.bits[:len(p.bits)-1]
	}
	if p.n < minDense/2 || 2*p.n < len(p.bits) {
		p.toSparse()
	}
	return true
}

func (p *postings) toDense() {
	b := make([]uint64, int(p.ids[len(p.ids)-1]>>6)+1)
	for _, id := range p.ids {
		b[id>>6] |= 1 << (id & 63)
	}
	p.bits, p.ids = b, nil
}

func (p *postings) toSparse() {
	ids := make([]uint32, 0, p.n)
	p.ids = p.appendTo(ids)
	p.bits = nil
}

// appendTo appends the ids in ascending order.
func (p *postings) appendTo(dst []uint32) []uint32 {
	if !p.dense() {
		return append(dst, p.ids...)
	}
	for i, w := range p.bits {
		for w != 0 {
			dst = append(dst, uint32(i<<6+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return dst
}

// addTo sets in s every id that fits in s's words.
func (p *postings) addTo(s *bitset.Set) {
	words := s.Words()
	if p.dense() {
		for i, w := range p.bits[:min(len(p.bits), len(words))] {
			words[i] |= w
		}
		return
	}
	for _, id := range p.ids {
		w := int(id >> 6)
		if w >= len(words) {
			return // sorted: the rest are out of range too
		}
		words[w] |= 1 << (id & 63)
	}
}

// clearFrom removes every id of p from s.
func (p *postings) clearFrom(s *bitset.Set) {
	words := s.Words()
	if p.dense() {
		for i, w := range p.bits[:min(len(p.bits), len(words))] {
			words[i] &^= w
		}
		return
	}
	for _, id := range p.ids {
		w := int(id >> 6)
		if w >= len(words) {
			return
		}
		words[w] &^= 1 << (id & 63)
	}
}

func (p *postings) clone() postings {
	return postings{ids: slices.Clone(p.ids), bits: slices.Clone(p.bits), n: p.n}
}
