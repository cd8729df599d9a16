package corpus

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/testutil"
)

// benchScan scans data b.N times; size is the uncompressed input size behind MB/s.
func benchScan(b *testing.B, data []byte, size int) {
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		_, err := ScanJSONL(context.Background(), bytes.NewReader(data), "bench", ReadOptions{}, func(Document) error {
			n++
			return nil
		})
		if err != nil || n == 0 {
			b.Fatal(err, n)
		}
	}
}

// BenchmarkScanJSONL measures parsing on one goroutine, MB/s of JSONL input: SciFact's
// corpus.jsonl (\u escapes, empty metadata), the Wikipedia passages (gzip'd, so the
// figure includes decompression) when the shared data exists, and a synthetic set with
// metadata and vectors.
func BenchmarkScanJSONL(b *testing.B) {
	b.Run("scifact", func(b *testing.B) {
		data, err := os.ReadFile(filepath.Join(testutil.SharedData(b, "scifact"), "corpus.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		benchScan(b, data, len(data))
	})
	b.Run("wikipedia", func(b *testing.B) {
		f, err := os.Open(filepath.Join(testutil.SharedData(b, "wikipedia"), "passages.jsonl.gz"))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		br, err := maybeGunzip(f)
		if err != nil {
			b.Fatal(err)
		}
		var plain bytes.Buffer
		for i := 0; i < 20000; i++ { // the 20k-passage prefix, as the benchmarks slice it
			line, err := br.ReadBytes('\n')
			if err != nil {
				b.Fatal(err)
			}
			plain.Write(line)
		}
		b.Run("plain", func(b *testing.B) { benchScan(b, plain.Bytes(), plain.Len()) })
		b.Run("gzip", func(b *testing.B) {
			benchScan(b, gzipBytes(b, plain.String()), plain.Len()) // MB/s of decompressed JSONL
		})
	})
	b.Run("synthetic-metadata-vector", func(b *testing.B) {
		var sb strings.Builder
		for i := 0; i < 2000; i++ {
			fmt.Fprintf(&sb, `{"_id":"doc-%d","title":"Title %d","text":"%s","year":%d,"tags":["a","b"],"vector":[`,
				i, i, strings.Repeat("lorem ipsum dolor sit amet ", 20), 1990+i%30)
			for j := 0; j < 64; j++ {
				if j > 0 {
					sb.WriteByte(',')
				}
				fmt.Fprintf(&sb, "%.6f", float64(j*i%997)/997)
			}
			sb.WriteString("]}\n")
		}
		benchScan(b, []byte(sb.String()), sb.Len())
	})
}
