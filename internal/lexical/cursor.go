package lexical

// cursor iterates one term's postings in one segment. Landing in a block only reads its
// header: the first lookup searches the packed ordinals in place (they are offsets from the
// block base, so any one can be read directly), and a column is decoded whole only when a
// caller needs all of it or comes back to the block. Pruned searches that touch one posting
// of a block therefore do not pay for decoding it.
type cursor struct {
	seg        *Segment
	term       int
	first, end int // the term's block range
	df         uint32
	blk        int // current block
	n, pos     int // postings in the current block, position in it
	base       uint32
	docCol     []byte // the current block's offset column, to the end of post
	tfCol      []byte // the current block's tf column, to the end of post
	docWidth   uint8
	tfWidth    uint8
	docsReady  bool
	tfsReady   bool
	doc        uint32 // current ordinal, or noDoc

	// Query-time state used by the pruning search.
	tw      float64 // scorer.termWeight of the term
	ws      float64 // bound, in quanta, over the current window
	shallow int     // first block that may still overlap a window
	sat     *saturationCache

	docs [blockSize]uint32
	tfs  [blockSize]uint32
}

// reset positions the cursor on the first posting of term t.
func (c *cursor) reset(seg *Segment, t int) {
	c.seg = seg
	c.term = t
	c.first = int(seg.termBlk[t])
	c.end = int(seg.termBlk[t+1])
	c.df = seg.termDF[t]
	c.shallow = c.first
	c.load(c.first)
	c.doc = c.docAt(0)
}

// load enters block b at its first posting, reading only the header.
func (c *cursor) load(b int) {
	s := c.seg
	c.blk = b
	c.n = s.blockLen(c.term, b)
	c.pos = 0
	c.base = s.blockBase(b, c.first)
	off := int(s.blkOff[b])
	c.docWidth = s.post[off]
	c.tfWidth = s.post[off+1]
	data := off + s.headerLen()
	c.docCol = s.post[data:]
	c.tfCol = s.post[data+packedLen(c.n, c.docWidth):]
	c.docsReady = false
	c.tfsReady = false
}

func (c *cursor) docAt(i int) uint32 {
	if c.docsReady {
		return c.docs[i]
	}
	return c.base + packedAt(c.docCol, i, c.docWidth)
}

// tf returns the weighted tf of the current posting.
func (c *cursor) tf() uint32 {
	if c.tfsReady {
		return c.tfs[c.pos]
	}
	return packedAt(c.tfCol, c.pos, c.tfWidth) + 1
}

// blockDocs decodes (once) and returns the ordinals of the current block.
func (c *cursor) blockDocs() []uint32 {
	if !c.docsReady {
		unpack(c.docs[:c.n], c.docCol, c.docWidth, c.base)
		c.docsReady = true
	}
	return c.docs[:c.n]
}

// blockTFs decodes (once) and returns the tfs of the current block.
func (c *cursor) blockTFs() []uint32 {
	if !c.tfsReady {
		unpack(c.tfs[:c.n], c.tfCol, c.tfWidth, 1)
		c.tfsReady = true
	}
	return c.tfs[:c.n]
}

// next moves to the following posting.
func (c *cursor) next() {
	c.pos++
	if c.pos < c.n {
		c.doc = c.docAt(c.pos)
		return
	}
	if c.blk+1 < c.end {
		c.load(c.blk + 1)
		c.doc = c.docAt(0)
		return
	}
	c.doc = noDoc
}

// advance moves to the first posting with ordinal >= target, skipping whole blocks by their
// last ordinals. The first lookup in a block searches the packed offsets in place; a second
// one decodes the block, since the term is evidently dense where the candidates are.
func (c *cursor) advance(target uint32) {
	if c.doc >= target {
		return
	}
	last := c.seg.blkLast
	if last[c.blk] < target {
		b := c.blk + 1
		for b < c.end && last[b] < target {
			b++
		}
		if b == c.end {
			c.doc = noDoc
			return
		}
		c.load(b)
	} else if !c.docsReady {
		c.blockDocs()
	}
	// The block's last ordinal is >= target: gallop from the current position (targets are
	// usually near), then binary-search the bracket.
	lo, hi := c.pos, c.n-1
	if c.docsReady {
		docs := c.docs[:c.n]
		for step := 1; lo+step < hi; step *= 2 {
			if docs[lo+step] >= target {
				hi = lo + step
				break
			}
			lo += step
		}
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if docs[m] < target {
				lo = m + 1
			} else {
				hi = m
			}
		}
		c.pos = lo
		c.doc = docs[lo]
		return
	}
	col, w, want := c.docCol, c.docWidth, target-c.base
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if packedAt(col, m, w) < want {
			lo = m + 1
		} else {
			hi = m
		}
	}
	c.pos = lo
	c.doc = c.base + packedAt(col, lo, w)
}
