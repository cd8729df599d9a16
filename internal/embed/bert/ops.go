package bert

import "math"

// layerNorm normalises each row of x (rows of width h) to zero mean and unit variance,
// then scales by g and shifts by b: LayerNorm with the biased variance, as PyTorch
// computes it. Sums are taken in float64.
func layerNorm(x []float32, h int, g, b []float32, eps float64) {
	for off := 0; off+h <= len(x); off += h {
		row := x[off : off+h : off+h]
		var sum float64
		for _, v := range row {
			sum += float64(v)
		}
		mean := sum / float64(h)
		var ss float64
		for _, v := range row {
			d := float64(v) - mean
			ss += d * d
		}
		inv := 1 / math.Sqrt(ss/float64(h)+eps)
		for i, v := range row {
			row[i] = float32((float64(v)-mean)*inv)*g[i] + b[i]
		}
	}
}

// addLayerNorm sets x = LayerNorm(x + y), row by row.
func addLayerNorm(x, y []float32, h int, g, b []float32, eps float64) {
	for i := range x {
		x[i] += y[i]
	}
	layerNorm(x, h, g, b, eps)
}
