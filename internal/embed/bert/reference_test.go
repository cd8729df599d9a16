package bert

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// reference is the reference.json written by testdata/make_reference.py: for each
// sentence, its token ids and the float64 PyTorch embeddings of the folder's model.
type reference struct {
	MaxSeqLength int `json:"max_seq_length"`
	Cases        []struct {
		Text string    `json:"text"`
		IDs  []int32   `json:"ids"`
		Mean []float64 `json:"mean_normalized"`
		CLS  []float64 `json:"cls"`
	} `json:"cases"`
}

func readReference(t testing.TB, dir string) reference {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Cases) == 0 {
		t.Fatal("reference.json holds no cases")
	}
	return r
}

// compare returns the largest absolute difference and the smallest cosine between
// embeddings and their references.
func compare(got [][]float32, want [][]float64) (maxDiff, minCos float64, worst int) {
	minCos = 2
	for i := range got {
		var dot, ng, nw float64
		for j, w := range want[i] {
			g := float64(got[i][j])
			if d := math.Abs(g - w); d > maxDiff {
				maxDiff, worst = d, i
			}
			dot += g * w
			ng += g * g
			nw += w * w
		}
		minCos = min(minCos, dot/math.Sqrt(ng*nw))
	}
	return maxDiff, minCos, worst
}

// Tolerances against the float64 PyTorch reference.
const (
	maxAbsDiff = 1e-5
	minCosine  = 0.99999
)

// checkReference embeds every reference sentence with the model in dir and holds the
// result to the reference, for mean pooling with normalisation (the folder's pipeline)
// and for raw [CLS] pooling.
func checkReference(t *testing.T, dir string, threads int) {
	m, err := Load(dir, Options{Threads: threads})
	if err != nil {
		t.Fatal(err)
	}
	ref := readReference(t, dir)
	if m.MaxTokens() != ref.MaxSeqLength {
		t.Fatalf("max tokens %d, reference %d", m.MaxTokens(), ref.MaxSeqLength)
	}
	texts := make([]string, len(ref.Cases))
	var mean, cls [][]float64
	for i, c := range ref.Cases {
		texts[i] = c.Text
		if got := m.Tokenizer().Encode(c.Text, m.MaxTokens()); !slices.Equal(got, c.IDs) {
			t.Fatalf("case %d %q: ids %v, reference %v", i, shorten(c.Text), got, c.IDs)
		}
		mean = append(mean, c.Mean)
		cls = append(cls, c.CLS)
	}
	got, err := m.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	d, cos, worst := compare(got, mean)
	t.Logf("%s, %d threads, mean+normalize: max |diff| %.3g (case %d), min cosine 1-%.3g over %d sentences", m.Describe(), threads, d, worst, 1-cos, len(texts))
	if d > maxAbsDiff || cos < minCosine {
		t.Errorf("mean pooling: max |diff| %.3g (limit %g), min cosine %.9f (limit %g)", d, maxAbsDiff, cos, minCosine)
	}
	m.pipe.Pooling, m.pipe.Normalize = PoolCLS, false
	got, err = m.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	d, cos, worst = compare(got, cls)
	t.Logf("raw [CLS]: max |diff| %.3g (case %d), min cosine 1-%.3g", d, worst, 1-cos)
	// The raw [CLS] vector is a LayerNorm output of size about √hidden, not unit length:
	// hold it to the same relative accuracy.
	if d > maxAbsDiff*math.Sqrt(float64(m.Dim())) || cos < minCosine {
		t.Errorf("cls pooling: max |diff| %.3g, min cosine %.9f", d, cos)
	}
}

func shorten(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// TestReferenceTiny holds the committed small random model to its PyTorch reference.
func TestReferenceTiny(t *testing.T) {
	for _, threads := range []int{1, 2, 3} {
		checkReference(t, filepath.Join("testdata", "tiny"), threads)
	}
}

// TestReferenceFull holds a full-size model made by hand with make_reference.py (without
// --small) to its reference; VAJRA_BERT_REFERENCE names its folder.
func TestReferenceFull(t *testing.T) {
	dir := os.Getenv("VAJRA_BERT_REFERENCE")
	if dir == "" {
		t.Skip("VAJRA_BERT_REFERENCE not set; skipping the full-size reference check")
	}
	checkReference(t, dir, 0)
}
