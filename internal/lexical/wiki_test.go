package lexical

import (
	"path/filepath"
	"testing"

	"github.com/vajrasearch/vajra/internal/testutil"
)

// wikiQueries returns the tokenised title and lead-sentence queries.
func wikiQueries(tb testing.TB, dir string, limit int) []Query {
	var qs []Query
	for _, name := range []string{"queries.jsonl", "queries_lead.jsonl"} {
		readJSONL(tb, filepath.Join(dir, name), limit, func(d jsonDoc) {
			qs = append(qs, NewQuery(tokenize(d.Text)))
		})
	}
	return qs
}

// TestWikiSearchMatchesExhaustive checks the fast path on a larger corpus (the first 10,000
// Wikipedia passages, where common terms span dozens of blocks) with title and lead queries.
func TestWikiSearchMatchesExhaustive(t *testing.T) {
	if testing.Short() {
		t.Skip("slow data-driven test")
	}
	dir := testutil.SharedData(t, "wikipedia")
	docs := loadCorpus(t, filepath.Join(dir, "passages.jsonl.gz"), 10000)
	ix := mustNew(t, Options{})
	mustAdd(t, ix, docs)
	snap := ix.Snapshot()
	for i, q := range wikiQueries(t, dir, 150) {
		for _, k := range []int{10, 100} {
			want := snap.SearchExhaustive(q, k, SearchOptions{})
			if msg := sameHits(snap.Search(q, k, SearchOptions{}), want); msg != "" {
				t.Fatalf("query %d (%v) k=%d: %s", i, q.Terms, k, msg)
			}
		}
	}
}

// BenchmarkWikiSearch measures top-10 queries over the first 50,000 Wikipedia passages, for
// short title queries and longer lead-sentence queries, beside top-11 and counting every
// match.
func BenchmarkWikiSearch(b *testing.B) {
	dir := testutil.SharedData(b, "wikipedia")
	docs := loadCorpus(b, filepath.Join(dir, "passages.jsonl.gz"), 50000)
	ix := mustNew(b, Options{})
	mustAdd(b, ix, docs)
	snap := ix.Snapshot()
	all := wikiQueries(b, dir, 0)
	sets := []struct {
		name string
		qs   []Query
	}{{"title", all[:len(all)/2]}, {"lead", all[len(all)/2:]}}
	for _, set := range sets {
		for _, p := range []struct {
			name string
			fn   func(q Query) []Hit
		}{
			{"search", func(q Query) []Hit { return snap.Search(q, 10, SearchOptions{}) }},
			// One hit past a page of 10: what telling whether another page exists costs.
			{"search-k11", func(q Query) []Hit { return snap.Search(q, 11, SearchOptions{}) }},
			{"count", func(q Query) []Hit { snap.Count(q, SearchOptions{}); return nil }},
			{"exhaustive", func(q Query) []Hit { return snap.SearchExhaustive(q, 10, SearchOptions{}) }},
		} {
			b.Run(set.name+"/"+p.name, func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					p.fn(set.qs[i%len(set.qs)])
					i++
				}
			})
		}
	}
}
