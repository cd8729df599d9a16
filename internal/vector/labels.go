package vector

// labelTable maps external labels to node ids. Labels are usually dense (0..n-1, row
// numbers), where a slice indexed by label costs 4 bytes a label and one load per lookup; a
// map is used only once the labels turn out sparse, where the slice would waste memory.
type labelTable struct {
	dense  []uint32          // label → node+1; 0 means absent
	sparse map[uint32]uint32 // label → node, used instead of dense once labels are sparse
	count  int
}

// denseLimit is the largest slice the table keeps for count entries: sparse labels beyond
// it switch the table to a map.
func denseLimit(count int) int { return 2*count + 1024 }

func (t *labelTable) get(label uint32) (uint32, bool) {
	if t.sparse != nil {
		n, ok := t.sparse[label]
		return n, ok
	}
	if int64(label) < int64(len(t.dense)) {
		if v := t.dense[label]; v != 0 {
			return v - 1, true
		}
	}
	return 0, false
}

// reserve prepares the table for more labels up to maxLabel, so that a batch grows the
// slice once.
func (t *labelTable) reserve(more int, maxLabel uint32) {
	if t.sparse != nil {
		return
	}
	need := int64(maxLabel) + 1
	if need <= int64(len(t.dense)) {
		return
	}
	if need > int64(denseLimit(t.count+more)) {
		t.toSparse()
		return
	}
	grown := make([]uint32, need, max(need, int64(len(t.dense)+len(t.dense)/8)))
	copy(grown, t.dense)
	t.dense = grown
}

func (t *labelTable) set(label, node uint32) {
	if t.sparse == nil && int64(label) >= int64(len(t.dense)) {
		t.reserve(1, label)
	}
	if t.sparse != nil {
		if _, ok := t.sparse[label]; !ok {
			t.count++
		}
		t.sparse[label] = node
		return
	}
	if t.dense[label] == 0 {
		t.count++
	}
	t.dense[label] = node + 1
}

func (t *labelTable) del(label uint32) {
	if t.sparse != nil {
		if _, ok := t.sparse[label]; ok {
			delete(t.sparse, label)
			t.count--
		}
		return
	}
	if int64(label) < int64(len(t.dense)) && t.dense[label] != 0 {
		t.dense[label] = 0
		t.count--
	}
}

func (t *labelTable) toSparse() {
	m := make(map[uint32]uint32, t.count)
	for label, v := range t.dense {
		if v != 0 {
			m[uint32(label)] = v - 1
		}
	}
	t.sparse = m
	t.dense = nil
}

// memoryBytes estimates the bytes held: the slice's capacity, or about 12 bytes an entry
// for a map (8 bytes of key and value plus control bytes and load-factor slack).
func (t *labelTable) memoryBytes() int64 {
	if t.sparse != nil {
		return int64(len(t.sparse)) * 12
	}
	return int64(cap(t.dense)) * 4
}
