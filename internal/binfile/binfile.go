// Package binfile owns the on-disk layout shared by every Vajra binary format: a header with
// a magic string and a format version, then named sections, each with its length and a
// CRC32C of its payload, then a footer that makes truncation detectable.
//
// Layout (all integers little-endian):
//
//	header  : magic [8]byte | version uint32 | header CRC32C uint32 (of the 12 bytes before)
//	section : tag [4]byte | length uint64 | zero padding to 8-byte alignment | payload |
//	          CRC32C uint32 (of tag, length and payload)
//	footer  : section count uint32 | file length uint64 | "VJRAEND!"
//
// Payloads start at offsets that are multiples of 8, so a reader that holds the whole file in
// memory can view numeric arrays in place (see the view helpers) instead of copying them.
// Large sections may also carry per-chunk checksums (SectionChunked), so that a reader that
// maps the file verifies each piece when it first reads it (ParseLayout, Checked) instead of
// reading everything at open. Parse rejects anything it does not fully understand with an error marked as corruption
// (internal/corruption) or wrapping ErrVersion; it never panics on arbitrary input.
package binfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// ErrVersion reports a file written by a newer (or unknown) version of a format.
var ErrVersion = errors.New("unsupported format version")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const (
	headerLen  = 16
	footerLen  = 20
	footerMark = "VJRAEND!"
)

// Checksum returns the CRC32C of b, the checksum used throughout Vajra's formats.
func Checksum(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// Writer writes one file as a sequence of sections. It buffers nothing: each Section call
// writes straight through to the underlying writer.
type Writer struct {
	w        io.Writer
	off      uint64
	sections uint32
	tags     map[string]bool
	chunks   []chunkSums
	err      error
}

// NewWriter writes the header for a file of the given kind. magic must be exactly 8 bytes.
func NewWriter(w io.Writer, magic string, version uint32) (*Writer, error) {
	if len(magic) != 8 {
		return nil, fmt.Errorf("binfile: magic %q must be 8 bytes", magic)
	}
	var h [headerLen]byte
	copy(h[:8], magic)
	binary.LittleEndian.PutUint32(h[8:12], version)
	binary.LittleEndian.PutUint32(h[12:16], Checksum(h[:12]))
	bw := &Writer{w: w, tags: map[string]bool{}}
	bw.write(h[:])
	return bw, bw.err
}

func (w *Writer) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.w.Write(b)
	w.off += uint64(n)
	if err != nil {
		w.err = err
	}
}

// Section writes one section. tag must be 4 bytes and unique within the file.
func (w *Writer) Section(tag string, payload []byte) error {
	return w.section(tag, payload, 0)
}

func (w *Writer) section(tag string, payload []byte, chunk int) error {
	return w.SectionFrom(tag, uint64(len(payload)), chunk, func(out io.Writer) error {
		_, err := out.Write(payload)
		return err
	})
}

// SectionFrom writes a section of n bytes that fill writes, without holding it in memory.
// With chunk > 0 it also records a checksum of every chunk bytes of the payload, as
// SectionChunked does. fill must write exactly n bytes.
func (w *Writer) SectionFrom(tag string, n uint64, chunk int, fill func(io.Writer) error) error {
	if len(tag) != 4 || tag == sumsTag {
		return fmt.Errorf("binfile: tag %q must be 4 bytes and not %q", tag, sumsTag)
	}
	if w.tags[tag] {
		return fmt.Errorf("binfile: duplicate section %q", tag)
	}
	if chunk < 0 || chunk > maxChunk {
		return fmt.Errorf("binfile: chunk size %d out of range", chunk)
	}
	return w.sectionFrom(tag, n, chunk, fill)
}

func (w *Writer) sectionFrom(tag string, n uint64, chunk int, fill func(io.Writer) error) error {
	w.tags[tag] = true
	head := sectionHead(tag, 0)
	binary.LittleEndian.PutUint64(head[4:], n)
	w.write(head)
	if pad := padding(w.off); pad > 0 {
		w.write(make([]byte, pad))
	}
	if w.err != nil {
		return w.err
	}
	pw := &payloadWriter{w: w, crc: crc32.Checksum(head, castagnoli), chunk: chunk}
	if err := fill(pw); err != nil {
		if w.err == nil {
			w.err = err
		}
		return err
	}
	if w.err != nil {
		return w.err
	}
	if pw.n != n {
		w.err = fmt.Errorf("binfile: section %q: wrote %d bytes, announced %d", tag, pw.n, n)
		return w.err
	}
	if chunk > 0 {
		pw.closeChunk()
		w.chunks = append(w.chunks, chunkSums{tag: tag, chunk: chunk, sums: pw.sums})
	}
	var c [4]byte
	binary.LittleEndian.PutUint32(c[:], pw.crc)
	w.write(c[:])
	w.sections++
	return w.err
}

