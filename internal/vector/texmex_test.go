package vector

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/corruption"
)

func texmexBytes(dim int, rows [][]uint32) []byte {
	var b []byte
	for _, r := range rows {
		b = binary.LittleEndian.AppendUint32(b, uint32(dim))
		for _, v := range r {
			b = binary.LittleEndian.AppendUint32(b, v)
		}
	}
	return b
}

func TestReadFvecsIvecs(t *testing.T) {
	dir := t.TempDir()
	f := func(x float32) uint32 { return math.Float32bits(x) }
	fv := filepath.Join(dir, "a.fvecs")
	if err := os.WriteFile(fv, texmexBytes(3, [][]uint32{{f(1), f(2), f(3)}, {f(-1), f(0.5), f(0)}}), 0o644); err != nil {
		t.Fatal(err)
	}
	data, dim, err := ReadFvecs(fv)
	if err != nil || dim != 3 || len(data) != 6 || data[3] != -1 || data[4] != 0.5 {
		t.Fatalf("ReadFvecs = %v %d %v", data, dim, err)
	}
	iv := filepath.Join(dir, "a.ivecs")
	if err := os.WriteFile(iv, texmexBytes(2, [][]uint32{{7, 8}, {9, ^uint32(0)}}), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadIvecs(iv)
	if err != nil || len(rows) != 2 || rows[1][0] != 9 || rows[1][1] != -1 {
		t.Fatalf("ReadIvecs = %v %v", rows, err)
	}

	cases := []struct {
		name  string
		data  []byte
		wants []string
	}{
		{"truncated row", texmexBytes(3, [][]uint32{{1, 2, 3}, {4, 5, 6}})[:27], []string{"row 1", "truncated"}},
		{"dimension changes", append(texmexBytes(2, [][]uint32{{1, 2}}), texmexBytes(1, [][]uint32{{1, 2}})...), []string{"row 1", "dimension 1"}},
		{"negative dimension", texmexBytes(-1, [][]uint32{{}}), []string{"row 0", "out of range"}},
		{"short header", []byte{1, 0}, []string{"row 0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, "bad.fvecs")
			if err := os.WriteFile(p, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := ReadFvecs(p)
			if !errors.Is(err, corruption.Err) {
				t.Fatalf("got %v, want corruption.Err", err)
			}
			for _, w := range append(c.wants, p) {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q does not mention %q", err, w)
				}
			}
			if _, err := ReadIvecs(p); !errors.Is(err, corruption.Err) {
				t.Fatalf("ivecs: got %v", err)
			}
		})
	}
	if _, _, err := ReadFvecs(filepath.Join(dir, "missing.fvecs")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func FuzzParseTexmex(f *testing.F) {
	f.Add(texmexBytes(2, [][]uint32{{1, 2}, {3, 4}}))
	f.Add([]byte{})
	f.Add([]byte{255, 255, 255, 127})
	f.Fuzz(func(t *testing.T, b []byte) {
		data, dim, err := ParseFvecs(b)
		if err != nil {
			if !errors.Is(err, corruption.Err) {
				t.Fatalf("untyped error %v", err)
			}
		} else if dim > 0 && len(data)%dim != 0 {
			t.Fatalf("%d values of dimension %d", len(data), dim)
		}
		rows, err := ParseIvecs(b)
		if err == nil {
			for _, r := range rows {
				if len(r) != dim {
					t.Fatalf("ivecs row of %d, fvecs dim %d", len(r), dim)
				}
			}
		}
	})
}

// FuzzFvecsReader holds the streaming reader to ParseFvecs: the same rows or an error
// marked as corruption, whatever the block size.
func FuzzFvecsReader(f *testing.F) {
	f.Add(texmexBytes(2, [][]uint32{{1, 2}, {3, 4}, {5, 6}}), uint8(1))
	f.Add(texmexBytes(3, [][]uint32{{1, 2, 3}}), uint8(0))
	f.Add([]byte{}, uint8(3))
	f.Add([]byte{2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}, uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, block uint8) {
		path := filepath.Join(t.TempDir(), "x.fvecs")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		want, wantDim, wantErr := ParseFvecs(b)
		fr, err := OpenFvecs(path)
		if err != nil {
			if !errors.Is(err, corruption.Err) || wantErr == nil {
				t.Fatalf("open: %v (ParseFvecs: %v)", err, wantErr)
			}
			return
		}
		defer fr.Close()
		buf := make([]float32, (int(block)%4+1)*max(fr.Dim(), 1))
		var got []float32
		for {
			n, err := fr.Read(buf)
			got = append(got, buf[:n*fr.Dim()]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				if !errors.Is(err, corruption.Err) || wantErr == nil {
					t.Fatalf("read: %v (ParseFvecs: %v)", err, wantErr)
				}
				return
			}
		}
		if wantErr != nil {
			t.Fatalf("the reader accepted what ParseFvecs refuses: %v", wantErr)
		}
		same := slices.EqualFunc(got, want, func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) })
		if fr.Dim() != wantDim || fr.Rows()*wantDim != len(want) || !same {
			t.Fatalf("dim %d rows %d, got %d values; ParseFvecs: dim %d, %d values", fr.Dim(), fr.Rows(), len(got), wantDim, len(want))
		}
	})
}
