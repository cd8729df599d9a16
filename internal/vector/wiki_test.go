package vector

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/vajrasearch/vajra/internal/bitset"
)

// TestWikiRecall builds the quality profile over the 10k×384 Wikipedia LSA set (when the
// shared data is present) and checks recall@10 at ef=100 against its ground truth, and that
// the index survives a write/read round trip unchanged.
func TestWikiRecall(t *testing.T) {
	if raceEnabled {
		t.Skip("skipped under -race: too slow there, and single-goroutine apart from the build")
	}
	s := loadTexmex(t, "wiki-lsa-384-10k")
	h, _ := s.build(t, Options{Threads: 2})
	r, _ := s.recallAndP50(t, h, 10, 100)
	t.Logf("recall@10 at ef=100: %.4f", r)
	if r < 0.99 {
		t.Fatalf("recall@10 %.4f below 0.99", r)
	}
	// Filtered recall against the exact filtered answer, on real data.
	exact := flatOf(t, h)
	queries := s.queries[:300*s.dim]
	r2 := rand.New(rand.NewPCG(7, 7))
	for _, frac := range []float64{0.5, 0.1, 0.01} {
		allow := bitset.New(s.n())
		for i := 0; i < s.n(); i++ {
			if r2.Float64() < frac {
				allow.Add(uint32(i))
			}
		}
		o := SearchOptions{Ef: 100, Filter: AllowSet(allow)}
		fr := recallVs(t, h, exact, queries, s.dim, 10, o)
		t.Logf("allow-set %g%%: recall@10 vs exact filtered %.4f", 100*frac, fr)
		if fr < 0.95 {
			t.Errorf("allow-set %g: recall@10 %.4f below 0.95", frac, fr)
		}
	}
	var buf bytes.Buffer
	if _, err := h.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := ReadHNSW(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if r2, _ := s.recallAndP50(t, g, 10, 100); r2 != r {
		t.Fatalf("recall after round trip %.4f, before %.4f", r2, r)
	}
}
