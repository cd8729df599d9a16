package lexical

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// encodeV1 writes a segment in the version 1 layout (no chunk checksums), as earlier builds
// did.
func encodeV1(t testing.TB, s *Segment) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := binfile.NewWriter(&buf, segMagic, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range s.sections() {
		if err := w.Section(segTags[i], p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// largeSegment builds one segment whose bulk sections span several checksum chunks.
func largeSegment(t testing.TB) (*Segment, corpusSpec) {
	r := rand.New(rand.NewPCG(11, 12))
	spec := corpusSpec{vocab: 4000, zipf: 1.15, maxLen: 40, fields: 2}
	ix := mustNew(t, Options{FieldWeights: []int{2, 1}})
	var nextID uint32
	mustAdd(t, ix, randomDocs(r, spec, &nextID, 6000))
	return ix.Snapshot().Segments()[0].Seg, spec
}

// TestOpenSegmentMatchesDecode opens encodings in place, in both versions and from aligned and
// unaligned buffers, and checks that they search, explain, count, merge and re-encode exactly
// like the segments they came from.
func TestOpenSegmentMatchesDecode(t *testing.T) {
	for _, fields := range []int{1, 2, 3} {
		ix, spec := sampleIndex(t, uint64(fields)+20, fields)
		snap := ix.Snapshot()
		for _, v1 := range []bool{false, true} {
			for _, shift := range []int{0, 1} {
				var refs []SegmentRef
				for _, ref := range snap.Segments() {
					data := encode(t, ref.Seg)
					if v1 {
						data = encodeV1(t, ref.Seg)
					}
					buf := make([]byte, len(data)+shift)
					copy(buf[shift:], data)
					seg, err := OpenSegment(buf[shift:])
					if err != nil {
						t.Fatalf("fields %d v1 %v shift %d: %v", fields, v1, shift, err)
					}
					if (seg.lazy != nil) == v1 {
						t.Fatalf("v1 %v: opened lazily %v", v1, seg.lazy != nil)
					}
					if again := encode(t, seg); !bytes.Equal(again, encode(t, ref.Seg)) {
						t.Fatalf("fields %d v1 %v: re-encoding differs", fields, v1)
					}
					refs = append(refs, SegmentRef{Seg: seg, Deleted: ref.Deleted})
				}
				back, err := Restore(ix.Options(), refs)
				if err != nil {
					t.Fatal(err)
				}
				rs := back.Snapshot()
				r := rand.New(rand.NewPCG(9, uint64(fields)))
				for range 30 {
					q := randomQuery(r, spec)
					want := snap.SearchExhaustive(q, 20, SearchOptions{})
					if msg := sameHits(rs.Search(q, 20, SearchOptions{}), want); msg != "" {
						t.Fatalf("fields %d v1 %v: %s", fields, v1, msg)
					}
					if msg := checkExplain(rs, q, want); msg != "" {
						t.Fatalf("fields %d v1 %v: %s", fields, v1, msg)
					}
				}
				if got, want := rs.Stats(), snap.Stats(); got.Terms != want.Terms || got.Postings != want.Postings || got.Docs != want.Docs {
					t.Fatalf("fields %d v1 %v: stats %+v, want %+v", fields, v1, got, want)
				}
				if err := rs.Err(); err != nil {
					t.Fatal(err)
				}
				if err := back.ForceMerge(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// TestOpenSegmentDamage flips bytes all over an encoding. OpenSegment either refuses it, or
// opens it and then every search returns exactly the intact segment's hits unless the
// segment reports damage (Err); VerifyAll finds every damage that changes the data. Some
// damage must go unnoticed at open and be found by the search that reads it: the checks are
// lazy.
func TestOpenSegmentDamage(t *testing.T) {
	seg, spec := largeSegment(t)
	data := encode(t, seg)
	intact, err := Restore(Options{FieldWeights: []int{2, 1}}, []SegmentRef{{Seg: seg}})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	// A few queries, so that much of the segment is never read by them.
	queries := []Query{NewQuery([]string{"t0"}), NewQuery([]string{"t1", "t7", "t3000"}), randomQuery(r, spec)}
	step := 1 + len(data)/400
	if testing.Short() {
		step = 1 + len(data)/80
	}
	var cases, refused, foundBySearch, foundByVerify int
	for i := 0; i < len(data); i += step + r.IntN(step) {
		cases++
		bad := bytes.Clone(data)
		bad[i] ^= 1 << r.IntN(8)
		opened, err := OpenSegment(bad)
		if err != nil {
			if !errors.Is(err, corruption.Err) && !errors.Is(err, binfile.ErrVersion) {
				t.Fatalf("byte %d: untyped error %v", i, err)
			}
			refused++
			continue
		}
		ix, err := Restore(Options{FieldWeights: []int{2, 1}}, []SegmentRef{{Seg: opened}})
		if err != nil {
			t.Fatalf("byte %d: %v", i, err)
		}
		snap := ix.Snapshot()
		for _, q := range queries {
			got := snap.Search(q, 10, SearchOptions{})
			if snap.Err() != nil {
				break
			}
			if msg := sameHits(got, intact.Snapshot().Search(q, 10, SearchOptions{})); msg != "" {
				t.Fatalf("byte %d: no damage reported, but %s", i, msg)
			}
		}
		if err := snap.Err(); err != nil {
			if !errors.Is(err, corruption.Err) {
				t.Fatalf("byte %d: untyped damage %v", i, err)
			}
			foundBySearch++
			continue
		}
		if opened.VerifyAll() != nil {
			foundByVerify++
			ix.Delete([]uint32{opened.MinDoc()}) // a single intact segment is not merged
			if err := ix.ForceMerge(); !errors.Is(err, corruption.Err) {
				t.Fatalf("byte %d: merging a damaged segment: %v", i, err)
			}
		}
	}
	t.Logf("%d damaged encodings: %d refused at open, %d found by searches, %d by VerifyAll", cases, refused, foundBySearch, foundByVerify)
	if foundBySearch == 0 || foundByVerify == 0 || refused == 0 {
		t.Fatalf("refused %d, found by search %d, by VerifyAll %d: want some of each", refused, foundBySearch, foundByVerify)
	}
}

// exerciseOpened runs every read path over an opened segment. It must not panic; where no
// damage is reported, the fast paths agree with the reference.
func exerciseOpened(t *testing.T, seg *Segment) {
	ix, err := Restore(Options{FieldWeights: seg.FieldWeights()}, []SegmentRef{{Seg: seg}})
	if err != nil {
		return
	}
	snap := ix.Snapshot()
	q := NewQuery([]string{"t0", "t1", "t2", "t5", "t17", "t50", "zz"})
	for _, k := range []int{1, 10} {
		want := snap.SearchExhaustive(q, k, SearchOptions{})
		for _, st := range []strategy{strategyTAAT, strategyMaxScore} {
			got := snap.search(q, k, SearchOptions{}, st)
			if msg := sameHits(got, want); msg != "" && snap.Err() == nil {
				t.Fatalf("opened segment: strategy %d: %s", st, msg)
			}
		}
		for _, h := range want {
			snap.Explain(q, h.ID)
		}
	}
	snap.Stats()
	ix.Delete([]uint32{seg.MinDoc()})
	if err := ix.ForceMerge(); err != nil && !errors.Is(err, corruption.Err) {
		t.Fatalf("merge: %v", err)
	}
}

// FuzzOpenSegmentSections overwrites bytes of one section of a valid encoding behind valid
// checksums. OpenSegment must not panic, nor must anything done with what it opens, and it
// must accept, once verified completely, exactly what DecodeSegment accepts.
func FuzzOpenSegmentSections(f *testing.F) {
	base := smallEncodings(f, 2)[0]
	for i := range segTags {
		f.Add(uint8(i), uint16(0), []byte{1})
		f.Add(uint8(i), uint16(3), []byte{0xff, 0})
	}
	f.Fuzz(func(t *testing.T, section uint8, at uint16, patch []byte) {
		tag := segTags[int(section)%len(segTags)]
		damaged := withSection(t, base, tag, func(p []byte) []byte {
			if len(p) == 0 {
				return append(p, patch...)
			}
			i := int(at) % len(p)
			for j, b := range patch {
				if i+j < len(p) {
					p[i+j] = b
				} else {
					p = append(p, b)
				}
			}
			return p
		})
		_, derr := DecodeSegment(damaged)
		seg, oerr := OpenSegment(damaged)
		if oerr != nil {
			if !errors.Is(oerr, corruption.Err) {
				t.Fatalf("untyped error %v", oerr)
			}
			if derr == nil {
				t.Fatalf("OpenSegment refuses what DecodeSegment accepts: %v", oerr)
			}
			return
		}
		exerciseOpened(t, seg)
		if verr := seg.VerifyAll(); (verr == nil) != (derr == nil) {
			t.Fatalf("VerifyAll %v, DecodeSegment %v", verr, derr)
		}
	})
}

// TestOpenSegmentConcurrentChecks searches an opened segment from several goroutines at once,
// so that the race detector sees terms checked concurrently for the first time.
func TestOpenSegmentConcurrentChecks(t *testing.T) {
	seg, spec := largeSegment(t)
	opened, err := OpenSegment(encode(t, seg))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Restore(Options{FieldWeights: []int{2, 1}}, []SegmentRef{{Seg: opened}})
	if err != nil {
		t.Fatal(err)
	}
	intact, _ := Restore(Options{FieldWeights: []int{2, 1}}, []SegmentRef{{Seg: seg}})
	done := make(chan string, 4)
	for g := range 4 {
		go func() {
			r := rand.New(rand.NewPCG(uint64(g), 3))
			for range 20 {
				q := randomQuery(r, spec)
				if msg := sameHits(ix.Snapshot().Search(q, 10, SearchOptions{}), intact.Snapshot().Search(q, 10, SearchOptions{})); msg != "" {
					done <- msg
					return
				}
			}
			done <- ""
		}()
	}
	for range 4 {
		if msg := <-done; msg != "" {
			t.Fatal(msg)
		}
	}
	if err := ix.Snapshot().Err(); err != nil {
		t.Fatal(err)
	}
}

// TestAdopt replaces an index's built segments by the same segments opened from their
// encodings: searches are unchanged, and a segment of another shape is refused.
func TestAdopt(t *testing.T) {
	ix, spec := sampleIndex(t, 31, 2)
	before := ix.Snapshot()
	opened := map[uint64]*Segment{}
	for _, ref := range before.Segments() {
		seg, err := OpenSegment(encode(t, ref.Seg))
		if err != nil {
			t.Fatal(err)
		}
		opened[seg.ID()] = seg
	}
	other, _ := sampleIndex(t, 32, 2)
	wrong := other.Snapshot().Segments()[0].Seg
	firstID := before.Segments()[0].Seg.ID()
	real := opened[firstID]
	opened[firstID] = wrong.WithID(firstID)
	if n := ix.Adopt(opened); n != len(opened)-1 {
		t.Fatalf("adopted %d of %d, want all but the misshapen one", n, len(opened))
	}
	opened[firstID] = real
	if n := ix.Adopt(opened); n != 1 {
		t.Fatalf("adopted %d, want the one left", n)
	}
	after := ix.Snapshot()
	for _, ref := range after.Segments() {
		if !ref.Seg.InPlace() {
			t.Fatalf("segment %d not adopted", ref.Seg.ID())
		}
	}
	r := rand.New(rand.NewPCG(1, 31))
	for range 30 {
		q := randomQuery(r, spec)
		if msg := sameHits(after.Search(q, 10, SearchOptions{}), before.Search(q, 10, SearchOptions{})); msg != "" {
			t.Fatal(msg)
		}
	}
}
