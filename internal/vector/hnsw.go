package vector

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/vajrasearch/vajra/internal/binfile"
)

// HNSW is a hierarchical navigable small world graph over float32 vectors (Malkov &
// Yashunin, 2016), laid out like hnswlib: dense uint32 node ids in insertion order, one
// contiguous vector arena, a fixed-stride level-0 link arena (count in slot 0, then up to M0
// ids) and a sparse arena for the few nodes that reach upper levels.
//
// Concurrency: Search, SearchInto, Len, Contains and Vector may run concurrently with each
// other; Add, Delete and Compact must not run concurrently with anything. Index wraps an
// HNSW for mixed use.
type HNSW struct {
	rows     // node i's vector, label and label-table entry; cosine vectors normalised
	opts     Options
	m, m0    int
	stride0  int // m0 + 1 uint32s per level-0 list
	strideU  int // m + 1 uint32s per upper-level list
	levelMul float64

	links0   []uint32 // node i's level-0 list at [i*stride0, (i+1)*stride0)
	levels   []uint8  // top level of each node
	upperOff []uint32 // start of node i's level-1 list in upper (levels[i] > 0 only)
	upper    []uint32 // lists of levels 1..levels[i], strideU apart
	dead     []uint64 // tombstones, one bit a node
	nDead    int

	// quant holds the codes of a quantised index (nil until its first Add trains it, and
	// always nil with QuantNone).
	quant *quantCodes
	// buildOnCodes makes inserts search the graph on the codes (when there are any);
	// codeBuild, for sq8, makes them choose neighbours by code distances too, so that a
	// build reads no float32 vector but the inserted one's.
	buildOnCodes, codeBuild bool

	entry    uint32 // entry node, valid when topLevel >= 0
	topLevel int    // -1 while the graph is empty
	seq      uint64 // insertions so far, the key of level assignment

	// borrowed is set while the arenas alias a byte slice given to ReadHNSW; the first
	// mutation copies them, except the float32 vectors of a quantised index, which stay
	// where they are (frozen): searches only read a few of them, to rescore.
	borrowed bool
	// frozen is set while vecs aliases the bytes given to ReadHNSW after a mutation: later
	// vectors go to tail, and a compaction copies them all.
	frozen bool
	// mapped is set when the bytes given to ReadHNSW are a memory mapping of a file, not
	// heap memory (MemoryBytes leaves them out).
	mapped bool
	// file is the parsed file the arenas came from, whose deferred checksums (OpenFile)
	// are verified before borrowed bytes are copied or written out; vecsCheck verifies
	// the vector section piecewise, as rows are read for results.
	file       *binfile.File
	vecsCheck  *binfile.Checked
	linksCheck *binfile.Checked
	// damage is the first damage found in borrowed bytes after the index was read; every
	// later write and WriteTo fails with it.
	damage error
	// openFault carries a fault of a validation worker to the goroutine reading the file.
	openFault atomic.Value
	// spill, when set, holds the float32 vectors (see Options.SpillDir): vecs is its
	// mapping (frozen), tail the current batch's rows until they are written to it.
	spill *spillFile
}

// NewHNSW returns an empty index. o is completed with EnsureDefaults and then validated.
func NewHNSW(o Options) (*HNSW, error) {
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return newHNSW(o), nil
}

func newHNSW(o Options) *HNSW {
	return &HNSW{
		rows:     rows{dim: o.Dim, metric: o.Metric},
		opts:     o,
		m:        o.M,
		m0:       o.M0,
		stride0:  o.M0 + 1,
		strideU:  o.M + 1,
		levelMul: 1 / math.Log(float64(o.M)),
		topLevel: -1,

		buildOnCodes: o.Quantization.quantized(),
		codeBuild:    o.Quantization == QuantSQ8,
	}
}

// Options returns the options the index was built with (defaults filled in).
func (h *HNSW) Options() Options { return h.opts }

func (h *HNSW) options() Options { return h.opts }

// SetThreads changes the number of goroutines later writes use (0 means GOMAXPROCS); files
// do not store it.
func (h *HNSW) SetThreads(n int) { h.opts.Threads = max(n, 0) }

