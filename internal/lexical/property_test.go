package lexical

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var propertyKs = []int{1, 3, 10, 100, 1000}

// TestSearchMatchesExhaustive builds random corpora (vocabulary size and skew, document
// lengths, field counts, Add batches, deletes, merges) and checks that every search strategy
// returns exactly the reference's IDs and float32 scores for random queries, with and
// without filters, and that Explain reproduces each score.
func TestSearchMatchesExhaustive(t *testing.T) {
	corpora := 60
	if testing.Short() {
		corpora = 15
	}
	cases := 0
	for seed := range uint64(corpora) {
		r := rand.New(rand.NewPCG(seed, 0x5eed))
		spec := randomSpec(r)
		o := Options{MergeFactor: 2 + r.IntN(4)}
		if r.IntN(2) == 0 {
			o.K1 = 0.2 + 2*r.Float64()
			o.B = 0.05 + 0.95*r.Float64()
		}
		o.FieldWeights = make([]int, spec.fields)
		for f := range o.FieldWeights {
			o.FieldWeights[f] = 1 + r.IntN(3)
		}
		ix := mustNew(t, o)
		var nextID uint32
		batches := 1 + r.IntN(6)
		for range batches {
			mustAdd(t, ix, randomDocs(r, spec, &nextID, 1+r.IntN(500)))
			if r.IntN(2) == 0 {
				ids := allIDs(ix.Snapshot())
				var del []uint32
				for _, id := range ids {
					if r.IntN(8) == 0 {
						del = append(del, id)
					}
				}
				ix.Delete(del)
			}
			if r.IntN(6) == 0 {
				if err := ix.ForceMerge(); err != nil {
					t.Fatal(err)
				}
			}
		}
		snap := ix.Snapshot()
		ids := allIDs(snap)
		for qi := range 12 {
			q := randomQuery(r, spec)
			var so SearchOptions
			if qi%2 == 1 {
				so = randomFilter(r, ids)
			}
			for _, k := range propertyKs {
				want := snap.SearchExhaustive(q, k, so)
				if msg := checkOrdered(want); msg != "" {
					t.Fatalf("seed %d query %d k=%d: reference: %s", seed, qi, k, msg)
				}
				for _, st := range []strategy{strategyAuto, strategyTAAT, strategyMaxScore} {
					got := snap.search(q, k, so, st)
					if msg := sameHits(got, want); msg != "" {
						t.Fatalf("seed %d query %d (%v) k=%d strategy %d: %s", seed, qi, q.Terms, k, st, msg)
					}
					cases++
				}
				if msg := sameHits(snap.searchSpan(q, k, so, strategyMaxScore, 1+uint32(qi*37%200)), want); msg != "" {
					t.Fatalf("seed %d query %d (%v) k=%d short windows: %s", seed, qi, q.Terms, k, msg)
				}
				for _, h := range want {
					if !snap.Contains(h.ID) || (so.Allow != nil && !so.Allow.Contains(h.ID)) || so.Deny.Contains(h.ID) {
						t.Fatalf("seed %d query %d: hit %d is deleted or filtered out", seed, qi, h.ID)
					}
				}
				if k == 10 {
					if msg := checkExplain(snap, q, want); msg != "" {
						t.Fatalf("seed %d query %d: %s", seed, qi, msg)
					}
				}
			}
			if msg := checkMatches(snap, q, so); msg != "" {
				t.Fatalf("seed %d query %d (%v): %s", seed, qi, q.Terms, msg)
			}
		}
	}
	t.Logf("%d search comparisons", cases)
}

