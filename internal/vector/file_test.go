package vector

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
	"github.com/vajrasearch/vajra/internal/storage"
)

// saveIndex writes x to dir/name crash-safely and returns the path.
func saveIndex(t testing.TB, fsys storage.FS, dir, name string, w io.WriterTo) string {
	t.Helper()
	p := fsys.PathJoin(dir, name)
	if err := storage.WriteFileAtomic(fsys, p, func(out io.Writer) error {
		_, err := w.WriteTo(out)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

func bytesOf(t testing.TB, w io.WriterTo) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestOpenFileMatchesMemory opens saved indexes through a mapping (and, on MemFS, a heap
// copy) and checks that they answer as the index they were saved from, that writes to them
// give exactly the bytes the same writes give in memory (the mapped vectors of a quantised
// index stay where they are until a compaction), and that Close ends their use.
func TestOpenFileMatchesMemory(t *testing.T) {
	const n, dim = 1500, 16
	data := clustered(41, n+300, dim, 12)
	queries := clustered(42, 20, dim, 12)
	for _, fs := range []struct {
		name string
		fsys storage.FS
		dir  string
	}{{"os", storage.OS(), t.TempDir()}, {"mem", storage.NewMemFS(), "/"}} {
		for _, q := range []Quantization{QuantNone, QuantSQ8, QuantBQ} {
			t.Run(fs.name+"/"+string(q), func(t *testing.T) {
				ctx := context.Background()
				o := Options{Dim: dim, M: 6, EfConstruction: 40, Seed: 3, Threads: 2, Quantization: q, Metric: L2}
				mem, err := NewIndex(o)
				if err != nil {
					t.Fatal(err)
				}
				mustAdd(t, mem, seqLabels(0, n), data[:n*dim])
				mem.Delete(seqLabels(10, 20))
				path := saveIndex(t, fs.fsys, fs.dir, "x-"+string(q), mem)
				x, err := OpenFile(fs.fsys, path)
				if err != nil {
					t.Fatal(err)
				}
				if h, ok := x.b.(*HNSW); !ok || h.mapped != (fs.name == "os") {
					t.Fatalf("backing %T mapped %v", x.b, ok && h.mapped)
				}
				if fs.name == "os" && x.MappedBytes() < int64(n*dim*4) {
					t.Errorf("MappedBytes %d, less than the vectors", x.MappedBytes())
				}
				if err := x.Verify(); err != nil {
					t.Fatal(err)
				}
				same := func(stage string) {
					t.Helper()
					for i := range 20 {
						qv := queries[i*dim : (i+1)*dim]
						a, err1 := mem.Search(qv, 10, SearchOptions{})
						b, err2 := x.Search(qv, 10, SearchOptions{})
						if err1 != nil || err2 != nil || !slices.Equal(a, b) {
							t.Fatalf("%s: query %d: %v %v\n%v\n%v", stage, i, err1, err2, a, b)
						}
					}
					if !bytes.Equal(bytesOf(t, mem), bytesOf(t, x)) {
						t.Fatalf("%s: the opened index writes other bytes than the one in memory", stage)
					}
				}
				same("opened")
				for _, ix := range []*Index{mem, x} {
					mustAdd(t, ix, seqLabels(n, 300), data[n*dim:])
					mustAdd(t, ix, seqLabels(5, 3), data[:3*dim])
					ix.Delete(seqLabels(100, 400))
				}
				same("written")
				for _, ix := range []*Index{mem, x} {
					if err := ix.Compact(ctx); err != nil {
						t.Fatal(err)
					}
				}
				same("compacted")
				if err := x.Close(); err != nil {
					t.Fatal(err)
				}
				if _, err := x.Search(queries[:dim], 3, SearchOptions{}); !errors.Is(err, ErrClosed) {
					t.Fatalf("search after Close: %v", err)
				}
				if err := x.Add(ctx, []uint32{1}, data[:dim]); !errors.Is(err, ErrClosed) {
					t.Fatalf("add after Close: %v", err)
				}
				if err := x.Close(); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestOpenFileDefersVectorChecksums damages the vectors and the links of saved files: the
// links are checked at open, the vectors by Verify.
func TestOpenFileDefersVectorChecksums(t *testing.T) {
	dir := t.TempDir()
	fsys := storage.OS()
	h := smallQuantIndex(t, 400, QuantSQ8, Cosine)
	good := writeHNSW(t, h)
	f, err := binfile.Parse(good, hnswMagic, hnswVersion)
	if err != nil {
		t.Fatal(err)
	}
	offsetOf := func(tag string) int {
		p, _ := f.Section(tag)
		return bytes.Index(good, p) + len(p)/2
	}
	for _, tc := range []struct {
		tag         string
		failsAtOpen bool
	}{{"vecs", false}, {"qcod", false}, {"lnk0", true}, {"labl", true}} {
		t.Run(tc.tag, func(t *testing.T) {
			bad := append([]byte(nil), good...)
			bad[offsetOf(tc.tag)] ^= 0x10
			p := filepath.Join(dir, tc.tag)
			if err := os.WriteFile(p, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			x, err := OpenFile(fsys, p)
			if tc.failsAtOpen {
				if !errors.Is(err, corruption.Err) {
					t.Fatalf("open: %v, want corruption", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			// Searches read the damage or not; if they do, they say so.
			for i := range 20 {
				if _, err := x.Search(h.vec(uint32(i)), 5, SearchOptions{}); err != nil && !errors.Is(err, corruption.Err) {
					t.Fatal(err)
				}
			}
			if err := x.Verify(); !errors.Is(err, corruption.Err) {
				t.Fatalf("Verify: %v, want corruption", err)
			}
			// The damage is never written out under a fresh checksum, nor returned.
			if _, err := x.WriteTo(io.Discard); !errors.Is(err, corruption.Err) {
				t.Fatalf("WriteTo: %v, want corruption", err)
			}
			if tc.tag == "vecs" {
				hits, err := x.Search(h.vec(200), 400, SearchOptions{Ef: 400})
				if !errors.Is(err, corruption.Err) {
					t.Fatalf("a search rescoring every vector: %v %v, want corruption", hits, err)
				}
				for label := range h.labels {
					if v, ok := x.Vector(h.labels[label]); ok && !slices.Equal(v, h.vec(uint32(label))) {
						t.Fatalf("Vector(%d) returned damaged values", h.labels[label])
					}
				}
			}
			if tc.tag == "qcod" {
				if err := x.Add(context.Background(), []uint32{1 << 20}, h.vec(3)); !errors.Is(err, corruption.Err) {
					t.Fatalf("Add copying damaged codes: %v, want corruption", err)
				}
			}
		})
	}
}

// TestOpenFileChangedUnderneath replaces and truncates open files: Verify reports the
// change, and reading the lost pages of a truncated file is an error, not a crash.
func TestOpenFileChangedUnderneath(t *testing.T) {
	dir := t.TempDir()
	fsys := storage.OS()
	const n, dim = 3000, 64
	x0, err := NewIndex(Options{Dim: dim, M: 8, EfConstruction: 30, Quantization: QuantSQ8})
	if err != nil {
		t.Fatal(err)
	}
	data := clustered(8, n, dim, 10)
	mustAdd(t, x0, seqLabels(0, n), data)
	path := saveIndex(t, fsys, dir, "idx", x0)

	x, err := OpenFile(fsys, path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	saveIndex(t, fsys, dir, "idx", x0) // a new file under the same name
	if err := x.Verify(); !errors.Is(err, corruption.Err) {
		t.Fatalf("Verify after replacement: %v", err)
	}
	if _, err := x.Search(data[:dim], 5, SearchOptions{}); err != nil {
		t.Fatalf("the old mapping stays readable: %v", err)
	}

	y, err := OpenFile(fsys, path)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if !y.b.(*HNSW).mapped {
		t.Skip("no memory mapping on this platform")
	}
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	_, err = y.Search(data[:dim], 5, SearchOptions{})
	if !errors.Is(err, storage.ErrFault) || !errors.Is(err, corruption.Err) {
		t.Fatalf("search of a truncated file: %v", err)
	}
	if err := y.Add(context.Background(), []uint32{n}, data[:dim]); !errors.Is(err, storage.ErrFault) {
		t.Fatalf("the index stays broken: %v", err)
	}
	if err := y.Verify(); !errors.Is(err, storage.ErrFault) {
		t.Fatalf("Verify of a truncated file: %v", err)
	}
}
