package kernel

// The portable kernels: plain Go with four independent accumulators, which keeps the
// floating-point adders busy without vector instructions. Slicing four elements at a time
// with a full slice expression lets the compiler drop the per-element bounds checks.

func dotGeneric(a, b []float32) float32 {
	if len(b) < len(a) {
		panicShort(len(a), len(b))
	}
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		x := a[i : i+4 : i+4]
		y := b[i : i+4 : i+4]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func l2sqGeneric(a, b []float32) float32 {
	if len(b) < len(a) {
		panicShort(len(a), len(b))
	}
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		x := a[i : i+4 : i+4]
		y := b[i : i+4 : i+4]
		d0 := x[0] - y[0]
		d1 := x[1] - y[1]
		d2 := x[2] - y[2]
		d3 := x[3] - y[3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

func dotRowsGeneric(q, base []float32, ids []uint32, out []float32) {
	dim := len(q)
	rows := checkRows(dim, base, ids, out)
	if dim == 0 {
		clear(out[:len(ids)])
		return
	}
	for i, id := range ids {
		if uint(id) >= uint(rows) {
			panicRowRange(id, rows)
		}
		off := int(id) * dim
		out[i] = dotGeneric(q, base[off:off+dim])
	}
}

func l2sqRowsGeneric(q, base []float32, ids []uint32, out []float32) {
	dim := len(q)
	rows := checkRows(dim, base, ids, out)
	if dim == 0 {
		clear(out[:len(ids)])
		return
	}
	for i, id := range ids {
		if uint(id) >= uint(rows) {
			panicRowRange(id, rows)
		}
		off := int(id) * dim
		out[i] = l2sqGeneric(q, base[off:off+dim])
	}
}
