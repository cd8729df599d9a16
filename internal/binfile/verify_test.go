package binfile

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"testing/iotest"

	"github.com/vajrasearch/vajra/internal/corruption"
)

func verifyBytes(data []byte) (Summary, error) {
	return Verify(bytes.NewReader(data), int64(len(data)))
}

func TestVerify(t *testing.T) {
	data := writeSample(t)
	flip := func(i int) []byte {
		c := slices.Clone(data)
		c[i] ^= 0x40
		return c
	}
	s, err := verifyBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(data, "TESTFILE", 2)
	if err != nil {
		t.Fatal(err)
	}
	if s.Magic != "TESTFILE" || s.Version != f.Version || !slices.Equal(s.Sections, f.Tags()) {
		t.Fatalf("summary %+v, parsed version %d tags %v", s, f.Version, f.Tags())
	}
	for _, c := range []struct {
		name string
		data []byte
		size int64 // -1: len(data)
	}{
		{"empty", nil, -1},
		{"header bit", flip(9), -1},
		{"payload bit", flip(len(data) - 40), -1},
		{"footer bit", flip(len(data) - 3), -1},
		{"truncated", data[:len(data)-1], -1},
		{"truncated middle", data[:40], -1},
		{"appended", append(slices.Clone(data), 0), -1},
		{"shorter than its size", data, int64(len(data)) + 8},
		{"longer than its size", data, int64(len(data)) - 8},
	} {
		t.Run(c.name, func(t *testing.T) {
			size := c.size
			if size < 0 {
				size = int64(len(c.data))
			}
			if _, err := Verify(bytes.NewReader(c.data), size); !errors.Is(err, corruption.Err) {
				t.Fatalf("got %v, want a corruption error", err)
			}
		})
	}
	boom := errors.New("disk on fire")
	if _, err := Verify(iotest.ErrReader(boom), int64(len(data))); !errors.Is(err, boom) || errors.Is(err, corruption.Err) {
		t.Fatalf("read error: %v", err)
	}
}

// FuzzVerify checks that the streaming verifier and Parse agree on every input.
func FuzzVerify(f *testing.F) {
	f.Add(writeSample(f))
	f.Add([]byte("TESTFILE"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := verifyBytes(data)
		if err != nil {
			if !errors.Is(err, corruption.Err) {
				t.Fatalf("untyped error %v", err)
			}
			if len(data) >= 8 {
				if _, perr := Parse(data, string(data[:8]), ^uint32(0)); perr == nil {
					t.Fatalf("Verify rejects (%v) what Parse accepts", err)
				}
			}
			return
		}
		file, perr := Parse(data, s.Magic, max(s.Version, 1))
		if s.Version == 0 {
			return // Parse refuses version 0 as unknown; the container is sound
		}
		if perr != nil || !slices.Equal(file.Tags(), s.Sections) {
			t.Fatalf("Verify accepts %+v, Parse says %v", s, perr)
		}
	})
}
