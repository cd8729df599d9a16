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

// gelu applies the exact (erf) GELU, x·Φ(x) = x·(1 + erf(x/√2))/2, in place.
//
// Values are widened to float64 in a separate pass: a float32→float64 conversion writes
// only the low half of its register, so inside the formula it would wait for the previous
// value's whole computation and serialise the loop (measured four times slower).
func gelu(x []float32) {
	var buf [256]float64
	for len(x) > 0 {
		n := min(len(x), len(buf))
		b := buf[:n]
		for i, v := range x[:n] {
			b[i] = float64(v)
		}
		for i, v := range b {
			b[i] = 0.5 * v * (1 + erf(v*(math.Sqrt2/2)))
		}
		for i, v := range b {
			x[i] = float32(v)
		}
		x = x[n:]
	}
}

// erf evaluates the error function to within 2e-8 (math.Erf is exact but several times
// slower, and GELU calls it for every value of every feed-forward layer): a polynomial per
// interval of width 1/2 on [0, 4), and ±1 beyond, where erf differs from 1 by less than
// 1.6e-8. testdata/gen_erf.py fits the table.
func erf(x float64) float64 {
	a := math.Abs(x)
	if !(a < 4) { // also NaN, which stays NaN
		if math.IsNaN(x) {
			return x
		}
		return math.Copysign(1, x)
	}
	k := int(a * 2)
	c := &erfPieces[k]
	t := a - float64(k)*0.5
	y := c[0] + t*(c[1]+t*(c[2]+t*(c[3]+t*(c[4]+t*(c[5]+t*c[6])))))
	return math.Copysign(y, x)
}

var erfPieces = [8][7]float64{
	{-1.6151925161939085e-08, 1.1283823946696678, -0.00010584859614058227, -0.37481468619139507, -0.0078321481791692876, 0.13731896488579562, -0.039340795104608188},
	{0.52049989453460432, 0.8787793255582983, -0.43928829086151094, -0.14767931541601381, 0.1898303045539019, -0.011386618088164867, -0.026582829984839688},
	{0.84270079719660174, 0.41510662390682096, -0.41507778046990812, 0.13798274911064209, 0.071649508652984029, -0.0776735373128742, 0.020597736539952682},
	{0.9661051407522554, 0.11893141381215695, -0.1784315199500689, 0.13918618627596407, -0.047083548763286964, -0.0076047016330839309, 0.0090494946693154919},
	{0.99532226420666614, 0.020667152368592366, -0.041339655661358957, 0.048297063118700786, -0.034920526761292932, 0.014750490247352905, -0.0027795651835764881},
	{0.99959304859729869, 0.0021781633281737272, -0.0054418262381515752, 0.0083032666716874887, -0.0083536120055906216, 0.0053276091940695266, -0.0016678505946650306},
	{0.99997790967871092, 0.00013921797759603078, -0.0004166091092891936, 0.00077482320132454027, -0.00095858791283715136, 0.00074325359724415651, -0.00027375841539364144},
	{0.9999992569194518, 5.3958378782959385e-06, -1.8778914608835318e-05, 4.0791811997784925e-05, -5.8441146743115921e-05, 5.1243916208803423e-05, -2.0692433162448192e-05},
}

// softmaxScaled replaces row by softmax(scale·row), computed in float64 (in passes, for
// the reason gelu gives). buf is scratch of at least len(row) values.
func softmaxScaled(row []float32, scale float32, buf []float64) {
	b := buf[:len(row)]
	m := math.Inf(-1)
	for i, v := range row {
		b[i] = float64(v * scale)
	}
	for _, v := range b {
		m = max(m, v)
	}
	var sum float64
	for i, v := range b {
		e := exp(v - m)
		b[i] = e
		sum += e
	}
	inv := 1 / sum
	for i, v := range b {
		row[i] = float32(v * inv)
	}
}

// exp is e^x for the x ≤ 0 of a softmax, to within 2 units in the last place of float32
// (math.Exp is exact to float64 and several times slower): x = n·ln2 + r with
// |r| ≤ ln2/2, e^r by its Taylor polynomial of degree 8, scaled by 2ⁿ. Below -104 the
// result, smaller than any float32, is 0.
func exp(x float64) float64 {
	const (
		log2e = 1.4426950408889634
		ln2   = 0.6931471805599453
	)
	if !(x > -104) { // also NaN
		if x != x {
			return x
		}
		return 0
	}
	if x > 88.72283905206835 { // ln of the largest float32
		return math.Inf(1)
	}
	// Adding 1.5·2⁵² rounds x·log2e to an integer held in the low bits of the mantissa:
	// plain additions, where math.Floor's instruction would wait for its register's
	// previous value.
	const round = 0x1.8p52
	k := x*log2e + round
	n := k - round
	r := x - n*ln2
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040+r*(1.0/40320))))))))
	e := int64(int32(math.Float64bits(k)))
	return p * math.Float64frombits(uint64(e+1023)<<52)
}