// Close writes the chunk checksums of the chunked sections, if any, and the footer. It does
// not close the underlying writer.
func (w *Writer) Close() error {
	if len(w.chunks) > 0 && !w.tags[sumsTag] {
		if err := w.sectionFrom(sumsTag, uint64(len(encodeChunkSums(w.chunks))), 0, func(out io.Writer) error {
			_, err := out.Write(encodeChunkSums(w.chunks))
			return err
		}); err != nil {
			return err
		}
	}
	var f [footerLen]byte
	binary.LittleEndian.PutUint32(f[0:4], w.sections)
	binary.LittleEndian.PutUint64(f[4:12], w.off+footerLen)
	copy(f[12:], footerMark)
	w.write(f[:])
	return w.err
}

// sectionChecksum covers the section's tag and length as well as its payload, so a flipped
// tag byte is caught too.
func sectionChecksum(head, payload []byte) uint32 {
	return crc32.Update(crc32.Checksum(head, castagnoli), castagnoli, payload)
}

func padding(off uint64) uint64 { return (8 - off%8) % 8 }

// File is a parsed file: its version and its sections, in file order.
type File struct {
	Version  uint32
	tags     []string
	sections map[string][]byte
	crcs     map[string]uint32     // stored checksum of each section
	chunked  map[string]*chunkSums // sections with chunk checksums (see SectionChunked)
	lazy     bool                  // chunked sections are verified on demand (ParseLayout)
	deferred []string              // sections ParseDeferring did not verify
}

