package vector

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// File formats (internal/binfile containers; all integers little-endian):
//
//	VJRAHNSW v1: meta (fixed fields below), prof (profile name), algn (padding that puts
//	             the next payload at a 64-byte file offset), vecs (float32 arena),
//	             lnk0 (level-0 lists), levl (one byte a node), upof (upper offsets),
//	             uppr (upper lists), labl (node labels), dead (tombstone words)
//	VJRAHNSW v2: a quantised index: the v1 sections, then qmet (quantisation, nodes at
//	             training, rescore), qprm (sq8: per-dimension lo then step; bq: centre then
//	             the dim×dim rotation, float32), algn, qcod (the code arena, 64-byte aligned:
//	             sq8 bytes or bq words), qnrm (sq8 under L2: decoded squared norms). An
//	             index without quantisation is written as v1, byte for byte as before.
//	VJRAFLAT v1: meta (dim, metric, count), vecs, labl
//
// Threads is not stored: it never changes what is built, and the reader's machine picks
// its own.
const (
	hnswMagic   = "VJRAHNSW"
	hnswVersion = 2
	// hnswPlain is the version of files without quantisation.
	hnswPlain   = 1
	flatMagic   = "VJRAFLAT"
	flatVersion = 1
)

// writeSpilled writes the vectors of a spilling index: those in the spill file, then tail.
func (h *HNSW) writeSpilled(w io.Writer) error {
	buf := make([]byte, 4<<20)
	total := int64(len(h.vecs)) * 4
	for off := int64(0); off < total; {
		n, err := h.spill.readAt(buf[:min(int64(len(buf)), total-off)], off)
		if err != nil && n == 0 {
			return fmt.Errorf("vector spill file: %w", err)
		}
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		off += int64(n)
	}
	_, err := w.Write(binfile.Float32Bytes(h.tail))
	return err
}

// linkChunk is the chunk of the level-0 links of a quantised index verified at once.
const linkChunk = 64 << 10

// vecChunk is the chunk of the vector section of a quantised index that is verified at
// once: a page, the least a first read of a row touches anyway.
const vecChunk = 4096

// rowAlign is the file offset alignment of the vector and code arenas: with it, a file read into a
// page-aligned buffer (os.ReadFile, mmap) serves rows that start on cache-line
// boundaries, as freshly built arenas do, which searches measurably prefer (a 384-dim row
// then spans 24 cache lines, not 25). The padding goes in an "algn" section readers ignore.
const rowAlign = 64

// section is one section of a file being written; alignTo, when set, pads the file so the
// payload starts at a multiple of it.
type section struct {
	tag     string
	payload []byte
	more    []byte // written right after payload, in the same section
	// fill, when set, writes the payload instead (size bytes of it).
	fill    func(io.Writer) error
	size    int64
	alignTo uint64
	chunk   int // > 0: with chunk checksums of this many bytes (binfile.SectionChunked)
}

// writeFile writes sections as a binfile of the given kind and returns the bytes written.
func writeFile(w io.Writer, magic string, version uint32, sections []section) (int64, error) {
	bw, err := binfile.NewWriter(w, magic, version)
	if err != nil {
		return 0, err
	}
	pads := 0
	for _, s := range sections {
		if s.alignTo > 0 {
			// Tags must be unique: "algn", then "aln2", "aln3", ...
			tag := "algn"
			if pads++; pads > 1 {
				tag = fmt.Sprintf("aln%d", pads%10)
			}
			if err := bw.Pad(tag, s.alignTo); err != nil {
				return bw.Written(), fmt.Errorf("section %s: %w", s.tag, err)
			}
		}
		var err error
		switch {
		case s.fill != nil:
			err = bw.SectionFrom(s.tag, uint64(s.size), s.chunk, s.fill)
		case len(s.more) == 0 && s.chunk == 0:
			err = bw.Section(s.tag, s.payload)
		default:
			err = bw.SectionFrom(s.tag, uint64(len(s.payload)+len(s.more)), s.chunk, func(w io.Writer) error {
				if _, err := w.Write(s.payload); err != nil {
					return err
				}
				_, err := w.Write(s.more)
				return err
			})
		}
		if err != nil {
			return bw.Written(), fmt.Errorf("section %s: %w", s.tag, err)
		}
	}
	err = bw.Close()
	return bw.Written(), err
}

// hnswMeta is the fixed-size meta section of an HNSW file.
type hnswMeta struct {
	Dim, Metric, M, M0, EfConstruction, EfSearch uint64
	Seed                                         uint64
	ExactBelow, RepairAt                         float64
	Nodes, Dead, Entry                           uint64
	TopLevel                                     int64
	Seq                                          uint64
}

