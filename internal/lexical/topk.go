package lexical

// topK keeps the k best hits seen so far in a min-heap whose root is the worst kept hit.
// "Worse" means a lower score, or an equal score and a larger ID. It is written out (no
// container/heap interface calls) because the pruning search consults it per candidate.
type topK struct {
	k int
	h []Hit
}

func (t *topK) reset(k int) {
	t.k = k
	t.h = t.h[:0]
}

func worse(a, b Hit) bool {
	return a.Score < b.Score || (a.Score == b.Score && a.ID > b.ID)
}

// threshold returns the score a candidate visited after every kept hit (so with a larger ID)
// must beat strictly to enter, or −1 while fewer than k hits are kept.
func (t *topK) threshold() float64 {
	if len(t.h) < t.k {
		return -1
	}
	return float64(t.h[0].Score)
}

// push offers a hit and reports whether it was kept.
func (t *topK) push(x Hit) bool {
	h := t.h
	if len(h) < t.k {
		h = append(h, x)
		i := len(h) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !worse(x, h[p]) {
				break
			}
			h[i] = h[p]
			i = p
		}
		h[i] = x
		t.h = h
		return true
	}
	if !worse(h[0], x) {
		return false
	}
	t.siftDown(x, len(h))
	return true
}

// siftDown places x at the root of h[:n] and restores the heap order.
func (t *topK) siftDown(x Hit, n int) {
	h := t.h
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && worse(h[r], h[c]) {
			c = r
		}
		if !worse(h[c], x) {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = x
}

// results empties the heap into a new slice ordered best first.
func (t *topK) results() []Hit {
	n := len(t.h)
	if n == 0 {
		return nil
	}
	out := make([]Hit, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = t.h[0]
		if i > 0 {
			t.siftDown(t.h[i], i)
		}
	}
	t.h = t.h[:0]
	return out
}
