package storage

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"
)

func benchFS(b *testing.B, kind string) (FS, string) {
	if kind == "os" {
		return OS(), b.TempDir()
	}
	return NewMemFS(), "/"
}

func BenchmarkWALAppend(b *testing.B) {
	for _, kind := range []string{"mem", "os"} {
		for _, size := range []int{64, 1024, 16384} {
			b.Run(fmt.Sprintf("%s/never/%d", kind, size), func(b *testing.B) {
				fsys, dir := benchFS(b, kind)
				w, err := OpenWAL(fsys, fsys.PathJoin(dir, "log"), WALOptions{Sync: SyncNever})
				must(b, err)
				r := Record{Type: 1, Payload: make([]byte, size)}
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					if err := w.Append(r); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				must(b, w.Close())
			})
		}
	}
}

// BenchmarkWALAppendSync measures durable appends on the OS file system, one writer against
// many: with group commit the parallel case shares fsyncs.
func BenchmarkWALAppendSync(b *testing.B) {
	for _, parallel := range []bool{false, true} {
		b.Run(fmt.Sprintf("parallel=%v", parallel), func(b *testing.B) {
			w, err := OpenWAL(OS(), filepath.Join(b.TempDir(), "log"), WALOptions{})
			must(b, err)
			r := Record{Type: 1, Payload: make([]byte, 128)}
			b.SetBytes(128)
			b.ReportAllocs()
			if parallel {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := w.Append(r); err != nil {
							b.Error(err)
							return
						}
					}
				})
			} else {
				for b.Loop() {
					if err := w.Append(r); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.StopTimer()
			must(b, w.Close())
		})
	}
}

func BenchmarkWALReplay(b *testing.B) {
	const records, size = 10000, 256
	m := NewMemFS()
	w, err := OpenWAL(m, "log", WALOptions{Sync: SyncNever})
	must(b, err)
	r := Record{Type: 1, Payload: make([]byte, size)}
	for range records {
		must(b, w.Append(r))
	}
	must(b, w.Close())
	b.SetBytes(records * (size + recHeaderLen))
	b.ReportAllocs()
	for b.Loop() {
		w, err := OpenWAL(m, "log", WALOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if _, err := w.Replay(func(Record) error { n++; return nil }); err != nil || n != records {
			b.Fatal(n, err)
		}
		w.Close()
	}
}

func BenchmarkWriteFileAtomic(b *testing.B) {
	for _, kind := range []string{"mem", "os"} {
		for _, size := range []int{4 << 10, 1 << 20} {
			b.Run(fmt.Sprintf("%s/%d", kind, size), func(b *testing.B) {
				fsys, dir := benchFS(b, kind)
				name := fsys.PathJoin(dir, "file")
				data := make([]byte, size)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					err := WriteFileAtomic(fsys, name, func(w io.Writer) error { _, err := w.Write(data); return err })
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkWALReplayDamagedTail measures the scan that tells a torn tail from damage in the
// middle: 1 MiB of junk whose every position looks like a plausible record length.
func BenchmarkWALReplayDamagedTail(b *testing.B) {
	data, _ := writeLog(b, []Record{{Type: 1, Payload: []byte("a")}})
	tail := make([]byte, 1<<20)
	for i := range tail {
		tail[i] = byte(i*7919>>3) % 3
	}
	data = append(data, tail...)
	b.SetBytes(int64(len(tail)))
	b.ReportAllocs()
	for b.Loop() {
		m := NewMemFS()
		f, err := m.Create("log")
		must(b, err)
		_, err = f.Write(data)
		must(b, err)
		must(b, f.Close())
		w, err := OpenWAL(m, "log", WALOptions{})
		must(b, err)
		info, err := w.Replay(func(Record) error { return nil })
		if err != nil || info.TruncatedBytes != int64(len(tail)) {
			b.Fatal(info, err)
		}
		w.Close()
	}
}