// WriteTo writes the index in the VJRAHNSW format. The bytes depend only on the inserted
// data, the options and the operation sequence, never on Threads.
func (h *HNSW) WriteTo(w io.Writer) (int64, error) {
	meta := hnswMeta{
		Dim: uint64(h.dim), Metric: uint64(h.metric), M: uint64(h.m), M0: uint64(h.m0),
		EfConstruction: uint64(h.opts.EfConstruction), EfSearch: uint64(h.opts.EfSearch),
		Seed: h.opts.Seed, ExactBelow: h.opts.ExactBelow, RepairAt: h.opts.RepairAt,
		Nodes: uint64(len(h.labels)), Dead: uint64(h.nDead), Entry: uint64(h.entry),
		TopLevel: int64(h.topLevel), Seq: h.seq,
	}
	var mb bytes.Buffer
	_ = binary.Write(&mb, binary.LittleEndian, &meta)
	sections := []section{
		{tag: "meta", payload: mb.Bytes()},
		{tag: "prof", payload: []byte(h.opts.Profile)},
		{tag: "vecs", payload: binfile.Float32Bytes(h.vecs), more: binfile.Float32Bytes(h.tail), alignTo: rowAlign},
		{tag: "lnk0", payload: binfile.Uint32Bytes(h.links0)},
		{tag: "levl", payload: h.levels},
		{tag: "upof", payload: binfile.Uint32Bytes(h.upperOff)},
		{tag: "uppr", payload: binfile.Uint32Bytes(h.upper)},
		{tag: "labl", payload: binfile.Uint32Bytes(h.labels)},
		{tag: "dead", payload: binfile.Uint64Bytes(h.dead)},
	}
	if h.spill != nil {
		// Copied from the file, not through the mapping, which would make it resident.
		sections[2].fill, sections[2].size = h.writeSpilled, int64(len(h.vecs)+len(h.tail))*4
	}
	version := uint32(hnswPlain)
	if h.opts.Quantization.quantized() {
		version = hnswVersion
		// Searches read few of these vectors, each verified on first read (OpenFile).
		sections[2].chunk = vecChunk
		// OpenFile verifies the links in pieces, in parallel, as it validates them.
		sections[3].chunk = linkChunk
		sections = append(sections, h.quantSections()...)
	}
	if err := h.verifyBorrowed(); err != nil {
		return 0, fmt.Errorf("write hnsw: %w", err)
	}
	n, err := writeFile(w, hnswMagic, version, sections)
	if err != nil {
		return n, fmt.Errorf("write hnsw: %w", err)
	}
	return n, nil
}

// ReadHNSW decodes an index written by WriteTo. The arenas alias data where alignment
// allows (no copy: loading costs a checksum pass and a validation pass), so data must not
// change while the index is in use; the first Add, Delete or Compact copies them. Every
// structural invariant a search relies on is checked, so a corrupt file yields an error
// marked as corruption, never an index that panics.
func ReadHNSW(data []byte) (*HNSW, error) {
	f, err := binfile.Parse(data, hnswMagic, hnswVersion)
	if err != nil {
		return nil, fmt.Errorf("read hnsw: %w", err)
	}
	h, err := decodeHNSW(f, false)
	if err != nil {
		return nil, fmt.Errorf("read hnsw: %w", err)
	}
	return h, nil
}

