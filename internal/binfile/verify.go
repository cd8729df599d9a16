package binfile

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// Summary is what Verify learned of a file.
type Summary struct {
	Magic    string
	Version  uint32
	Sections []string
}

// Verify checks a whole file of size bytes read from r, sequentially and in constant memory:
// the header checksum, every section's padding, length and checksum, and the footer. It
// checks the container only, whatever the magic, and leaves the payloads to their format's
// decoder. Damage gives an error marked as corruption; a failure to read, the reader's error.
func Verify(r io.Reader, size int64) (Summary, error) {
	var s Summary
	if size < headerLen+footerLen {
		return s, corruption.Errorf("%d bytes is too short for a sectioned file", size)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	read := func(b []byte) error {
		if _, err := io.ReadFull(br, b); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return corruption.Errorf("file shorter than its %d bytes", size)
			}
			return err
		}
		return nil
	}
	var h [headerLen]byte
	if err := read(h[:]); err != nil {
		return s, err
	}
	if Checksum(h[:12]) != binary.LittleEndian.Uint32(h[12:16]) {
		return s, corruption.Errorf("header checksum mismatch")
	}
	s.Magic, s.Version = string(h[:8]), binary.LittleEndian.Uint32(h[8:12])
	off, end := uint64(headerLen), uint64(size-footerLen)
	seen := map[string]bool{}
	buf := make([]byte, 32<<10)
	for off < end {
		if end-off < 12 {
			return s, corruption.Errorf("section header at offset %d runs past the end", off)
		}
		var head [12]byte
		if err := read(head[:]); err != nil {
			return s, err
		}
		tag := string(head[:4])
		n := binary.LittleEndian.Uint64(head[4:12])
		off += 12
		pad := padding(off)
		if pad > end-off {
			return s, corruption.Errorf("section %q at offset %d runs past the end", tag, off)
		}
		if err := read(buf[:pad]); err != nil {
			return s, err
		}
		for _, b := range buf[:pad] {
			if b != 0 {
				return s, corruption.Errorf("section %q has non-zero padding", tag)
			}
		}
		off += pad
		if n > end-off || end-off-n < 4 {
			return s, corruption.Errorf("section %q at offset %d claims %d bytes, past the end", tag, off, n)
		}
		crc := crc32.Checksum(head[:], castagnoli)
		for left := n; left > 0; {
			chunk := buf[:min(left, uint64(len(buf)))]
			if err := read(chunk); err != nil {
				return s, err
			}
			crc = crc32.Update(crc, castagnoli, chunk)
			left -= uint64(len(chunk))
		}
		off += n
		var sum [4]byte
		if err := read(sum[:]); err != nil {
			return s, err
		}
		off += 4
		if crc != binary.LittleEndian.Uint32(sum[:]) {
			return s, corruption.Errorf("section %q checksum mismatch", tag)
		}
		if seen[tag] {
			return s, corruption.Errorf("duplicate section %q", tag)
		}
		seen[tag] = true
		s.Sections = append(s.Sections, tag)
	}
	var foot [footerLen]byte
	if err := read(foot[:]); err != nil {
		return s, err
	}
	if string(foot[12:]) != footerMark {
		return s, corruption.Errorf("missing footer (file truncated?)")
	}
	if got := binary.LittleEndian.Uint64(foot[4:12]); got != uint64(size) {
		return s, corruption.Errorf("footer says %d bytes, file has %d", got, size)
	}
	if want := binary.LittleEndian.Uint32(foot[0:4]); uint32(len(s.Sections)) != want {
		return s, corruption.Errorf("footer says %d sections, found %d", want, len(s.Sections))
	}
	if _, err := br.ReadByte(); err != io.EOF {
		if err != nil {
			return s, err
		}
		return s, corruption.Errorf("bytes after the footer of a %d-byte file", size)
	}
	return s, nil
}

// String names the file kind and version, as in "VJRADOCS v1".
func (s Summary) String() string { return fmt.Sprintf("%s v%d", s.Magic, s.Version) }
