package fusion

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// benchLists returns two best-first lists of n entries each sharing about half their IDs, the
// shape of a hybrid query that over-fetches n per side.
func benchLists(n int) (lex, vec []Ranked) {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	ids := r.Perm(n * 3 / 2)
	lex = make([]Ranked, n)
	vec = make([]Ranked, n)
	for i := range n {
		lex[i] = Ranked{ID: uint32(ids[i]) * 7919, Score: float64(n-i) * 1.3}
		vec[i] = Ranked{ID: uint32(ids[len(ids)-1-i]) * 7919, Score: 1 - float64(i)/float64(n)}
	}
	return lex, vec
}

func BenchmarkFuse(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		lex, vec := benchLists(n)
		for _, m := range []Method{RRF, Linear, Relative} {
			for _, k := range []int{10, 0} {
				b.Run(fmt.Sprintf("n=%d/%s/k=%d", n, m, k), func(b *testing.B) {
					var f Fuser
					buf := make([]Result, 0, 2*n)
					o := Options{Method: m}
					b.ReportAllocs()
					for b.Loop() {
						buf = f.Fuse(buf[:0], lex, vec, k, o)
					}
				})
			}
		}
	}
}

// BenchmarkFuseMap measures the straightforward alternative, a map per call plus a full sort,
// to show what the open-addressing table and the top-k heap buy.
func BenchmarkFuseMap(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		lex, vec := benchLists(n)
		b.Run(fmt.Sprintf("n=%d/rrf/k=10", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				byID := make(map[uint32]*Result, 2*n)
				all := make([]Result, 0, 2*n)
				for i, r := range lex {
					if byID[r.ID] == nil {
						all = append(all, Result{ID: r.ID, Lexical: Side{Rank: i + 1, Score: r.Score}})
						byID[r.ID] = &all[len(all)-1]
					}
				}
				for i, r := range vec {
					if c := byID[r.ID]; c == nil {
						all = append(all, Result{ID: r.ID, Vector: Side{Rank: i + 1, Score: r.Score}})
						byID[r.ID] = &all[len(all)-1]
					} else if c.Vector.Rank == 0 {
						c.Vector = Side{Rank: i + 1, Score: r.Score}
					}
				}
				for i := range all {
					c := &all[i]
					if c.Lexical.Rank > 0 {
						c.Lexical.Contribution = 0.5 / (60 + float64(c.Lexical.Rank))
					}
					if c.Vector.Rank > 0 {
						c.Vector.Contribution = 0.5 / (60 + float64(c.Vector.Rank))
					}
					c.Score = c.Lexical.Contribution + c.Vector.Contribution
				}
				slices.SortFunc(all, func(a, b Result) int {
					switch {
					case a.Score > b.Score:
						return -1
					case a.Score < b.Score:
						return 1
					}
					return int(a.ID) - int(b.ID)
				})
				_ = all[:min(10, len(all))]
			}
		})
	}
}

// BenchmarkFusePackage measures the allocating package-level Fuse, for comparison with a
// reused Fuser.
func BenchmarkFusePackage(b *testing.B) {
	lex, vec := benchLists(100)
	b.Run("n=100/rrf/k=10", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Fuse(lex, vec, 10, Options{})
		}
	})
}
