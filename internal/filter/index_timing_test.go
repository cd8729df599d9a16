package filter

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// benchDocs returns metadata shaped like a corpus: a year, a language, a few tags, a
// high-cardinality price and a nested source.
func benchDocs(n int) []map[string]any {
	r := rand.New(rand.NewPCG(9, uint64(n)))
	langs := []string{"en", "de", "fr", "es", "it", "ja", "zh", "pt"}
	docs := make([]map[string]any, n)
	for i := range docs {
		tags := make([]any, 1+r.IntN(3))
		for j := range tags {
			tags[j] = fmt.Sprintf("t%d", r.IntN(200))
		}
		docs[i] = map[string]any{
			"year":  float64(1990 + r.IntN(35)),
			"lang":  langs[r.IntN(len(langs))],
			"tags":  tags,
			"price": float64(r.IntN(1_000_000)) / 100,
			"src":   map[string]any{"name": fmt.Sprintf("s%d", r.IntN(50)), "ok": r.IntN(2) == 0},
		}
	}
	return docs
}

func BenchmarkIndexAdd(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		docs := benchDocs(n)
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ix := NewIndex()
				for i, m := range docs {
					ix.Add(uint32(i), m)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/doc")
		})
	}
}

func BenchmarkEval(b *testing.B) {
	filters := []string{
		"lang = en",
		"year >= 2020 AND lang = en",
		"tags in (t1, t2, t3) AND src.ok = true",
		"price < 500",
		"price >= 100 AND price < 200 OR lang != en",
	}
	for _, n := range []int{10_000, 100_000} {
		docs := benchDocs(n)
		ix := NewIndex()
		universe := bitset.New(n)
		for i, m := range docs {
			ix.Add(uint32(i), m)
			universe.Add(uint32(i))
		}
		for _, f := range filters {
			e, err := Parse(f)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("docs=%d/%s", n, f), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := ix.Eval(e, universe); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkParse(b *testing.B) {
	const s = `year >= 2020 AND lang in (en, de, "pt") AND src.ok = true OR price < 9.99`
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}
