package vajra

// Options returns the parameters the index uses, its profile's defaults applied ("exact"
// for a flat index).
func (v *VectorIndex) Options() VectorIndexOptions {
	o := v.x.Options()
	return VectorIndexOptions{Dim: o.Dim, Metric: o.Metric.String(), Profile: string(o.Profile),
		M: o.M, EfConstruction: o.EfConstruction, EfSearch: o.EfSearch, Seed: o.Seed, Threads: o.Threads,
		Quantization: string(o.Quantization), Rescore: o.Rescore}
}

// Vector returns a copy of the vector stored under key (normalised when the metric is
// cosine), and whether key is in the index.
func (v *VectorIndex) Vector(key uint32) ([]float32, bool) { return v.x.Vector(key) }

// Contains reports whether key is in the index.
func (v *VectorIndex) Contains(key uint32) bool { return v.x.Contains(key) }
