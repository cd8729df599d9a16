package lexical

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/bitset"
)

func TestOptions(t *testing.T) {
	var o Options
	o.EnsureDefaults()
	if o.K1 != DefaultK1 || o.B != DefaultB || o.MergeFactor != DefaultMergeFactor || !slices.Equal(o.FieldWeights, []int{2, 1}) {
		t.Fatalf("defaults: %+v", o)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	bad := []Options{
		{K1: -1, B: 0.4, FieldWeights: []int{1}, MergeFactor: 2},
		{K1: math.NaN(), B: 0.4, FieldWeights: []int{1}, MergeFactor: 2},
		{K1: 1, B: 1.5, FieldWeights: []int{1}, MergeFactor: 2},
		{K1: 1, B: -0.1, FieldWeights: []int{1}, MergeFactor: 2},
		{K1: 1, B: 0.4, FieldWeights: []int{0}, MergeFactor: 2},
		{K1: 1, B: 0.4, FieldWeights: []int{MaxFieldWeight + 1}, MergeFactor: 2},
		{K1: 1, B: 0.4, FieldWeights: make([]int, MaxFields+1), MergeFactor: 2},
		{K1: 1, B: 0.4, FieldWeights: []int{1}, MergeFactor: 1},
	}
	for i, o := range bad {
		if err := o.Validate(); !errors.Is(err, ErrOptions) {
			t.Errorf("case %d (%+v): %v, want ErrOptions", i, o, err)
		}
		if _, err := New(o); !errors.Is(err, ErrOptions) {
			t.Errorf("case %d: New: %v, want ErrOptions", i, err)
		}
	}
}

func TestNewQuery(t *testing.T) {
	tests := []struct {
		in   []string
		want []QueryTerm
	}{
		{nil, []QueryTerm{}},
		{[]string{"a"}, []QueryTerm{{"a", 1}}},
		{[]string{"b", "a", "b", "c", "b", "a"}, []QueryTerm{{"b", 3}, {"a", 2}, {"c", 1}}},
	}
	// A long query takes the map path.
	long := make([]string, 40)
	for i := range long {
		long[i] = termName(uint64(i % 7))
	}
	var longWant []QueryTerm
	for i := range 7 {
		longWant = append(longWant, QueryTerm{termName(uint64(i)), float32(len(long)/7 + min(1, max(0, len(long)%7-i)))})
	}
	tests = append(tests, struct {
		in   []string
		want []QueryTerm
	}{long, longWant})
	for _, tt := range tests {
		if got := NewQuery(tt.in).Terms; !slices.Equal(got, tt.want) {
			t.Errorf("NewQuery(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestHandComputedBM25 checks scores against the formula written out by hand.
func TestHandComputedBM25(t *testing.T) {
	ix := mustNew(t, Options{K1: 1.2, B: 0.75, FieldWeights: []int{2, 1}})
	mustAdd(t, ix, []Doc{
		{ID: 10, Fields: [][]string{{"fox"}, {"the", "quick", "brown", "fox"}}},
		{ID: 11, Fields: [][]string{{}, {"the", "lazy", "dog"}}},
		{ID: 12, Fields: [][]string{{"dog", "days"}, {"dog", "fox", "dog"}}},
	})
	// Weighted lengths: 2·1+4 = 6, 0+3 = 3, 2·2+3 = 7; avgdl = 16/3.
	const n, avgdl, k1, b = 3.0, 16.0 / 3, 1.2, 0.75
	idfOf := func(df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }
	part := func(tf, dl float64) float64 { return tf * (k1 + 1) / (tf + k1*(1-b+b*dl/avgdl)) }
	// "fox": df 2; doc 10 tf 2·1+1 = 3, doc 12 tf 1. "dog" (weight 2): df 2; doc 11 tf 1,
	// doc 12 tf 2·1+2 = 4.
	want := map[uint32]float64{
		10: idfOf(2) * part(3, 6),
		11: 2 * idfOf(2) * part(1, 3),
		12: idfOf(2)*part(1, 7) + 2*idfOf(2)*part(4, 7),
	}
	q := NewQuery([]string{"fox", "dog", "dog", "cat"})
	snap := ix.Snapshot()
	for _, search := range []func(Query, int, SearchOptions) []Hit{snap.Search, snap.SearchExhaustive} {
		hits := search(q, 10, SearchOptions{})
		if len(hits) != 3 {
			t.Fatalf("%d hits, want 3: %v", len(hits), hits)
		}
		for _, h := range hits {
			if w := want[h.ID]; math.Abs(float64(h.Score)-w) > 1e-5*w {
				t.Errorf("doc %d: score %v, want %v", h.ID, h.Score, w)
			}
		}
		if msg := checkOrdered(hits); msg != "" {
			t.Error(msg)
		}
	}
	e, ok := snap.Explain(q, 12)
	if !ok || len(e.Terms) != 3 {
		t.Fatalf("explain: %v %+v", ok, e)
	}
	fox, dog, cat := e.Terms[0], e.Terms[1], e.Terms[2]
	if fox.TF != 1 || !slices.Equal(fox.FieldTF, []uint32{0, 1}) || fox.DF != 2 || fox.DL != 7 {
		t.Errorf("fox explanation %+v", fox)
	}
	if dog.TF != 4 || !slices.Equal(dog.FieldTF, []uint32{1, 2}) || dog.Weight != 2 || math.Abs(dog.IDF-idfOf(2)) > 1e-12 {
		t.Errorf("dog explanation %+v", dog)
	}
	if cat.TF != 0 || cat.DF != 0 || cat.Contribution != 0 {
		t.Errorf("cat explanation %+v", cat)
	}
	if math.Abs(e.Terms[1].AvgDL-avgdl) > 1e-12 || e.Terms[1].K1 != k1 || e.Terms[1].B != b {
		t.Errorf("parameters in explanation: %+v", e.Terms[1])
	}
	if e.String() == "" {
		t.Error("empty explanation text")
	}
	if _, ok := snap.Explain(q, 99); ok {
		t.Error("explained a document that does not exist")
	}
}

func TestSearchEdgeCases(t *testing.T) {
	empty := mustNew(t, Options{}).Snapshot()
	if h := empty.Search(NewQuery([]string{"a"}), 10, SearchOptions{}); h != nil {
		t.Errorf("empty index: %v", h)
	}
	ix := mustNew(t, Options{})
	mustAdd(t, ix, []Doc{{ID: 1, Fields: [][]string{{"a"}, {"a", "b"}}}, {ID: 2, Fields: [][]string{nil, {"b"}}}, {ID: 3}})
	snap := ix.Snapshot()
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	tests := []struct {
		name string
		q    Query
		k    int
		want int
	}{
		{"k zero", NewQuery([]string{"a"}), 0, 0},
		{"k negative", NewQuery([]string{"a"}), -5, 0},
		{"no terms", Query{}, 10, 0},
		{"unknown", NewQuery([]string{"zzz"}), 10, 0},
		{"huge k", NewQuery([]string{"a", "b"}), math.MaxInt, 2},
		{"zero weight", Query{Terms: []QueryTerm{{"a", 0}}}, 10, 0},
		{"negative weight", Query{Terms: []QueryTerm{{"a", -1}}}, 10, 0},
		{"NaN weight", Query{Terms: []QueryTerm{{"a", nan}}}, 10, 0},
		{"Inf weight", Query{Terms: []QueryTerm{{"a", inf}}}, 10, 0},
		{"mixed weights", Query{Terms: []QueryTerm{{"a", nan}, {"b", 1}}}, 10, 2},
		{"empty term", NewQuery([]string{""}), 10, 0},
	}
	for _, tt := range tests {
		got := snap.Search(tt.q, tt.k, SearchOptions{})
		want := snap.SearchExhaustive(tt.q, tt.k, SearchOptions{})
		if len(got) != tt.want || sameHits(got, want) != "" {
			t.Errorf("%s: got %v, reference %v, want %d hits", tt.name, got, want, tt.want)
		}
	}
}

func TestAddErrors(t *testing.T) {
	ix := mustNew(t, Options{FieldWeights: []int{1}})
	mustAdd(t, ix, []Doc{{ID: 5, Fields: [][]string{{"a"}}}})
	tests := []struct {
		name string
		docs []Doc
		want error
	}{
		{"repeated id", []Doc{{ID: 5}}, ErrDocOrder},
		{"smaller id", []Doc{{ID: 3}}, ErrDocOrder},
		{"unordered batch", []Doc{{ID: 7}, {ID: 6}}, ErrDocOrder},
		{"duplicate in batch", []Doc{{ID: 7}, {ID: 7}}, ErrDocOrder},
		{"too many fields", []Doc{{ID: 8}, {ID: 9, Fields: [][]string{{"a"}, {"b"}}}}, ErrInvalidDoc},
	}
	for _, tt := range tests {
		if err := ix.Add(tt.docs); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if st := ix.Snapshot().Stats(); st.Docs != 1 || st.Segments != 1 {
		t.Fatalf("failed adds changed the index: %+v", st)
	}
	// IDs of a failed batch are not consumed.
	mustAdd(t, ix, []Doc{{ID: 6, Fields: [][]string{{"a"}}}})
	if err := ix.Add(nil); err != nil {
		t.Fatal(err)
	}
}

// TestDeleteAndIsolation checks Delete's count, that deleted documents never show up in
// later snapshots, and that earlier snapshots are untouched by Delete and Add.
func TestDeleteAndIsolation(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	spec := corpusSpec{vocab: 20, zipf: 1.3, maxLen: 20, fields: 2}
	ix := mustNew(t, Options{MergeFactor: 3})
	var nextID uint32
	for range 4 {
		mustAdd(t, ix, randomDocs(r, spec, &nextID, 60))
	}
	q := NewQuery([]string{"t0", "t1", "t3", "t7"})
	before := ix.Snapshot()
	beforeHits := before.Search(q, 1000, SearchOptions{})
	beforeStats := before.Stats()

	victims := []uint32{beforeHits[0].ID, beforeHits[1].ID, beforeHits[len(beforeHits)-1].ID}
	if n := ix.Delete(append(slices.Clone(victims), victims[0], 1<<31)); n != 3 {
		t.Fatalf("Delete counted %d live documents, want 3", n)
	}
	if n := ix.Delete(victims); n != 0 {
		t.Fatalf("second Delete counted %d, want 0", n)
	}
	after := ix.Snapshot()
	for _, h := range after.Search(q, 1000, SearchOptions{}) {
		if slices.Contains(victims, h.ID) {
			t.Fatalf("deleted document %d returned", h.ID)
		}
	}
	for _, id := range victims {
		if _, ok := after.Explain(q, id); ok || after.Contains(id) {
			t.Fatalf("deleted document %d still explained or contained", id)
		}
	}
	if st := after.Stats(); st.Docs != beforeStats.Docs-3 || st.Deleted != beforeStats.Deleted+3 {
		t.Fatalf("stats after delete %+v, before %+v", st, beforeStats)
	}
	mustAdd(t, ix, randomDocs(r, spec, &nextID, 60))
	if err := ix.ForceMerge(); err != nil {
		t.Fatal(err)
	}
	if msg := sameHits(before.Search(q, 1000, SearchOptions{}), beforeHits); msg != "" {
		t.Fatalf("old snapshot changed: %s", msg)
	}
	if before.Stats() != beforeStats {
		t.Fatal("old snapshot's stats changed")
	}
	merged := ix.Snapshot()
	if st := merged.Stats(); st.Segments != 1 || st.Deleted != 0 || st.Docs != beforeStats.Docs-3+60 {
		t.Fatalf("after ForceMerge: %+v", st)
	}
	for _, h := range merged.Search(q, 1000, SearchOptions{}) {
		if slices.Contains(victims, h.ID) {
			t.Fatalf("deleted document %d returned after merge", h.ID)
		}
	}
}

func TestDeleteEverything(t *testing.T) {
	ix := mustNew(t, Options{})
	mustAdd(t, ix, []Doc{{ID: 1, Fields: [][]string{{"a"}}}, {ID: 2, Fields: [][]string{{"a"}}}})
	mustAdd(t, ix, []Doc{{ID: 3, Fields: [][]string{{"a"}}}})
	if n := ix.Delete([]uint32{1, 2, 3}); n != 3 {
		t.Fatalf("deleted %d", n)
	}
	snap := ix.Snapshot()
	if h := snap.Search(NewQuery([]string{"a"}), 5, SearchOptions{}); h != nil {
		t.Fatalf("hits from an index with no live documents: %v", h)
	}
	if err := ix.ForceMerge(); err != nil {
		t.Fatal(err)
	}
	if st := ix.Snapshot().Stats(); st.Segments != 0 || st.Docs != 0 {
		t.Fatalf("after merging away everything: %+v", st)
	}
	mustAdd(t, ix, []Doc{{ID: 4, Fields: [][]string{{"a"}}}})
	if h := ix.Snapshot().Search(NewQuery([]string{"a"}), 5, SearchOptions{}); len(h) != 1 || h[0].ID != 4 {
		t.Fatalf("hits %v", h)
	}
}

// segmentShape summarises an index's segments (encodings and deletion sets) for
// determinism checks.
func segmentShape(t *testing.T, s *Snapshot) [][]byte {
	var out [][]byte
	for _, r := range s.Segments() {
		var buf bytes.Buffer
		if err := r.Seg.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		for _, ord := range r.Deleted.AppendTo(nil) {
			buf.WriteString(itoa(int(ord)) + ",")
		}
		out = append(out, buf.Bytes())
	}
	return out
}

// TestMergePolicy checks that merging is deterministic, keeps segment IDs increasing,
// bounds the segment count, and drops deleted documents.
func TestMergePolicy(t *testing.T) {
	run := func() *Index {
		r := rand.New(rand.NewPCG(3, 4))
		spec := corpusSpec{vocab: 100, zipf: 1.2, maxLen: 10, fields: 2}
		ix := mustNew(t, Options{MergeFactor: 3})
		var nextID uint32
		for i := range 40 {
			mustAdd(t, ix, randomDocs(r, spec, &nextID, 1+r.IntN(30)))
			if i%5 == 3 {
				var del []uint32
				for _, id := range allIDs(ix.Snapshot()) {
					if r.IntN(3) == 0 {
						del = append(del, id)
					}
				}
				ix.Delete(del)
			}
		}
		return ix
	}
	a, b := run().Snapshot(), run().Snapshot()
	if !slices.EqualFunc(segmentShape(t, a), segmentShape(t, b), bytes.Equal) {
		t.Fatal("the same Add/Delete sequence produced different segments")
	}
	if n := len(a.segs); n > 3*maxSegmentsPerFactor || n < 2 {
		t.Fatalf("%d segments", n)
	}
	var prevMax uint32
	seen := map[uint64]bool{}
	for i, ss := range a.segs {
		if i > 0 && ss.seg.MinDoc() <= prevMax {
			t.Fatal("segment ID ranges overlap or are out of order")
		}
		prevMax = ss.seg.MaxDoc()
		if seen[ss.seg.ID()] {
			t.Fatal("duplicate segment ID")
		}
		seen[ss.seg.ID()] = true
		if deleted := ss.seg.Len() - ss.live; 2*deleted > ss.seg.Len() {
			t.Fatalf("segment %d keeps %d of %d documents deleted", ss.seg.ID(), deleted, ss.seg.Len())
		}
	}
	// Merged segments get fresh, larger IDs.
	ix := mustNew(t, Options{MergeFactor: 2})
	mustAdd(t, ix, []Doc{{ID: 1, Fields: [][]string{{"x"}}}})
	mustAdd(t, ix, []Doc{{ID: 2, Fields: [][]string{{"x"}}}})
	segs := ix.Snapshot().Segments()
	if len(segs) != 1 || segs[0].Seg.ID() != 2 || segs[0].Seg.Len() != 2 {
		t.Fatalf("after merging two segments: %d segments, first ID %d", len(segs), segs[0].Seg.ID())
	}
}

func TestStats(t *testing.T) {
	ix := mustNew(t, Options{FieldWeights: []int{1}, MergeFactor: 10})
	mustAdd(t, ix, []Doc{{ID: 1, Fields: [][]string{{"a", "b", "a"}}}, {ID: 2, Fields: [][]string{{"b", "c"}}}})
	mustAdd(t, ix, []Doc{{ID: 3, Fields: [][]string{{"c", "d"}}}})
	ix.Delete([]uint32{2})
	st := ix.Snapshot().Stats()
	want := Stats{Docs: 2, Deleted: 1, Segments: 2, Terms: 4, Postings: 6, AvgDocLen: 2.5}
	if st.Docs != want.Docs || st.Deleted != want.Deleted || st.Segments != want.Segments || st.Terms != want.Terms ||
		st.Postings != want.Postings || st.AvgDocLen != want.AvgDocLen || st.EncodedBytes <= 0 || st.PostingsBytes <= 0 {
		t.Fatalf("stats %+v, want %+v", st, want)
	}
}

func TestRestore(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	spec := corpusSpec{vocab: 300, zipf: 1.1, maxLen: 40, fields: 2}
	ix := mustNew(t, Options{MergeFactor: 4})
	var nextID uint32
	for range 5 {
		mustAdd(t, ix, randomDocs(r, spec, &nextID, 200))
	}
	ix.Delete([]uint32{3, 50, 51, 400})
	snap := ix.Snapshot()
	refs := snap.Segments()
	slices.Reverse(refs) // order does not matter
	back, err := Restore(ix.Options(), refs)
	if err != nil {
		t.Fatal(err)
	}
	rs := back.Snapshot()
	for range 20 {
		q := randomQuery(r, spec)
		if msg := sameHits(rs.Search(q, 50, SearchOptions{}), snap.Search(q, 50, SearchOptions{})); msg != "" {
			t.Fatalf("restored index differs: %s", msg)
		}
	}
	if err := back.Add([]Doc{{ID: nextID}}); !errors.Is(err, ErrDocOrder) {
		t.Fatalf("Add below restored MaxDoc: %v", err)
	}
	mustAdd(t, back, []Doc{{ID: nextID + 1, Fields: [][]string{{"new"}}}})
	var maxRestored uint64
	for _, old := range refs {
		maxRestored = max(maxRestored, old.Seg.ID())
	}
	for _, ss := range back.Snapshot().segs {
		isOld := slices.ContainsFunc(refs, func(r SegmentRef) bool { return r.Seg == ss.seg })
		if !isOld && ss.seg.ID() <= maxRestored {
			t.Fatalf("new segment ID %d not above restored %d", ss.seg.ID(), maxRestored)
		}
	}

	// Renumbered segments search the same, encode under their new IDs and decode back.
	renum := make([]SegmentRef, len(refs))
	for i, ref := range refs {
		renum[i] = SegmentRef{Seg: ref.Seg.WithID(1000 + uint64(i)), Deleted: ref.Deleted}
	}
	moved, err := Restore(ix.Options(), renum)
	if err != nil {
		t.Fatal(err)
	}
	for i, ref := range renum {
		if ref.Seg.ID() != 1000+uint64(i) || refs[i].Seg.ID() == ref.Seg.ID() {
			t.Fatalf("WithID: segment %d has ID %d, the original %d", i, ref.Seg.ID(), refs[i].Seg.ID())
		}
		var buf bytes.Buffer
		if err := ref.Seg.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		dec, err := DecodeSegment(buf.Bytes())
		if err != nil || dec.ID() != ref.Seg.ID() {
			t.Fatalf("renumbered segment decodes as %v, %v", dec, err)
		}
	}
	ms := moved.Snapshot()
	for range 20 {
		q := randomQuery(r, spec)
		if msg := sameHits(ms.Search(q, 50, SearchOptions{}), snap.Search(q, 50, SearchOptions{})); msg != "" {
			t.Fatalf("renumbered index differs: %s", msg)
		}
	}

	bad := []struct {
		name string
		o    Options
		refs []SegmentRef
	}{
		{"field weights", Options{FieldWeights: []int{1, 1}}, refs},
		{"nil segment", Options{}, []SegmentRef{{}}},
		{"duplicate", Options{}, []SegmentRef{refs[0], refs[0]}},
		{"deleted out of range", Options{}, []SegmentRef{{Seg: refs[0].Seg, Deleted: func() *bitset.Set { s := &bitset.Set{}; s.Add(uint32(refs[0].Seg.Len())); return s }()}}},
	}
	if len(refs) > 1 {
		overlapping := mergeForTest(t, refs)
		bad = append(bad, struct {
			name string
			o    Options
			refs []SegmentRef
		}{"overlap", Options{}, append([]SegmentRef{{Seg: overlapping}}, refs[0])})
	}
	for _, tt := range bad {
		if _, err := Restore(tt.o, tt.refs); !errors.Is(err, ErrIncompatible) {
			t.Errorf("%s: %v, want ErrIncompatible", tt.name, err)
		}
	}
}

// mergeForTest merges all segments into one with a fresh ID, overlapping the originals.
func mergeForTest(t *testing.T, refs []SegmentRef) *Segment {
	var segs []segState
	for _, r := range refs {
		segs = append(segs, newSegState(r.Seg, nil))
	}
	slices.SortFunc(segs, func(a, b segState) int { return int(a.seg.MinDoc()) - int(b.seg.MinDoc()) })
	seg, err := mergeSegments(1<<40, []uint32{2, 1}, segs)
	if err != nil {
		t.Fatal(err)
	}
	return seg
}