// TestExhaustiveMatchesModel checks the reference itself against scores computed straight
// from the raw documents (no postings, no segments), on corpora without deletes, where df is
// simply the number of documents containing the term.
func TestExhaustiveMatchesModel(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 0x30de1))
		spec := randomSpec(r)
		o := Options{FieldWeights: make([]int, spec.fields), MergeFactor: 3}
		for f := range o.FieldWeights {
			o.FieldWeights[f] = 1 + r.IntN(3)
		}
		ix := mustNew(t, o)
		var nextID uint32
		var docs []Doc
		for range 1 + r.IntN(4) {
			batch := randomDocs(r, spec, &nextID, 1+r.IntN(300))
			docs = append(docs, batch...)
			mustAdd(t, ix, batch)
		}
		snap := ix.Snapshot()
		opts := ix.Options()

		// The model: per-document tf maps and lengths, df by counting.
		type mdoc struct {
			id uint32
			tf map[string]uint32
			dl uint32
		}
		model := make([]mdoc, len(docs))
		df := map[string]uint64{}
		var total uint64
		for i, d := range docs {
			m := mdoc{id: d.ID, tf: map[string]uint32{}}
			for f, field := range d.Fields {
				w := uint32(opts.FieldWeights[f])
				m.dl += w * uint32(len(field))
				for _, term := range field {
					if m.tf[term] == 0 {
						df[term]++
					}
					m.tf[term] += w
				}
			}
			total += uint64(m.dl)
			model[i] = m
		}
		params := newBM25(opts.K1, opts.B, float64(total)/float64(len(docs)))
		for qi := range 10 {
			q := randomQuery(r, spec)
			var terms []QueryTerm
			var wIdfs []float64
			for _, qt := range q.Terms {
				if qt.Weight > 0 {
					terms = append(terms, qt)
					wIdfs = append(wIdfs, float64(qt.Weight)*idf(uint64(len(docs)), df[qt.Term]))
				}
			}
			sc := newScorer(params, wIdfs)
			var want []Hit
			for _, m := range model {
				sum := 0.0
				for i, qt := range terms {
					if tf := m.tf[qt.Term]; tf > 0 {
						sum += quanta(sc.termWeight(wIdfs[i]), float64(tf), params.norm(m.dl))
					}
				}
				if score := sc.score(sum); score > 0 {
					want = append(want, Hit{ID: m.id, Score: score})
				}
			}
			sortHits(want)
			for _, k := range []int{1, 10, 1 << 20} {
				got := snap.SearchExhaustive(q, k, SearchOptions{})
				if msg := sameHits(got, want[:min(k, len(want))]); msg != "" {
					t.Fatalf("seed %d query %d k=%d: %s", seed, qi, k, msg)
				}
			}
		}
	}
}

func sortHits(h []Hit) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && worse(h[j-1], h[j]); j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

// TestSearchMatchesExhaustiveLargeSegment covers segments longer than the pruning search's
// inner window, with dense and sparse terms, deletes and filters.
func TestSearchMatchesExhaustiveLargeSegment(t *testing.T) {
	for seed := range uint64(3) {
		r := rand.New(rand.NewPCG(seed, 0x1a29e))
		spec := corpusSpec{vocab: []int{30, 400, 5000}[seed], zipf: 1.1 + 0.3*float64(seed), maxLen: 12, fields: 2}
		ix := mustNew(t, Options{})
		var nextID uint32
		mustAdd(t, ix, randomDocs(r, spec, &nextID, 9000+r.IntN(2000)))
		var del []uint32
		for id := uint32(0); id < nextID; id += 1 + uint32(r.IntN(40)) {
			del = append(del, id)
		}
		ix.Delete(del)
		snap := ix.Snapshot()
		ids := allIDs(snap)
		for qi := range 25 {
			q := randomQuery(r, spec)
			var so SearchOptions
			if qi%3 == 2 {
				so = randomFilter(r, ids)
			}
			for _, k := range propertyKs {
				want := snap.SearchExhaustive(q, k, so)
				for _, st := range []strategy{strategyAuto, strategyMaxScore} {
					if msg := sameHits(snap.search(q, k, so, st), want); msg != "" {
						t.Fatalf("seed %d query %d (%v) k=%d strategy %d: %s", seed, qi, q.Terms, k, st, msg)
					}
				}
				// Short inner windows put many documents on window boundaries.
				for _, span := range []uint32{1, 64, 1000} {
					if msg := sameHits(snap.searchSpan(q, k, so, strategyMaxScore, span), want); msg != "" {
						t.Fatalf("seed %d query %d (%v) k=%d span %d: %s", seed, qi, q.Terms, k, span, msg)
					}
				}
			}
		}
	}
}

// checkMatches compares Matches and Count with the reference's whole ranking: the same
// documents, each once.
func checkMatches(snap *Snapshot, q Query, so SearchOptions) string {
	all := snap.SearchExhaustive(q, int(snap.Docs())+1, so)
	want := make(map[uint32]bool, len(all))
	for _, h := range all {
		want[h.ID] = true
	}
	seen := map[uint32]bool{}
	msg := ""
	snap.Matches(q, so, func(id uint32) bool {
		switch {
		case seen[id]:
			msg = fmt.Sprintf("Matches visits %d twice", id)
		case !want[id]:
			msg = fmt.Sprintf("Matches visits %d, which the reference does not rank", id)
		}
		seen[id] = true
		return msg == ""
	})
	if msg != "" {
		return msg
	}
	if n := snap.Count(q, so); n != len(all) || len(seen) != len(all) {
		return fmt.Sprintf("Count %d, Matches %d documents, the reference ranks %d", n, len(seen), len(all))
	}
	stop := 0
	snap.Matches(q, so, func(uint32) bool {
		stop++
		return false
	})
	if stop > 1 {
		return fmt.Sprintf("Matches went on after fn returned false (%d calls)", stop)
	}
	return ""
}
