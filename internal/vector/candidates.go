package vector

// cand is a node with its internal score. Candidates are ordered by (score, id), a strict
// total order, so every search and selection is deterministic even among equal distances.
type cand struct {
	d  float32
	id uint32
}

func (a cand) less(b cand) bool { return a.d < b.d || (a.d == b.d && a.id < b.id) }

// expandedBit marks, inside searchLayer's sorted list, candidates whose neighbours have
// been visited. Node ids therefore stay below 2^31 (enforced by Add).
const (
	expandedBit = 1 << 31
	idMask      = expandedBit - 1
	maxNodes    = idMask
)

// minHeap is a binary min-heap of candidates (the unexpanded frontier of a filtered search).
type minHeap []cand

func (h *minHeap) push(c cand) {
	s := append(*h, c)
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !c.less(s[p]) {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = c
	*h = s
}

func (h *minHeap) pop() cand {
	s := *h
	top := s[0]
	n := len(s) - 1
	last := s[n]
	s = s[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && s[r].less(s[l]) {
			l = r
		}
		if !s[l].less(last) {
			break
		}
		s[i] = s[l]
		i = l
	}
	if n > 0 {
		s[i] = last
	}
	*h = s
	return top
}

// maxHeap is a binary max-heap of candidates (the bounded result set of a filtered search
// or an exact scan): the root is the worst kept result.
type maxHeap []cand

func (h *maxHeap) push(c cand) {
	s := append(*h, c)
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[p].less(c) {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = c
	*h = s
}

func (h *maxHeap) pop() cand {
	s := *h
	top := s[0]
	n := len(s) - 1
	last := s[n]
	s = s[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && s[l].less(s[r]) {
			l = r
		}
		if !last.less(s[l]) {
			break
		}
		s[i] = s[l]
		i = l
	}
	if n > 0 {
		s[i] = last
	}
	*h = s
	return top
}

// pushBounded adds c if the heap holds fewer than k candidates or c beats the worst one.
func (h *maxHeap) pushBounded(c cand, k int) {
	if len(*h) < k {
		h.push(c)
		return
	}
	if c.less((*h)[0]) {
		h.replaceTop(c)
	}
}

// replaceTop swaps the root for c and restores the heap.
func (h *maxHeap) replaceTop(c cand) {
	s := *h
	n := len(s)
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && s[l].less(s[r]) {
			l = r
		}
		if !c.less(s[l]) {
			break
		}
		s[i] = s[l]
		i = l
	}
	s[i] = c
}

// drainSorted empties the heap into dst in ascending order.
func (h *maxHeap) drainSorted(dst []cand) []cand {
	n := len(*h)
	start := len(dst)
	for i := 0; i < n; i++ {
		dst = append(dst, cand{})
	}
	for i := n - 1; i >= 0; i-- {
		dst[start+i] = h.pop()
	}
	return dst
}
