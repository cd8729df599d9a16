package analysis

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vajrasearch/vajra/internal/testutil"
)

// builtinSample stands in for Wikipedia text when the shared data is absent.
const builtinSample = `Jarred Shaw (born September 28, 1990) is an American professional basketball player for Trouville of the Liga Uruguaya de Básquetbol (LUB). On October 31, 2015, Shaw was selected by the Santa Cruz Warriors with the 18th overall pick in the 2015 NBA Development League Draft. He signed for Dorados de Chihuahua of the Liga Nacional de Baloncesto Profesional (LNBP) in August 2019. Harrow International School Shanghai is a British international boarding and day, all-through school in Waigaoqiao, Pudong, Shanghai. It is a state-of-the-art campus; the school's pupils sit the U.S. SAT and the IB Diploma.`

// benchPassages returns the first n Wikipedia passages (title and text), or the built-in
// sample repeated when the shared data is absent.
func benchPassages(b *testing.B, n int) []string {
	b.Helper()
	dir, ok := testutil.FindShared()
	path := filepath.Join(dir, "data", "wikipedia", "passages.jsonl.gz")
	if _, err := os.Stat(path); !ok || err != nil {
		out := make([]string, n)
		for i := range out {
			out[i] = builtinSample
		}
		return out
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var out []string
	for len(out) < n && sc.Scan() {
		var p struct{ Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			b.Fatal(err)
		}
		out = append(out, p.Title+"\n"+p.Text)
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

func totalBytes(texts []string) int64 {
	var n int64
	for _, t := range texts {
		n += int64(len(t))
	}
	return n
}

// BenchmarkAppendTerms measures the indexing path over 2,000 Wikipedia passages on one
// goroutine: "warm" with the word cache filled (the steady state of a large build), "cold"
// with a fresh Analyzer per pass (every distinct word folded and stemmed once).
func BenchmarkAppendTerms(b *testing.B) {
	texts := benchPassages(b, 2000)
	for _, bc := range []struct {
		name string
		opts Options
	}{
		{"english", Options{}},
		{"english-compounds", Options{Compounds: true}},
		{"nostem", Options{Stemmer: StemmerNone, Stopwords: StopwordsNone}},
	} {
		b.Run(bc.name+"/warm", func(b *testing.B) {
			a := mustNew(b, bc.opts)
			var dst []string
			for _, t := range texts {
				dst = a.AppendTerms(dst[:0], t)
			}
			b.SetBytes(totalBytes(texts))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, t := range texts {
					dst = a.AppendTerms(dst[:0], t)
				}
			}
		})
		b.Run(bc.name+"/cold", func(b *testing.B) {
			b.SetBytes(totalBytes(texts))
			b.ReportAllocs()
			var dst []string
			for i := 0; i < b.N; i++ {
				a := mustNew(b, bc.opts)
				for _, t := range texts {
					dst = a.AppendTerms(dst[:0], t)
				}
			}
		})
	}
}

// BenchmarkAppendTokens is the query and highlighting path, offsets included.
func BenchmarkAppendTokens(b *testing.B) {
	texts := benchPassages(b, 2000)
	a := mustNew(b, Options{})
	var dst []Token
	for _, t := range texts {
		dst = a.AppendTokens(dst[:0], t)
	}
	b.SetBytes(totalBytes(texts))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			dst = a.AppendTokens(dst[:0], t)
		}
	}
}

// BenchmarkAppendTermsParallel shows how the shared word cache scales across goroutines.
func BenchmarkAppendTermsParallel(b *testing.B) {
	texts := benchPassages(b, 2000)
	a := mustNew(b, Options{})
	for _, t := range texts {
		a.AppendTerms(nil, t)
	}
	b.SetBytes(totalBytes(texts) / int64(len(texts)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var dst []string
		i := 0
		for pb.Next() {
			dst = a.AppendTerms(dst[:0], texts[i%len(texts)])
			i++
		}
	})
}
