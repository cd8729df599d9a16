package binfile

import (
	"encoding/binary"
	"hash/crc32"
	"math"
	"sync/atomic"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// Chunk checksums let a reader that maps a file verify a large section piece by piece, as it
// first touches each piece, instead of reading all of it when the file is opened. A section
// written with SectionChunked keeps its whole-payload checksum (which Parse and Verify check)
// and gains one CRC32C per chunk of its payload, stored in the file's "SUMS" section:
//
//	per chunked section: tag [4]byte | chunk size uint32 | chunk count uint32 | CRC32C uint32 × count
//
// "SUMS" is written by Close, after the sections it describes, and is itself an ordinary
// section with its own checksum.
const sumsTag = "SUMS"

// DefaultChunk is the chunk size formats use for their bulk sections: one page, so that
// verifying a chunk on first touch reads no page the read itself would not (a checksum per
// 4 KiB costs 0.1% of the section's size).
const DefaultChunk = 4 << 10

// maxChunk bounds the chunk size a file may declare.
const maxChunk = 1 << 30

type chunkSums struct {
	tag   string
	chunk int
	sums  []uint32
}

// SectionChunked writes a section like Section and records a checksum of every chunk bytes
// of its payload (DefaultChunk when chunk is 0), so that readers using ParseLayout can verify
// it piecewise.
func (w *Writer) SectionChunked(tag string, payload []byte, chunk int) error {
	if chunk == 0 {
		chunk = DefaultChunk
	}
	return w.section(tag, payload, chunk)
}

// payloadWriter writes a section's payload, updating its checksum and chunk checksums.
type payloadWriter struct {
	w     *Writer
	n     uint64
	crc   uint32
	chunk int
	cur   uint32 // checksum of the current chunk so far
	inCur int    // bytes of the current chunk so far
	sums  []uint32
}

func (p *payloadWriter) Write(b []byte) (int, error) {
	p.w.write(b)
	if p.w.err != nil {
		return 0, p.w.err
	}
	p.n += uint64(len(b))
	p.crc = crc32.Update(p.crc, castagnoli, b)
	for rest := b; p.chunk > 0 && len(rest) > 0; {
		take := min(len(rest), p.chunk-p.inCur)
		p.cur = crc32.Update(p.cur, castagnoli, rest[:take])
		p.inCur += take
		rest = rest[take:]
		if p.inCur == p.chunk {
			p.closeChunk()
		}
	}
	return len(b), nil
}

// closeChunk records the checksum of the current chunk, if it holds any byte.
func (p *payloadWriter) closeChunk() {
	if p.inCur > 0 {
		p.sums = append(p.sums, p.cur)
		p.cur, p.inCur = 0, 0
	}
}

func encodeChunkSums(cs []chunkSums) []byte {
	var b []byte
	for _, c := range cs {
		b = append(b, c.tag...)
		b = binary.LittleEndian.AppendUint32(b, uint32(c.chunk))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(c.sums)))
		for _, s := range c.sums {
			b = binary.LittleEndian.AppendUint32(b, s)
		}
	}
	return b
}

// parseChunkSums reads a "SUMS" payload, checking it against the sections it describes.
func parseChunkSums(b []byte, sections map[string][]byte) (map[string]*chunkSums, error) {
	out := map[string]*chunkSums{}
	for len(b) > 0 {
		if len(b) < 12 {
			return nil, corruption.Errorf("section %q truncated", sumsTag)
		}
		tag := string(b[:4])
		chunk := binary.LittleEndian.Uint32(b[4:])
		count := uint64(binary.LittleEndian.Uint32(b[8:]))
		b = b[12:]
		p, ok := sections[tag]
		switch {
		case !ok || tag == sumsTag:
			return nil, corruption.Errorf("section %q lists chunks of section %q, which the file lacks", sumsTag, tag)
		case out[tag] != nil:
			return nil, corruption.Errorf("section %q lists section %q twice", sumsTag, tag)
		case chunk == 0 || chunk > maxChunk:
			return nil, corruption.Errorf("section %q: chunk size %d for %q", sumsTag, chunk, tag)
		case count != (uint64(len(p))+uint64(chunk)-1)/uint64(chunk):
			return nil, corruption.Errorf("section %q: %d chunks of %d bytes for the %d bytes of %q", sumsTag, count, chunk, len(p), tag)
		case count > uint64(len(b))/4:
			return nil, corruption.Errorf("section %q truncated", sumsTag)
		}
		cs := &chunkSums{tag: tag, chunk: int(chunk), sums: make([]uint32, count)}
		for i := range cs.sums {
			cs.sums[i] = binary.LittleEndian.Uint32(b[4*i:])
		}
		b = b[4*count:]
		out[tag] = cs
	}
	return out, nil
}

// Checked is a section's payload with what it takes to verify it piecewise: readers call
// Verify on a byte range before they first use it. A section without chunk checksums, or one
// parsed by Parse, is verified already and Verify costs nothing. Safe for concurrent use.
type Checked struct {
	tag   string
	data  []byte
	chunk int
	sums  []uint32
	done  []atomic.Uint64 // bit i: chunk i verified
}

// Checked returns the named section for piecewise verification, or a corruption error if it
// is missing.
func (f *File) Checked(tag string) (*Checked, error) {
	p, err := f.Section(tag)
	if err != nil {
		return nil, err
	}
	cs := f.chunked[tag]
	if !f.lazy || cs == nil {
		return &Checked{tag: tag, data: p}, nil
	}
	return f.sectionView(tag, cs), nil
}

func (f *File) sectionView(tag string, cs *chunkSums) *Checked {
	return &Checked{tag: tag, data: f.sections[tag], chunk: cs.chunk, sums: cs.sums,
		done: make([]atomic.Uint64, (len(cs.sums)+63)/64)}
}

// Chunked reports whether the named section has chunk checksums.
func (f *File) Chunked(tag string) bool { return f.chunked[tag] != nil }

// Bytes returns the payload. Bytes a caller has not verified may be damaged.
func (c *Checked) Bytes() []byte { return c.data }

// Len returns the payload's length.
func (c *Checked) Len() int { return len(c.data) }

// Verify checks the chunks that hold bytes [off, end) of the payload, each the first time it
// is asked for. A range outside the payload, or a chunk whose checksum does not match, gives
// an error marked as corruption that names the section.
func (c *Checked) Verify(off, end int) error {
	if off < 0 || end < off || end > len(c.data) {
		return corruption.Errorf("section %q: bytes %d to %d of %d", c.tag, off, end, len(c.data))
	}
	if c.sums == nil || off == end {
		return nil
	}
	for i := off / c.chunk; i <= (end-1)/c.chunk; i++ {
		if c.done[i>>6].Load()&(1<<(i&63)) != 0 {
			continue
		}
		lo, hi := i*c.chunk, min((i+1)*c.chunk, len(c.data))
		if Checksum(c.data[lo:hi]) != c.sums[i] {
			return corruption.Errorf("section %q: checksum mismatch in bytes %d to %d", c.tag, lo, hi)
		}
		c.done[i>>6].Or(1 << (i & 63))
	}
	return nil
}

// VerifyAll checks every chunk not yet verified.
func (c *Checked) VerifyAll() error { return c.Verify(0, len(c.data)) }

// VerifyWords checks the bytes of elements [i, j) of the payload viewed as an array of
// size-byte values.
func (c *Checked) VerifyWords(i, j, size int) error {
	if i < 0 || j < i || j > math.MaxInt/size {
		return corruption.Errorf("section %q: elements %d to %d", c.tag, i, j)
	}
	return c.Verify(i*size, j*size)
}