// decodeHNSW builds an index over the sections of f; mapped says they are a memory mapping
// of a file.
func decodeHNSW(f *binfile.File, mapped bool) (*HNSW, error) {
	raw, err := f.Section("meta")
	if err != nil {
		return nil, err
	}
	var meta hnswMeta
	if len(raw) != binary.Size(&meta) {
		return nil, corruption.Errorf("meta section is %d bytes, want %d", len(raw), binary.Size(&meta))
	}
	_ = binary.Read(bytes.NewReader(raw), binary.LittleEndian, &meta)
	prof, err := f.Section("prof")
	if err != nil {
		return nil, err
	}
	if meta.Dim > maxDim || meta.Metric > 255 || meta.M > maxM || meta.M0 > 2*maxM ||
		meta.EfConstruction > maxEf || meta.EfSearch > maxEf || len(prof) > 64 {
		return nil, corruption.Errorf("options out of range")
	}
	o := Options{
		Dim: int(meta.Dim), Metric: Metric(meta.Metric), M: int(meta.M), M0: int(meta.M0),
		EfConstruction: int(meta.EfConstruction), EfSearch: int(meta.EfSearch), Seed: meta.Seed,
		Profile: Profile(prof), ExactBelow: meta.ExactBelow, RepairAt: meta.RepairAt,
		Quantization: QuantNone,
	}
	var qm quantMeta
	if f.Version >= 2 {
		if qm, err = readQuantMeta(f); err != nil {
			return nil, err
		}
		o.Quantization, o.Rescore = qm.kind, qm.rescore
	}
	if math.IsNaN(o.ExactBelow) || math.IsNaN(o.RepairAt) || o.ExactBelow == 0 || o.RepairAt == 0 {
		return nil, corruption.Errorf("thresholds out of range")
	}
	if err := o.Validate(); err != nil {
		return nil, corruption.Errorf("options: %v", err)
	}
	if meta.Nodes > maxNodes {
		return nil, corruption.Errorf("%d nodes", meta.Nodes)
	}
	h := newHNSW(o)
	n := int(meta.Nodes)
	h.borrowed, h.mapped = true, mapped
	if h.vecs, err = f.Float32s("vecs", n*h.dim); err != nil {
		return nil, err
	}
	if h.links0, err = f.Uint32s("lnk0", n*h.stride0); err != nil {
		return nil, err
	}
	// Links whose checksum was deferred (OpenFile) are verified by validateLevel0, in
	// chunks, or here when the file has no chunk checksums for them.
	if h.linksCheck, err = f.Checked("lnk0"); err != nil {
		return nil, err
	}
	if !f.Chunked("lnk0") && slices.Contains(f.Deferred(), "lnk0") {
		if err := f.VerifySection("lnk0"); err != nil {
			return nil, err
		}
	}
	if h.levels, err = f.Section("levl"); err != nil {
		return nil, err
	}
	if len(h.levels) != n {
		return nil, corruption.Errorf("levl has %d entries, want %d", len(h.levels), n)
	}
	if h.upperOff, err = f.Uint32s("upof", n); err != nil {
		return nil, err
	}
	if h.upper, err = f.Uint32s("uppr", binfile.AnyLength); err != nil {
		return nil, err
	}
	if h.labels, err = f.Uint32s("labl", n); err != nil {
		return nil, err
	}
	if h.dead, err = f.Uint64s("dead", (n+63)/64); err != nil {
		return nil, err
	}
	h.entry, h.topLevel, h.seq = uint32(meta.Entry), int(meta.TopLevel), meta.Seq
	h.file = f
	if f.Chunked("vecs") {
		if h.vecsCheck, err = f.Checked("vecs"); err != nil {
			return nil, err
		}
	}
	if f.Version >= 2 {
		if h.quant, err = readQuantCodes(f, qm, o, n); err != nil {
			return nil, err
		}
	}
	if err := h.validate(meta); err != nil {
		return nil, err
	}
	return h, nil
}

// validate checks every invariant search and insert rely on, and rebuilds the label table.
func (h *HNSW) validate(meta hnswMeta) error {
	n := len(h.labels)
	if tail := n % 64; tail != 0 && h.dead[len(h.dead)-1]>>tail != 0 {
		return corruption.Errorf("tombstones beyond the last node")
	}
	dead := 0
	for _, w := range h.dead {
		dead += bits.OnesCount64(w)
	}
	if uint64(dead) != meta.Dead {
		return corruption.Errorf("%d tombstones, meta says %d", dead, meta.Dead)
	}
	h.nDead = dead
	// Upper-level blocks are laid out in node order without overlap (as inserts and
	// compaction write them), which in-place compaction relies on.
	top := -1
	prevEnd := uint64(0)
	for i, l := range h.levels {
		if l > maxLevel {
			return corruption.Errorf("node %d has level %d", i, l)
		}
		if l > 0 {
			off := uint64(h.upperOff[i])
			end := off + uint64(l)*uint64(h.strideU)
			if off < prevEnd || end > uint64(len(h.upper)) {
				return corruption.Errorf("node %d: upper lists at [%d, %d) overlap or pass %d", i, off, end, len(h.upper))
			}
			prevEnd = end
		}
		top = max(top, int(l))
	}
	if n == 0 {
		if h.topLevel != -1 || h.entry != 0 {
			return corruption.Errorf("empty graph with an entry point")
		}
	} else if h.topLevel != top || int64(h.entry) >= int64(n) || int(h.levels[h.entry]) != top {
		return corruption.Errorf("entry point %d at level %d inconsistent with top level %d", h.entry, h.topLevel, top)
	}
	if err := h.validateLevel0(); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		node := uint32(i)
		for l := 1; l <= int(h.levels[i]); l++ {
			blk := h.listAt(node, l)
			if int(blk[0]) > h.maxLinks(l) {
				return corruption.Errorf("node %d level %d: %d links, capacity %d", i, l, blk[0], h.maxLinks(l))
			}
			for _, nb := range blk[1 : 1+blk[0]] {
				if int64(nb) >= int64(n) || int(h.levels[nb]) < l {
					return corruption.Errorf("node %d level %d links to %d, which is not on that level", i, l, nb)
				}
			}
		}
	}
	h.lookup = labelTable{}
	if n-dead > 0 {
		maxLabel := uint32(0)
		for _, l := range h.labels {
			maxLabel = max(maxLabel, l)
		}
		h.lookup.reserve(n-dead, maxLabel)
	}
	for i, label := range h.labels {
		if h.isDead(uint32(i)) {
			continue
		}
		if _, dup := h.lookup.get(label); dup {
			return corruption.Errorf("label %d on two live nodes", label)
		}
		h.lookup.set(label, uint32(i))
	}
	return nil
}

