package lexical

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

func encode(t testing.TB, s *Segment) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	if int64(buf.Len()) != s.EncodedSize() {
		t.Fatalf("encoded %d bytes, EncodedSize says %d", buf.Len(), s.EncodedSize())
	}
	return buf.Bytes()
}

// sampleIndex builds a small multi-segment index with deletes for codec tests.
func sampleIndex(t testing.TB, seed uint64, fields int) (*Index, corpusSpec) {
	r := rand.New(rand.NewPCG(seed, 42))
	spec := corpusSpec{vocab: 200, zipf: 1.2, maxLen: 30, fields: fields}
	fw := make([]int, fields)
	for i := range fw {
		fw[i] = i + 1
	}
	ix := mustNew(t, Options{FieldWeights: fw, MergeFactor: 4})
	var nextID uint32
	for range 3 {
		mustAdd(t, ix, randomDocs(r, spec, &nextID, 150+r.IntN(200)))
	}
	var del []uint32
	for _, id := range allIDs(ix.Snapshot()) {
		if r.IntN(9) == 0 {
			del = append(del, id)
		}
	}
	ix.Delete(del)
	return ix, spec
}

// TestEncodeDecodeRoundTrip checks that decoded segments re-encode to the same bytes and
// search exactly like the originals.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, fields := range []int{1, 2, 3} {
		ix, spec := sampleIndex(t, uint64(fields), fields)
		snap := ix.Snapshot()
		var refs []SegmentRef
		for _, ref := range snap.Segments() {
			data := encode(t, ref.Seg)
			dec, err := DecodeSegment(data)
			if err != nil {
				t.Fatalf("fields %d: decode: %v", fields, err)
			}
			if again := encode(t, dec); !bytes.Equal(again, data) {
				t.Fatalf("fields %d: re-encoding differs", fields)
			}
			if dec.ID() != ref.Seg.ID() || dec.Len() != ref.Seg.Len() || dec.MinDoc() != ref.Seg.MinDoc() ||
				dec.MaxDoc() != ref.Seg.MaxDoc() || dec.Terms() != ref.Seg.Terms() || dec.Postings() != ref.Seg.Postings() {
				t.Fatalf("fields %d: decoded segment differs in shape", fields)
			}
			refs = append(refs, SegmentRef{Seg: dec, Deleted: ref.Deleted})
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
				t.Fatalf("fields %d: decoded index: %s", fields, msg)
			}
			if msg := checkExplain(rs, q, want); msg != "" {
				t.Fatalf("fields %d: %s", fields, msg)
			}
		}
		// Merging decoded segments works too.
		if err := back.ForceMerge(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDecodeUnaligned decodes from a buffer whose start is not 8-byte aligned, which makes
// the views copy instead of alias.
func TestDecodeUnaligned(t *testing.T) {
	ix, _ := sampleIndex(t, 5, 2)
	data := encode(t, ix.Snapshot().Segments()[0].Seg)
	shifted := make([]byte, len(data)+1)
	copy(shifted[1:], data)
	if _, err := DecodeSegment(shifted[1:]); err != nil {
		t.Fatal(err)
	}
}

func TestDecodeCorrupt(t *testing.T) {
	ix, _ := sampleIndex(t, 6, 2)
	data := encode(t, ix.Snapshot().Segments()[0].Seg)
	newer := bytes.Clone(data)
	binary.LittleEndian.PutUint32(newer[8:], segVersion+1)
	binary.LittleEndian.PutUint32(newer[12:], binfile.Checksum(newer[:12]))
	if _, err := DecodeSegment(newer); !errors.Is(err, binfile.ErrVersion) {
		t.Fatalf("newer version: %v", err)
	}
	for _, cut := range []int{0, 10, 100, len(data) / 2, len(data) - 1} {
		if _, err := DecodeSegment(data[:cut]); !errors.Is(err, corruption.Err) {
			t.Fatalf("truncated to %d: %v", cut, err)
		}
	}
	for i := 0; i < len(data); i += 1 + len(data)/300 {
		bad := bytes.Clone(data)
		bad[i] ^= 0x20
		if _, err := DecodeSegment(bad); !errors.Is(err, corruption.Err) && !errors.Is(err, binfile.ErrVersion) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
}

// withSection re-encodes data with one section's payload replaced, keeping checksums valid,
// so that the segment validation (not the checksums) must catch the damage.
func withSection(t testing.TB, data []byte, tag string, edit func([]byte) []byte) []byte {
	t.Helper()
	f, err := binfile.Parse(data, segMagic, segVersion)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := binfile.NewWriter(&buf, segMagic, segVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range f.Tags() {
		p, _ := f.Section(tg)
		p = bytes.Clone(p)
		if tg == tag {
			p = edit(p)
		}
		if f.Chunked(tg) {
			err = w.SectionChunked(tg, p, binfile.DefaultChunk)
		} else {
			err = w.Section(tg, p)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecodeRejectsInconsistentSections damages section payloads behind valid checksums.
func TestDecodeRejectsInconsistentSections(t *testing.T) {
	ix, _ := sampleIndex(t, 8, 2)
	data := encode(t, ix.Snapshot().Segments()[0].Seg)
	u32 := func(i int, v uint32) func([]byte) []byte {
		return func(p []byte) []byte { binary.LittleEndian.PutUint32(p[4*i:], v); return p }
	}
	tests := []struct {
		name string
		tag  string
		edit func([]byte) []byte
	}{
		{"doc count", "META", u32(2, 1)},
		{"field weight", "META", u32(10, 0)},
		{"postings count", "META", func(p []byte) []byte { p[24]++; return p }},
		{"unsorted ids", "DIDS", u32(1, 0)},
		{"lengths", "DLEN", func(p []byte) []byte { p[0]++; return p }},
		{"term offsets", "TOFF", u32(1, 1<<30)},
		{"term order", "TBYT", func(p []byte) []byte { p[0] = 'z'; return p }},
		{"block ranges", "TBLK", u32(1, 0)},
		{"df", "TDFS", u32(0, 1000)},
		{"block last", "BLST", u32(0, 1)},
		{"block offsets", "BOFF", u32(1, 3)},
		{"block impacts", "BIMP", func(p []byte) []byte { clear(p); return p }},
		{"postings bytes", "POST", func(p []byte) []byte { p[0] = 40; return p }},
		{"postings padding", "POST", func(p []byte) []byte { p[len(p)-1] = 1; return p }},
		{"postings short", "POST", func(p []byte) []byte { return p[:len(p)-1] }},
		{"extra bytes", "TBYT", func(p []byte) []byte { return append(p, 'z') }},
	}
	for _, tt := range tests {
		_, err := DecodeSegment(withSection(t, data, tt.tag, tt.edit))
		if !errors.Is(err, corruption.Err) {
			t.Errorf("%s: %v, want corruption.Err", tt.name, err)
		}
	}
}

// exercise runs every read path over a decoded segment; it must not panic, and the fast path
// must agree with the reference.
func exercise(t *testing.T, seg *Segment) {
	fw := seg.FieldWeights()
	ix, err := Restore(Options{FieldWeights: fw}, []SegmentRef{{Seg: seg}})
	if err != nil {
		t.Fatal(err)
	}
	snap := ix.Snapshot()
	terms := []string{"t0", "t1", "t2", "t5", "t17", "t50", "zz"}
	for i := 0; i < seg.Terms() && i < 5; i++ {
		terms = append(terms, string(seg.term(i*7%seg.Terms())))
	}
	q := NewQuery(terms)
	for _, k := range []int{1, 10} {
		want := snap.SearchExhaustive(q, k, SearchOptions{})
		for _, st := range []strategy{strategyTAAT, strategyMaxScore} {
			if msg := sameHits(snap.search(q, k, SearchOptions{}, st), want); msg != "" {
				t.Fatalf("decoded segment: strategy %d: %s", st, msg)
			}
		}
		if msg := checkExplain(snap, q, want); msg != "" {
			t.Fatal(msg)
		}
	}
	snap.Stats()
	ix.Delete([]uint32{seg.MinDoc()})
	if err := ix.ForceMerge(); err != nil {
		t.Fatal(err)
	}
}

// smallEncodings encodes the segments of a small index (a few KiB each, so that the fuzzer
// mutates them quickly) whose terms still span several blocks.
func smallEncodings(tb testing.TB, fields int) [][]byte {
	r := rand.New(rand.NewPCG(uint64(fields), 77))
	spec := corpusSpec{vocab: 12, zipf: 1.5, maxLen: 6, fields: fields}
	fw := make([]int, fields)
	for i := range fw {
		fw[i] = i + 1
	}
	ix := mustNew(tb, Options{FieldWeights: fw, MergeFactor: 10})
	var nextID uint32
	mustAdd(tb, ix, randomDocs(r, spec, &nextID, 300))
	mustAdd(tb, ix, randomDocs(r, spec, &nextID, 5))
	var out [][]byte
	for _, ref := range ix.Snapshot().Segments() {
		out = append(out, encode(tb, ref.Seg))
	}
	return out
}

// FuzzDecodeSegment feeds arbitrary bytes (seeded with real encodings) to DecodeSegment and
// OpenSegment.
// Mutations mostly break checksums; FuzzDecodeSegmentSections covers damage behind valid
// checksums.
func FuzzDecodeSegment(f *testing.F) {
	for _, fields := range []int{1, 2} {
		for _, data := range smallEncodings(f, fields) {
			f.Add(data)
		}
	}
	f.Add([]byte{})
	f.Add([]byte(segMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		if opened, err := OpenSegment(data); err == nil {
			exerciseOpened(t, opened)
		} else if !errors.Is(err, corruption.Err) && !errors.Is(err, binfile.ErrVersion) {
			t.Fatalf("OpenSegment: error does not wrap corruption.Err or ErrVersion: %v", err)
		}
		seg, err := DecodeSegment(data)
		if err != nil {
			if !errors.Is(err, corruption.Err) && !errors.Is(err, binfile.ErrVersion) {
				t.Fatalf("error does not wrap corruption.Err or ErrVersion: %v", err)
			}
			return
		}
		exercise(t, seg)
	})
}

// FuzzDecodeSegmentSections overwrites bytes of one section of a valid encoding and
// re-checksums it, so the fuzzer explores the segment validation itself.
func FuzzDecodeSegmentSections(f *testing.F) {
	base := smallEncodings(f, 2)[0]
	small := mustNew(f, Options{FieldWeights: []int{1}})
	mustAdd(f, small, []Doc{{ID: 1, Fields: [][]string{{"t0", "t1"}}}, {ID: 3, Fields: [][]string{{"t1"}}}})
	smallData := encode(f, small.Snapshot().Segments()[0].Seg)
	for i := range segTags {
		f.Add(false, uint8(i), uint16(0), []byte{1})
		f.Add(true, uint8(i), uint16(3), []byte{0xff, 0})
	}
	f.Fuzz(func(t *testing.T, useSmall bool, section uint8, at uint16, patch []byte) {
		data := base
		if useSmall {
			data = smallData
		}
		tag := segTags[int(section)%len(segTags)]
		damaged := withSection(t, data, tag, func(p []byte) []byte {
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
			if len(patch) > 0 && patch[0] == 0xee {
				p = p[:i] // truncate
			}
			return p
		})
		seg, err := DecodeSegment(damaged)
		if err != nil {
			if !errors.Is(err, corruption.Err) {
				t.Fatalf("error does not wrap corruption.Err: %v", err)
			}
			return
		}
		exercise(t, seg)
	})
}
