package datagen

import "math/rand/v2"

// alias samples an index with probability proportional to its weight in O(1) (Walker's
// alias method, Vose's construction).
type alias struct {
	prob  []float64
	other []uint32
}

func newAlias(weights []float64) alias {
	n := len(weights)
	a := alias{prob: make([]float64, n), other: make([]uint32, n)}
	var total float64
	for _, w := range weights {
		total += w
	}
	scaled := make([]float64, n)
	var small, large []int
	for i, w := range weights {
		scaled[i] = w * float64(n) / total
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		a.prob[s], a.other[s] = scaled[s], uint32(l)
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range large {
		a.prob[i], a.other[i] = 1, uint32(i)
	}
	for _, i := range small { // only rounding leaves these
		a.prob[i], a.other[i] = 1, uint32(i)
	}
	return a
}

func (a *alias) sample(rng *rand.Rand) int {
	i := rng.IntN(len(a.prob))
	if rng.Float64() < a.prob[i] {
		return i
	}
	return int(a.other[i])
}