// Len returns the number of live (not deleted) vectors.
func (h *HNSW) Len() int { return len(h.labels) - h.nDead }

// Nodes returns the number of graph nodes, deleted ones included until Compact.
func (h *HNSW) Nodes() int { return len(h.labels) }

// Deleted returns the number of deleted nodes still in the graph.
func (h *HNSW) Deleted() int { return h.nDead }

// MemoryBytes returns the bytes held by the index's arenas, link lists, label table,
// tombstones and pooled search scratch: what a resident index costs beyond the Go runtime.
func (h *HNSW) MemoryBytes() int64 {
	b := h.lookup.memoryBytes() + h.pool.memoryBytes() + int64(cap(h.tail))*4
	if !(h.mapped && (h.borrowed || h.frozen)) && h.spill == nil {
		b += int64(cap(h.vecs)) * 4
	}
	if h.mapped && h.borrowed {
		// Everything else is still in the file's pages too, but the quantiser's
		// parameters are copied when read.
		return b
	}
	b += int64(cap(h.labels))*4 + int64(cap(h.links0))*4 + int64(cap(h.levels)) +
		int64(cap(h.upperOff))*4 + int64(cap(h.upper))*4 + int64(cap(h.dead))*8
	if h.quant != nil {
		b += h.quant.memoryBytes()
	}
	return b
}

// MappedBytes returns the bytes of the index that are read from a memory-mapped file
// rather than held in the heap: they count towards the resident size only as far as
// searches have touched them.
func (h *HNSW) MappedBytes() int64 {
	if h.spill != nil {
		return int64(len(h.vecs)) * 4
	}
	if !h.mapped {
		return 0
	}
	b := int64(0)
	if h.borrowed || h.frozen {
		b += int64(len(h.vecs)) * 4
	}
	if h.borrowed {
		b += int64(len(h.labels))*4 + int64(len(h.links0))*4 + int64(len(h.levels)) +
			int64(len(h.upperOff))*4 + int64(len(h.upper))*4 + int64(len(h.dead))*8
		if h.quant != nil {
			b += h.quant.memoryBytes()
		}
	}
	return b
}

func (h *HNSW) isDead(node uint32) bool { return h.dead[node>>6]&(1<<(node&63)) != 0 }

func (h *HNSW) setDead(node uint32) {
	h.dead[node>>6] |= 1 << (node & 63)
	h.nDead++
}

// maxLinks is the list capacity on a level.
func (h *HNSW) maxLinks(level int) int {
	if level == 0 {
		return h.m0
	}
	return h.m
}

// listAt returns the slot block (count, then capacity ids) of node on level.
func (h *HNSW) listAt(node uint32, level int) []uint32 {
	if level == 0 {
		b := int(node) * h.stride0
		return h.links0[b : b+h.stride0 : b+h.stride0]
	}
	b := int(h.upperOff[node]) + (level-1)*h.strideU
	return h.upper[b : b+h.strideU : b+h.strideU]
}

// neighbours returns the current list of node on level.
func (h *HNSW) neighbours(node uint32, level int) []uint32 {
	blk := h.listAt(node, level)
	return blk[1 : 1+blk[0]]
}

func (h *HNSW) setNeighbours(node uint32, level int, ids []uint32) {
	blk := h.listAt(node, level)
	blk[0] = uint32(copy(blk[1:], ids))
}

