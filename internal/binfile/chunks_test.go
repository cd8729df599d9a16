package binfile

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// writeChunked writes a file with a small section and a chunked one of n bytes (chunk 64).
func writeChunked(t testing.TB, n int) ([]byte, []byte) {
	t.Helper()
	bulk := make([]byte, n)
	for i := range bulk {
		bulk[i] = byte(i*7 + i/13)
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "TESTFILE", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Section("head", []byte("small")); err != nil {
		t.Fatal(err)
	}
	if err := w.SectionChunked("bulk", bulk, 64); err != nil {
		t.Fatal(err)
	}
	if err := w.SectionFrom("strm", 5, 2, func(out io.Writer) error {
		_, err := out.Write([]byte("hello"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), bulk
}

func TestChunkedRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 1000} {
		data, bulk := writeChunked(t, n)
		for name, parse := range map[string]func([]byte, string, uint32) (*File, error){"Parse": Parse, "ParseLayout": ParseLayout} {
			f, err := parse(data, "TESTFILE", 1)
			if err != nil {
				t.Fatalf("%d bytes, %s: %v", n, name, err)
			}
			if got := f.Tags(); !slices.Equal(got, []string{"head", "bulk", "strm"}) {
				t.Fatalf("tags %v", got)
			}
			c, err := f.Checked("bulk")
			if err != nil || !bytes.Equal(c.Bytes(), bulk) || !f.Chunked("bulk") || f.Chunked("head") {
				t.Fatalf("%s: bulk %v", name, err)
			}
			if err := c.VerifyAll(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if s, _ := f.Section("strm"); string(s) != "hello" {
				t.Fatalf("strm %q", s)
			}
		}
		if _, err := verifyBytes(data); err != nil {
			t.Fatalf("Verify: %v", err)
		}
	}
}

// TestChunkedDamage flips each byte of a chunked payload: Parse refuses the file, ParseLayout
// accepts it, and Verify fails exactly for the ranges that cover the damaged chunk.
func TestChunkedDamage(t *testing.T) {
	data, bulk := writeChunked(t, 300)
	start := bytes.Index(data, bulk)
	for i := range bulk {
		d := slices.Clone(data)
		d[start+i] ^= 0x20
		if _, err := Parse(d, "TESTFILE", 1); !errors.Is(err, corruption.Err) {
			t.Fatalf("byte %d: Parse %v", i, err)
		}
		f, err := ParseLayout(d, "TESTFILE", 1)
		if err != nil {
			t.Fatalf("byte %d: ParseLayout %v", i, err)
		}
		c, _ := f.Checked("bulk")
		chunk := i / 64
		for other := range (len(bulk) + 63) / 64 {
			err := c.Verify(other*64, other*64+1)
			if (err != nil) != (other == chunk) {
				t.Fatalf("byte %d: chunk %d verify %v", i, other, err)
			}
		}
		if err := c.VerifyAll(); !errors.Is(err, corruption.Err) {
			t.Fatalf("byte %d: VerifyAll %v", i, err)
		}
	}
	f, _ := ParseLayout(data, "TESTFILE", 1)
	c, _ := f.Checked("bulk")
	for _, r := range [][2]int{{-1, 3}, {5, 4}, {0, 301}} {
		if err := c.Verify(r[0], r[1]); !errors.Is(err, corruption.Err) {
			t.Errorf("range %v: %v", r, err)
		}
	}
	// Damage to a section without chunk checksums is caught at parse time.
	d := slices.Clone(data)
	d[bytes.Index(d, []byte("small"))] ^= 1
	if _, err := ParseLayout(d, "TESTFILE", 1); !errors.Is(err, corruption.Err) {
		t.Fatalf("damaged small section: %v", err)
	}
}

func TestChunkSumsRejected(t *testing.T) {
	sections := map[string][]byte{"bulk": make([]byte, 100)}
	good := encodeChunkSums([]chunkSums{{tag: "bulk", chunk: 64, sums: []uint32{1, 2}}})
	if _, err := parseChunkSums(good, sections); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"unknown section": encodeChunkSums([]chunkSums{{tag: "none", chunk: 64, sums: []uint32{1, 2}}}),
		"wrong count":     encodeChunkSums([]chunkSums{{tag: "bulk", chunk: 64, sums: []uint32{1}}}),
		"zero chunk":      encodeChunkSums([]chunkSums{{tag: "bulk", chunk: 0, sums: nil}}),
		"twice":           append(slices.Clone(good), good...),
		"truncated":       good[:len(good)-1],
		"short":           good[:7],
	} {
		if _, err := parseChunkSums(b, sections); !errors.Is(err, corruption.Err) {
			t.Errorf("%s: %v", name, err)
		}
	}
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, "TESTFILE", 1)
	if err := w.Section(sumsTag, nil); err == nil {
		t.Error("a format section named SUMS was accepted")
	}
	if err := w.SectionFrom("shrt", 4, 0, func(out io.Writer) error { _, err := out.Write([]byte("abc")); return err }); err == nil {
		t.Error("a short SectionFrom was accepted")
	}
}

// FuzzParseLayout checks that ParseLayout accepts everything Parse does, and that a file it
// accepts verifies completely exactly when Parse accepts it.
func FuzzParseLayout(f *testing.F) {
	data, _ := writeChunked(f, 300)
	f.Add(data)
	f.Add(writeSample(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		full, perr := Parse(data, "TESTFILE", 2)
		lazy, lerr := ParseLayout(data, "TESTFILE", 2)
		if perr == nil && lerr != nil {
			t.Fatalf("Parse accepts, ParseLayout refuses: %v", lerr)
		}
		if lerr != nil {
			if !errors.Is(lerr, corruption.Err) && !errors.Is(lerr, ErrVersion) {
				t.Fatalf("untyped error %v", lerr)
			}
			return
		}
		ok := true
		for _, tag := range lazy.Tags() {
			c, err := lazy.Checked(tag)
			if err != nil {
				t.Fatal(err)
			}
			if c.VerifyAll() != nil {
				ok = false
			}
		}
		if perr == nil && !ok {
			t.Fatal("Parse accepts a file whose chunks do not verify")
		}
		if perr != nil && ok && !errors.Is(perr, corruption.Err) {
			t.Fatalf("untyped Parse error %v", perr)
		}
		_ = full
	})
}