// Parse validates data as a file of the given kind written by a format version no newer than
// maxVersion, checking every checksum. Section payloads alias data.
func Parse(data []byte, magic string, maxVersion uint32) (*File, error) {
	f, err := parseLayout(data, magic, maxVersion)
	if err != nil {
		return nil, err
	}
	for _, tag := range f.tags {
		if err := f.verifySection(tag); err != nil {
			return nil, err
		}
	}
	for _, tag := range f.tags {
		if cs := f.chunked[tag]; cs != nil {
			if err := f.sectionView(tag, cs).VerifyAll(); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

// ParseLayout is Parse for files read in place (memory-mapped): it checks the header, the
// footer, the section table and the checksum of every section except those written with
// SectionChunked, whose chunks the caller verifies as it first reads them, through
// (*File).Checked. It reads only the small sections, so its cost does not grow with the
// file's bulk data.
func ParseLayout(data []byte, magic string, maxVersion uint32) (*File, error) {
	f, err := parseLayout(data, magic, maxVersion)
	if err != nil {
		return nil, err
	}
	for _, tag := range f.tags {
		if f.chunked[tag] != nil {
			continue
		}
		if err := f.verifySection(tag); err != nil {
			return nil, err
		}
	}
	f.lazy = true
	return f, nil
}

// ParseDeferring is Parse without the checksums of the sections that deferred names: their
// payloads are not read (the pages of a mapped file stay untouched) until VerifyDeferred or
// VerifySection, or, for those with chunk checksums, piecewise through Checked, as with
// ParseLayout. It is for formats whose bulk sections are safe to read unverified (any bytes
// there are valid values). Everything else is checked as Parse checks it.
func ParseDeferring(data []byte, magic string, maxVersion uint32, deferred func(tag string) bool) (*File, error) {
	f, err := parseLayout(data, magic, maxVersion)
	if err != nil {
		return nil, err
	}
	f.lazy = true
	for _, tag := range f.tags {
		if tag != sumsTag && deferred != nil && deferred(tag) {
			f.deferred = append(f.deferred, tag)
			continue
		}
		if err := f.verifySection(tag); err != nil {
			return nil, err
		}
		if cs := f.chunked[tag]; cs != nil {
			if err := f.sectionView(tag, cs).VerifyAll(); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

// Deferred lists the sections whose checksums ParseDeferring left out, in file order.
func (f *File) Deferred() []string { return append([]string(nil), f.deferred...) }

// VerifyDeferred checks the checksums ParseDeferring left out, reading those payloads; a
// mismatch is an error marked as corruption.
func (f *File) VerifyDeferred() error {
	for _, tag := range f.deferred {
		if err := f.VerifySection(tag); err != nil {
			return err
		}
	}
	return nil
}

// VerifySection checks the named section's checksum (and chunk checksums), reading all of
// it; a mismatch or a missing section is an error marked as corruption.
func (f *File) VerifySection(tag string) error {
	if _, ok := f.sections[tag]; !ok {
		return corruption.Errorf("missing section %q", tag)
	}
	if err := f.verifySection(tag); err != nil {
		return err
	}
	if cs := f.chunked[tag]; cs != nil {
		return f.sectionView(tag, cs).VerifyAll()
	}
	return nil
}

func (f *File) verifySection(tag string) error {
	p := f.sections[tag]
	if sectionChecksum(sectionHead(tag, len(p)), p) != f.crcs[tag] {
		return corruption.Errorf("section %q checksum mismatch", tag)
	}
	return nil
}

func sectionHead(tag string, n int) []byte {
	var h [12]byte
	copy(h[:4], tag)
	binary.LittleEndian.PutUint64(h[4:], uint64(n))
	return h[:]
}

// parseLayout walks the container without checking section checksums, except the chunk
// table's, which it needs to know which sections are chunked.
func parseLayout(data []byte, magic string, maxVersion uint32) (*File, error) {
	if len(data) < headerLen+footerLen {
		return nil, corruption.Errorf("%d bytes is too short for a %q file", len(data), magic)
	}
	if string(data[:8]) != magic {
		return nil, corruption.Errorf("not a %q file (magic %q)", magic, data[:8])
	}
	if Checksum(data[:12]) != binary.LittleEndian.Uint32(data[12:16]) {
		return nil, corruption.Errorf("header checksum mismatch")
	}
	version := binary.LittleEndian.Uint32(data[8:12])
	if version == 0 || version > maxVersion {
		return nil, fmt.Errorf("%w: %q version %d (this build reads up to %d)", ErrVersion, magic, version, maxVersion)
	}
	foot := data[len(data)-footerLen:]
	if string(foot[12:]) != footerMark {
		return nil, corruption.Errorf("missing footer (file truncated?)")
	}
	if got := binary.LittleEndian.Uint64(foot[4:12]); got != uint64(len(data)) {
		return nil, corruption.Errorf("footer says %d bytes, file has %d", got, len(data))
	}
	want := binary.LittleEndian.Uint32(foot[0:4])
	f := &File{Version: version, sections: map[string][]byte{}, crcs: map[string]uint32{}}
	off := uint64(headerLen)
	end := uint64(len(data) - footerLen)
	for off < end {
		if end-off < 12 {
			return nil, corruption.Errorf("section header at offset %d runs past the end", off)
		}
		head := data[off : off+12]
		tag := string(head[:4])
		n := binary.LittleEndian.Uint64(head[4:12])
		off += 12
		pad := padding(off)
		if pad > end-off {
			return nil, corruption.Errorf("section %q at offset %d runs past the end", tag, off)
		}
		for _, b := range data[off : off+pad] {
			if b != 0 {
				return nil, corruption.Errorf("section %q has non-zero padding", tag)
			}
		}
		off += pad
		if off > end || n > end-off || end-off-n < 4 {
			return nil, corruption.Errorf("section %q at offset %d claims %d bytes, past the end", tag, off, n)
		}
		payload := data[off : off+n : off+n]
		off += n
		crc := binary.LittleEndian.Uint32(data[off : off+4])
		off += 4
		if _, dup := f.sections[tag]; dup {
			return nil, corruption.Errorf("duplicate section %q", tag)
		}
		f.sections[tag] = payload
		f.crcs[tag] = crc
		f.tags = append(f.tags, tag)
	}
	if uint32(len(f.tags)) != want {
		return nil, corruption.Errorf("footer says %d sections, found %d", want, len(f.tags))
	}
	if _, ok := f.sections[sumsTag]; ok {
		if err := f.verifySection(sumsTag); err != nil {
			return nil, err
		}
		chunked, err := parseChunkSums(f.sections[sumsTag], f.sections)
		if err != nil {
			return nil, err
		}
		f.chunked = chunked
	}
	return f, nil
}

// Section returns the payload of the named section, or a corruption error if it is missing.
func (f *File) Section(tag string) ([]byte, error) {
	p, ok := f.sections[tag]
	if !ok {
		return nil, corruption.Errorf("missing section %q", tag)
	}
	return p, nil
}

// Has reports whether the file has the named section.
func (f *File) Has(tag string) bool { _, ok := f.sections[tag]; return ok }

// Tags lists the section tags in file order, without the chunk checksums' section, which
// belongs to the container rather than to the format.
func (f *File) Tags() []string {
	out := make([]string, 0, len(f.tags))
	for _, t := range f.tags {
		if t != sumsTag {
			out = append(out, t)
		}
	}
	return out
}