// levelFor draws the level of the seq-th insertion: floor(−ln(U)/ln(M)) with U uniform in
// (0, 1] from a hash of (seed, seq), so a node's level never depends on scheduling.
func (h *HNSW) levelFor(seq uint64) int {
	x := splitmix64(h.opts.Seed ^ splitmix64(seq))
	u := float64(x>>11+1) / (1 << 53)
	l := int(-math.Log(u) * h.levelMul)
	return min(l, maxLevel)
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// own copies the arenas when they alias a buffer given to ReadHNSW, before the first change.
func (h *HNSW) own() {
	if !h.borrowed {
		return
	}
	if h.opts.Quantization.quantized() {
		h.frozen = true
	} else {
		h.vecs = append([]float32(nil), h.vecs...)
	}
	h.links0 = append([]uint32(nil), h.links0...)
	h.upperOff = append([]uint32(nil), h.upperOff...)
	h.upper = append([]uint32(nil), h.upper...)
	h.labels = append([]uint32(nil), h.labels...)
	h.levels = append([]uint8(nil), h.levels...)
	h.dead = append([]uint64(nil), h.dead...)
	if h.quant != nil {
		// The codes are copied, so they must be sound first: damage copied into the heap
		// would otherwise be written out under a fresh checksum.
		if err := h.verifyDeferred("qcod"); err != nil && h.damage == nil {
			h.damage = err
		}
		h.quant.own()
	}
	h.borrowed = false
}

// verifyDeferred verifies a section whose checksum the read of the file deferred.
func (h *HNSW) verifyDeferred(tag string) error {
	if h.file == nil || !slices.Contains(h.file.Deferred(), tag) {
		return nil
	}
	return h.file.VerifySection(tag)
}

// verifyBorrowed verifies what is still read from the file and not verified yet, and
// returns the damage found earlier: what WriteTo needs before copying bytes out.
func (h *HNSW) verifyBorrowed() error {
	if h.damage != nil {
		return h.damage
	}
	if h.borrowed || h.frozen {
		if h.vecsCheck != nil {
			if err := h.vecsCheck.VerifyAll(); err != nil {
				return err
			}
		} else if err := h.verifyDeferred("vecs"); err != nil {
			return err
		}
	}
	if h.borrowed {
		return h.verifyDeferred("qcod")
	}
	return nil
}

// verifyRows verifies, on first read, the file's bytes of the vectors of ids that are read
// in place; rows held in the heap need nothing.
func (h *HNSW) verifyRows(ids []uint32) error {
	if h.vecsCheck == nil || !(h.borrowed || h.frozen) {
		return nil
	}
	inFile := len(h.vecs) / h.dim
	for _, id := range ids {
		if int(id) < inFile {
			if err := h.vecsCheck.VerifyWords(int(id)*h.dim, int(id+1)*h.dim, 4); err != nil {
				return err
			}
		}
	}
	return nil
}

// Vector returns a copy of the stored vector of label (normalised under cosine), verified
// first when it is read from a file; damage there makes it absent (and fails later writes).
func (h *HNSW) Vector(label uint32) ([]float32, bool) {
	slot, ok := h.lookup.get(label)
	if !ok {
		return nil, false
	}
	if err := h.verifyRows([]uint32{slot}); err != nil {
		return nil, false
	}
	return append([]float32(nil), h.vec(slot)...), true
}

// reserve makes room for more nodes in every per-node arena, growing each once to the
// exact size (or by an eighth, whichever is more) to avoid the 2x peaks of append. Each
// arena is checked on its own: after own() copied borrowed arrays, their capacities no
// longer agree (append rounds each up differently).
func (h *HNSW) reserve(more int) {
	h.own()
	n := len(h.labels) + more
	c := n
	if n > cap(h.labels) {
		c = max(n, cap(h.labels)+cap(h.labels)/8)
	}
	switch {
	case h.spill != nil:
		// The file grows; the heap holds one batch at a time.
		if err := h.spill.grow(c); err != nil && h.damage == nil {
			h.damage = err
		}
		h.vecs = h.spill.floats()
		h.tail = growTo(h.tail, batchMax*h.dim)
	case h.frozen:
		h.tail = growTo(h.tail, c*h.dim-len(h.vecs))
	default:
		h.vecs = growTo(h.vecs, c*h.dim)
	}
	h.links0 = growTo(h.links0, c*h.stride0)
	h.levels = growTo(h.levels, c)
	h.upperOff = growTo(h.upperOff, c)
	h.labels = growTo(h.labels, c)
	h.dead = growTo(h.dead, (c+63)/64)
	if h.quant != nil {
		// Room for what a Reserve announced too, so that the codes grow once.
		h.quant.grow(max(c, cap(h.labels)))
	}
}

// Reserve makes room for n more vectors in every per-node arena at once, so that adding
// them in several calls neither copies the arenas as they grow nor needs room for two
// copies at a time (a capacity hint; it changes nothing else).
func (h *HNSW) Reserve(n int) {
	if n > 0 {
		_ = h.startSpill(n) // Add reports a failure
		h.reserve(n)
	}
}

// startSpill moves the vectors of an empty sq8 index to a spill file when Options.SpillDir
// asks for one, with room for n rows.
func (h *HNSW) startSpill(n int) error {
	if h.spill != nil || h.opts.SpillDir == "" || !h.codeBuild || h.borrowed || h.frozen || len(h.labels) > 0 {
		return nil
	}
	sp, err := newSpill(h.opts.SpillDir, h.dim, max(n, cap(h.labels)))
	if err != nil {
		return err
	}
	h.spill, h.frozen, h.vecs = sp, true, nil
	// A spill file outlives its index only as long as the index is reachable.
	runtime.AddCleanup(h, func(s *spillFile) { s.close() }, sp)
	return nil
}

// flushSpill writes the rows held in tail to the spill file.
func (h *HNSW) flushSpill() error {
	if h.spill == nil || len(h.tail) == 0 {
		return nil
	}
	if err := h.spill.append(h.tail); err != nil {
		return err
	}
	h.vecs, h.tail = h.spill.floats(), h.tail[:0]
	return nil
}

// release frees what the index holds outside the heap (its spill file); the index must not
// be used afterwards.
func (h *HNSW) release() error {
	if h.spill == nil {
		return nil
	}
	err := h.spill.close()
	h.spill, h.vecs, h.tail = nil, nil, nil
	return err
}

func growTo[T any](s []T, c int) []T {
	if cap(s) >= c {
		return s
	}
	g := make([]T, len(s), c)
	copy(g, s)
	return g
}

// scratchPool hands out per-search scratch. A mutex-guarded free list rather than a
// sync.Pool: the GC empties sync.Pools, and the visited arrays are large.
type scratchPool struct {
	mu   sync.Mutex
	free []*scratch
}

func (p *scratchPool) get() *scratch {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		s := p.free[n-1]
		p.free = p.free[:n-1]
		return s
	}
	return &scratch{}
}

