package vector

import (
	"math"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// quantKinds numbers the quantisations in files.
var quantKinds = []Quantization{1: QuantSQ8, 2: QuantBQ}

// quantMeta is the qmet section: what the other quantisation sections need to be read.
type quantMeta struct {
	kind      Quantization
	trainedOn int // 0: no quantiser yet (an index that never held a vector)
	rescore   int
}

// quantSections returns the sections of a quantised index's codes (see the file formats).
func (h *HNSW) quantSections() []section {
	kind := uint64(1)
	if h.opts.Quantization == QuantBQ {
		kind = 2
	}
	c := h.quant
	trained := uint64(0)
	var prm []float32
	var codes []byte
	var norms []float32
	if c != nil {
		trained = uint64(c.trainedOn)
		switch c.kind {
		case QuantSQ8:
			prm = append(append(prm, c.sq8.lo...), c.sq8.step...)
			codes, norms = c.codes, c.norms
		case QuantBQ:
			prm = append(append(prm, c.bq.centre...), c.bq.rot...)
			codes = binfile.Uint64Bytes(c.bits)
		}
	}
	return []section{
		{tag: "qmet", payload: binfile.Uint64Bytes([]uint64{kind, trained, uint64(h.opts.Rescore)})},
		{tag: "qprm", payload: binfile.Float32Bytes(prm)},
		{tag: "qcod", payload: codes, alignTo: rowAlign},
		{tag: "qnrm", payload: binfile.Float32Bytes(norms)},
	}
}

func readQuantMeta(f *binfile.File) (quantMeta, error) {
	raw, err := f.Uint64s("qmet", 3)
	if err != nil {
		return quantMeta{}, err
	}
	if raw[0] == 0 || raw[0] >= uint64(len(quantKinds)) {
		return quantMeta{}, corruption.Errorf("unknown quantisation %d", raw[0])
	}
	if raw[1] > maxNodes || raw[2] > maxEf {
		return quantMeta{}, corruption.Errorf("quantisation meta out of range")
	}
	return quantMeta{kind: quantKinds[raw[0]], trainedOn: int(raw[1]), rescore: int(raw[2])}, nil
}

// readQuantCodes reads the quantiser and the codes of n nodes, aliasing the file's bytes
// where alignment allows. Any code bytes are safe to search with; the parameters are
// checked to be finite.
func readQuantCodes(f *binfile.File, qm quantMeta, o Options, n int) (*quantCodes, error) {
	if qm.trainedOn == 0 {
		if n > 0 {
			return nil, corruption.Errorf("%d nodes and no quantiser", n)
		}
		return nil, nil
	}
	dim := o.Dim
	c := &quantCodes{kind: qm.kind, dim: dim, metric: o.Metric, trainedOn: qm.trainedOn}
	want := 2 * dim
	if qm.kind == QuantBQ {
		want = dim + dim*dim
	}
	prm, err := f.Float32s("qprm", want)
	if err != nil {
		return nil, err
	}
	for _, x := range prm {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, corruption.Errorf("quantiser parameter %v", x)
		}
	}
	raw, err := f.Section("qcod")
	if err != nil {
		return nil, err
	}
	switch qm.kind {
	case QuantSQ8:
		c.sq8 = &sq8Quantizer{dim: dim, metric: o.Metric, lo: prm[:dim:dim], step: prm[dim:]}
		for _, st := range c.sq8.step {
			if !(st > 0) {
				return nil, corruption.Errorf("sq8 step %v", st)
			}
		}
		if len(raw) != n*dim {
			return nil, corruption.Errorf("qcod has %d bytes, want %d", len(raw), n*dim)
		}
		c.codes = raw
		want := 0
		if o.Metric == L2 {
			want = n
		}
		if c.norms, err = f.Float32s("qnrm", want); err != nil {
			return nil, err
		}
		if want == 0 {
			c.norms = nil
		}
	case QuantBQ:
		c.bq = &bqQuantizer{dim: dim, words: (dim + 63) / 64, metric: o.Metric, centre: prm[:dim:dim], rot: prm[dim:]}
		c.stride = c.bq.words + 2
		if c.bits, err = binfile.Uint64s(raw); err != nil {
			return nil, corruption.Errorf("qcod: %v", err)
		}
		if len(c.bits) != n*c.stride {
			return nil, corruption.Errorf("qcod has %d words, want %d", len(c.bits), n*c.stride)
		}
		if _, err := f.Float32s("qnrm", 0); err != nil {
			return nil, err
		}
	}
	return c, nil
}
