// Package bitset owns the dense bitsets Vajra uses for deleted documents, filter allow-sets
// and visited marks. A Set is a plain []uint64 with methods; the zero value is an empty set
// that grows on Add.
package bitset

import "math/bits"

// Set is a dense set of uint32 values.
type Set struct {
	words []uint64
}

// New returns a set able to hold values below n without growing.
func New(n int) *Set { return &Set{words: make([]uint64, (n+63)/64)} }

// FromWords wraps words (not copied) as a set.
func FromWords(words []uint64) *Set { return &Set{words: words} }

// Words returns the backing words (not copied).
func (s *Set) Words() []uint64 { return s.words }

// Add inserts x, growing the set if needed.
func (s *Set) Add(x uint32) {
	w := int(x >> 6)
	if w >= len(s.words) {
		grown := make([]uint64, w+1, max(w+1, 2*len(s.words)))
		copy(grown, s.words)
		s.words = grown
	}
	s.words[w] |= 1 << (x & 63)
}

// Remove deletes x.
func (s *Set) Remove(x uint32) {
	if w := int(x >> 6); w < len(s.words) {
		s.words[w] &^= 1 << (x & 63)
	}
}

// Contains reports whether x is in the set. A nil set contains nothing.
func (s *Set) Contains(x uint32) bool {
	if s == nil {
		return false
	}
	w := int(x >> 6)
	return w < len(s.words) && s.words[w]&(1<<(x&63)) != 0
}

// Len returns the number of values in the set.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	n := 0
	for _, w := range s.words {
		n += bits.OnesCount64(w)
	}
	return n
}

// Clone returns an independent copy. Cloning nil gives an empty set.
func (s *Set) Clone() *Set {
	if s == nil {
		return &Set{}
	}
	return &Set{words: append([]uint64(nil), s.words...)}
}

// And keeps only the values also in o.
func (s *Set) And(o *Set) {
	for i := range s.words {
		if o == nil || i >= len(o.words) {
			s.words[i] = 0
		} else {
			s.words[i] &= o.words[i]
		}
	}
}

// Or adds every value of o.
func (s *Set) Or(o *Set) {
	if o == nil {
		return
	}
	if len(o.words) > len(s.words) {
		grown := make([]uint64, len(o.words))
		copy(grown, s.words)
		s.words = grown
	}
	for i, w := range o.words {
		s.words[i] |= w
	}
}

// AndNot removes every value of o.
func (s *Set) AndNot(o *Set) {
	if o == nil {
		return
	}
	for i := range s.words {
		if i >= len(o.words) {
			break
		}
		s.words[i] &^= o.words[i]
	}
}

// ForEach calls fn for each value in ascending order until fn returns false.
func (s *Set) ForEach(fn func(x uint32) bool) {
	if s == nil {
		return
	}
	for i, w := range s.words {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			if !fn(uint32(i*64 + t)) {
				return
			}
			w &= w - 1
		}
	}
}

// AppendTo appends the values in ascending order to dst.
func (s *Set) AppendTo(dst []uint32) []uint32 {
	s.ForEach(func(x uint32) bool { dst = append(dst, x); return true })
	return dst
}