func (p *scratchPool) put(s *scratch) {
	p.mu.Lock()
	p.free = append(p.free, s)
	p.mu.Unlock()
}

func (p *scratchPool) memoryBytes() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b int64
	for _, s := range p.free {
		b += s.memoryBytes()
	}
	return b
}

// scratch is the reusable working memory of one search or one insert worker.
type scratch struct {
	vis   visitedSet
	q     []float32 // prepared query
	w     []cand    // sorted candidate list of the unfiltered layer search
	ids   []uint32  // neighbour ids gathered for one scoreRows call
	ds    []float32 // their scores
	front minHeap   // filtered search: unexpanded candidates
	res   maxHeap   // filtered search and exact scans: kept results
	out   []cand

	err   error     // damage found while searching (see HNSW.verifyRows)
	coded bool      // the walk scores codes (see beginWalk)
	cq    codeQuery // the query in the code domain when coded
	enc   encoder   // encoding scratch of insert workers

	scan   exactScan // state of an exact scan over a filter's labels
	scanFn func(label uint32) bool

	// insert workers only
	inb   []cand   // earlier nodes of the same batch, by score
	merge []cand   // graph candidates merged with inb
	sel   []cand   // selected neighbours
	selID []uint32 // their ids
	edges []edge   // reverse links found by this worker

	// compaction workers only
	relinks   []relink
	relinkIDs []uint32
}

func (s *scratch) memoryBytes() int64 {
	return int64(cap(s.vis.stamp))*2 + int64(cap(s.q)+cap(s.ds))*4 + int64(cap(s.ids)+cap(s.selID))*4 +
		int64(cap(s.w)+cap(s.front)+cap(s.res)+cap(s.out)+cap(s.inb)+cap(s.merge)+cap(s.sel))*8 +
		int64(cap(s.edges))*16
}

// buffers makes sure the gather buffers hold n entries.
func (s *scratch) buffers(n int) {
	if cap(s.ids) < n {
		s.ids = make([]uint32, 0, n)
		s.ds = make([]float32, n)
	}
}
