package vector

// visitedSet marks nodes seen by one search. Clearing it per search would cost O(nodes), so
// each search gets a new epoch instead and a node counts as visited when its stamp equals
// the current epoch; the stamps are uint16 (half the cache footprint of uint32) and are
// cleared once every 65,535 searches when the epoch wraps.
type visitedSet struct {
	stamp []uint16
	epoch uint16
}

// reset starts a new search over n nodes.
func (v *visitedSet) reset(n int) {
	if len(v.stamp) < n {
		grown := max(n, len(v.stamp)+len(v.stamp)/4)
		v.stamp = make([]uint16, grown)
		v.epoch = 0
	}
	v.epoch++
	if v.epoch == 0 {
		clear(v.stamp)
		v.epoch = 1
	}
}