// validateLevel0 checks every level-0 list (a count within capacity, ids of nodes), the
// bulk of a graph's validation and what an open of a large index mostly spends, split over
// the threads: every node is on level 0, so only the ids' range needs checking. Each
// worker first verifies the chunk checksums of its part of the links when the read of the
// file deferred them (OpenFile).
func (h *HNSW) validateLevel0() error {
	n := len(h.labels)
	workers := max(1, min(h.opts.threads(), n/65536))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if h.mapped {
				defer forwardFault(&h.openFault)()
			}
			lo, hi := n*w/workers, n*(w+1)/workers
			links, stride := h.links0, h.stride0
			if err := h.linksCheck.VerifyWords(lo*stride, hi*stride, 4); err != nil {
				errs[w] = err
				return
			}
			for i := lo; i < hi; i++ {
				blk := links[i*stride : (i+1)*stride]
				cnt := blk[0]
				if int(cnt) > h.m0 {
					errs[w] = corruption.Errorf("node %d level 0: %d links, capacity %d", i, cnt, h.m0)
					return
				}
				bad := false
				for _, nb := range blk[1 : 1+cnt] {
					bad = bad || nb >= uint32(n)
				}
				if bad {
					errs[w] = corruption.Errorf("node %d level 0 links past the %d nodes", i, n)
					return
				}
			}
		}()
	}
	wg.Wait()
	if f := h.openFault.Load(); f != nil {
		panic(f.(faultPanic).value)
	}
	return errors.Join(errs...)
}

// WriteTo writes the index in the VJRAFLAT format.
func (f *Flat) WriteTo(w io.Writer) (int64, error) {
	n, err := writeFile(w, flatMagic, flatVersion, []section{
		{tag: "meta", payload: binfile.Uint64Bytes([]uint64{uint64(f.dim), uint64(f.metric), uint64(len(f.labels))})},
		{tag: "vecs", payload: binfile.Float32Bytes(f.vecs)},
		{tag: "labl", payload: binfile.Uint32Bytes(f.labels)},
	})
	if err != nil {
		return n, fmt.Errorf("write flat: %w", err)
	}
	return n, nil
}

// ReadFlat decodes an index written by Flat.WriteTo. It copies what it reads, so data may
// be reused afterwards.
func ReadFlat(data []byte) (*Flat, error) {
	fl, err := readFlat(data)
	if err != nil {
		return nil, fmt.Errorf("read flat: %w", err)
	}
	return fl, nil
}

func readFlat(data []byte) (*Flat, error) {
	f, err := binfile.Parse(data, flatMagic, flatVersion)
	if err != nil {
		return nil, err
	}
	meta, err := f.Uint64s("meta", 3)
	if err != nil {
		return nil, err
	}
	if meta[0] < 1 || meta[0] > maxDim || meta[1] > uint64(InnerProduct) || meta[2] > maxNodes {
		return nil, corruption.Errorf("meta out of range")
	}
	fl, _ := NewFlat(int(meta[0]), Metric(meta[1]))
	n := int(meta[2])
	vecs, err := f.Float32s("vecs", n*fl.dim)
	if err != nil {
		return nil, err
	}
	labels, err := f.Uint32s("labl", n)
	if err != nil {
		return nil, err
	}
	fl.vecs = append([]float32(nil), vecs...)
	fl.labels = append([]uint32(nil), labels...)
	if n > 0 {
		maxLabel := uint32(0)
		for _, l := range labels {
			maxLabel = max(maxLabel, l)
		}
		fl.lookup.reserve(n, maxLabel)
	}
	for i, label := range fl.labels {
		if _, dup := fl.lookup.get(label); dup {
			return nil, corruption.Errorf("label %d stored twice", label)
		}
		fl.lookup.set(label, uint32(i))
	}
	return fl, nil
}
