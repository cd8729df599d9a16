package lexical

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestInvertedRunsMergeExactly splits batches into runs at random places: the segment
// written from the runs is byte for byte the one written from the whole batch.
func TestInvertedRunsMergeExactly(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 99))
		spec := randomSpec(r)
		fw := make([]uint32, spec.fields)
		for i := range fw {
			fw[i] = uint32(1 + r.IntN(3))
		}
		var nextID uint32
		docs := randomDocs(r, spec, &nextID, 1+r.IntN(400))
		whole, err := invert(fw, docs)
		if err != nil {
			t.Fatal(err)
		}
		want, err := writeInverted(7, fw, []*inverted{whole})
		if err != nil {
			t.Fatal(err)
		}
		var parts []*inverted
		for lo := 0; lo < len(docs); {
			hi := min(len(docs), lo+1+r.IntN(60))
			p, err := invert(fw, docs[lo:hi])
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, p)
			lo = hi
		}
		got, err := writeInverted(7, fw, parts)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(encode(t, got), encode(t, want)) {
			t.Fatalf("seed %d: %d runs encode differently from the whole batch", seed, len(parts))
		}
	}
}

// TestBuildSameWhateverThreads builds a batch of several inversion chunks with different
// thread counts: the segments are identical.
func TestBuildSameWhateverThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	spec := corpusSpec{vocab: 3000, zipf: 1.2, maxLen: 12, fields: 2}
	var nextID uint32
	docs := randomDocs(r, spec, &nextID, 2*maxInvertRun+123)
	ids := make([]uint32, len(docs))
	for i := range docs {
		ids[i] = docs[i].ID
	}
	var first []byte
	for _, threads := range []int{0, 1, 2, 3, 8, 100} {
		seg, err := buildSegment(1, []uint32{2, 1}, ids, func(i int) [][]string { return docs[i].Fields }, threads)
		if err != nil {
			t.Fatal(err)
		}
		b := encode(t, seg)
		if first == nil {
			first = b
		} else if !bytes.Equal(b, first) {
			t.Fatalf("threads %d: the segment differs", threads)
		}
	}
}
