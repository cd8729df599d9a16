package storage

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// WAL file layout (integers little-endian):
//
//	header : magic "VJRA-WAL" | version uint32 | CRC32C uint32 of the 12 bytes before
//	record : header checksum uint32 | payload CRC32C uint32 | length uint32 | type uint8 |
//	         payload [length]byte
//
// The header checksum is the CRC32C of the record header's other 9 bytes followed by the
// record's file offset (uint64). Covering the offset means a record is valid only where it was
// written, so stale or duplicated bytes elsewhere in a damaged file never pass as records; a
// checksum of its own lets a scan for valid records after damage reject a position in constant
// time instead of hashing a payload of whatever length the garbage claims.
const (
	walMagic     = "VJRA-WAL"
	walVersion   = 1
	walHeaderLen = 16
	recHeaderLen = 13
	maxRecordLen = 1 << 30 // format limit; WALOptions.MaxRecordSize may only lower it
	walReadAhead = 256 << 10
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func walHeader() [walHeaderLen]byte {
	var h [walHeaderLen]byte
	copy(h[:8], walMagic)
	binary.LittleEndian.PutUint32(h[8:12], walVersion)
	binary.LittleEndian.PutUint32(h[12:16], binfile.Checksum(h[:12]))
	return h
}

// checkWALHeader validates the first walHeaderLen bytes of a WAL file.
func checkWALHeader(h []byte) error {
	if string(h[:8]) != walMagic {
		return corruption.Errorf("not a WAL file (magic %q)", h[:8])
	}
	if binfile.Checksum(h[:12]) != binary.LittleEndian.Uint32(h[12:16]) {
		return corruption.Errorf("WAL header checksum mismatch")
	}
	if v := binary.LittleEndian.Uint32(h[8:12]); v == 0 || v > walVersion {
		return fmt.Errorf("%w: WAL version %d (this build reads up to %d)", ErrVersion, v, walVersion)
	}
	return nil
}

// uninitialisedHeader reports whether a file of at most walHeaderLen bytes is what a crash
// while creating a WAL can leave: empty, a prefix of the header, or zeros. Such a file holds no
// record and is safe to initialise again.
func uninitialisedHeader(b []byte) bool {
	h := walHeader()
	if string(b) == string(h[:len(b)]) {
		return true
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func payloadChecksum(p []byte) uint32 { return crc32.Checksum(p, castagnoli) }

// headerChecksum is the CRC32C of a record header's payload CRC, length and type (h[4:13])
// followed by the record's offset. It runs the table byte by byte: for 17 bytes that costs
// no more than the library call, and nothing escapes to the heap.
func headerChecksum(h []byte, off int64) uint32 {
	crc := ^uint32(0)
	for _, v := range h[4:recHeaderLen] {
		crc = castagnoli[byte(crc)^v] ^ crc>>8
	}
	for i := range 8 {
		crc = castagnoli[byte(crc)^byte(off>>(8*i))] ^ crc>>8
	}
	return ^crc
}

// appendRecord encodes r, to be written at file offset off, onto buf.
func appendRecord(buf []byte, off int64, r Record, payloadSum uint32) []byte {
	var h [recHeaderLen]byte
	binary.LittleEndian.PutUint32(h[4:8], payloadSum)
	binary.LittleEndian.PutUint32(h[8:12], uint32(len(r.Payload)))
	h[12] = r.Type
	binary.LittleEndian.PutUint32(h[0:4], headerChecksum(h[:], off))
	buf = append(buf, h[:]...)
	return append(buf, r.Payload...)
}

// walReader reads records from a WAL file through a read-ahead window.
type walReader struct {
	r      io.ReaderAt
	size   int64
	buf    []byte
	bufOff int64
}

// bytes returns the file's bytes [off, off+n), which the caller has checked lie below size.
// The slice aliases the window and is valid until the next call.
func (r *walReader) bytes(off int64, n int) ([]byte, error) {
	if off >= r.bufOff && off+int64(n) <= r.bufOff+int64(len(r.buf)) {
		s := off - r.bufOff
		return r.buf[s : s+int64(n)], nil
	}
	want := int64(max(n, walReadAhead))
	want = min(want, r.size-off)
	if int64(cap(r.buf)) < want {
		r.buf = make([]byte, want)
	}
	r.buf = r.buf[:want]
	got, err := r.r.ReadAt(r.buf, off)
	if int64(got) < want {
		r.buf = r.buf[:0]
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read at offset %d: %w", off, err)
	}
	r.bufOff = off
	return r.buf[:n], nil
}

// recordAt parses the record starting at off. ok is false when no valid record starts there;
// err is only for failures to read. The payload aliases the read window.
func (r *walReader) recordAt(off int64) (rec Record, next int64, ok bool, err error) {
	if r.size-off < recHeaderLen {
		return Record{}, 0, false, nil
	}
	h, err := r.bytes(off, recHeaderLen)
	if err != nil {
		return Record{}, 0, false, err
	}
	if headerChecksum(h, off) != binary.LittleEndian.Uint32(h[0:4]) {
		return Record{}, 0, false, nil
	}
	sum := binary.LittleEndian.Uint32(h[4:8])
	length := binary.LittleEndian.Uint32(h[8:12])
	typ := h[12]
	if length > maxRecordLen || int64(length) > r.size-off-recHeaderLen {
		return Record{}, 0, false, nil
	}
	// Ask for header and payload together: the window then starts at off, so scanning on to
	// off+1 after a bad record does not slide the window back and forth.
	whole, err := r.bytes(off, recHeaderLen+int(length))
	if err != nil {
		return Record{}, 0, false, err
	}
	p := whole[recHeaderLen:]
	if payloadChecksum(p) != sum {
		return Record{}, 0, false, nil
	}
	return Record{Type: typ, Payload: p}, off + recHeaderLen + int64(length), true, nil
}

// validRecordAfter looks for any valid record starting after off. It tells a torn tail (none:
// the bytes after the last good record are an interrupted write) from damage in the middle of
// the log (some: records the writer acknowledged would be lost by truncating).
func (r *walReader) validRecordAfter(off int64) (int64, bool, error) {
	for y := off + 1; r.size-y >= recHeaderLen; y++ {
		_, _, ok, err := r.recordAt(y)
		if err != nil {
			return 0, false, err
		}
		if ok {
			return y, true, nil
		}
	}
	return 0, false, nil
}
