package vajra

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// reflectJSON is the encoding/json rendering MarshalJSON must match.
func reflectJSON(r Results) ([]byte, error) {
	type plain Results
	if r.Hits == nil {
		r.Hits = []Hit{}
	}
	if r.Terms == nil {
		r.Terms = []string{}
	}
	return json.Marshal(struct {
		plain
		TookMS float64 `json:"took_ms"`
	}{plain(r), float64(r.Took.Nanoseconds()) / 1e6})
}

var trickyStrings = []string{"", "plain", "Café <b>&</b> \"quoted\" \\ back", "tab\there\nnew\rline\b\f\x00\x1f",
	"line\u2028sep\u2029", "bad \xff\xfe utf8", "emoji 😀 and ünïcode", "</script>"}

func randomFloat(r *rand.Rand) float64 {
	switch r.IntN(8) {
	case 0:
		return 0
	case 1:
		return math.Copysign(0, -1)
	case 2:
		return float64(r.IntN(1000))
	case 3:
		return r.Float64() * 1e-9
	case 4:
		return r.NormFloat64() * 1e22
	case 5:
		return -r.Float64()
	case 6:
		return 1e21
	}
	return r.NormFloat64()
}

func randomMetaValue(r *rand.Rand, depth int) any {
	switch r.IntN(7) {
	case 0:
		return nil
	case 1:
		return trickyStrings[r.IntN(len(trickyStrings))]
	case 2:
		return r.IntN(2) == 0
	case 3:
		return randomFloat(r)
	case 4:
		if depth < 3 {
			a := make([]any, r.IntN(3))
			for i := range a {
				a[i] = randomMetaValue(r, depth+1)
			}
			return a
		}
	case 5:
		if depth < 3 {
			m := map[string]any{}
			for range r.IntN(4) {
				m[trickyStrings[r.IntN(len(trickyStrings))]] = randomMetaValue(r, depth+1)
			}
			return m
		}
	}
	return "x"
}

func randomSide(r *rand.Rand) *Side {
	if r.IntN(3) == 0 {
		return nil
	}
	return &Side{Rank: r.IntN(100), Score: randomFloat(r), Contribution: randomFloat(r)}
}

func randomRanges(r *rand.Rand) [][2]int {
	if r.IntN(3) == 0 {
		return nil
	}
	out := make([][2]int, r.IntN(3))
	for i := range out {
		out[i] = [2]int{r.IntN(100), r.IntN(100)}
	}
	return out
}

func randomResults(r *rand.Rand) Results {
	res := Results{Mode: Mode(trickyStrings[r.IntN(len(trickyStrings))]), TotalCandidates: r.IntN(1000),
		Took: time.Duration(r.Int64N(int64(time.Second)))}
	if r.IntN(4) > 0 {
		res.Terms = []string{}
		for range r.IntN(4) {
			res.Terms = append(res.Terms, trickyStrings[r.IntN(len(trickyStrings))])
		}
	}
	res.HasMore = r.IntN(2) == 0
	if r.IntN(2) == 0 {
		n := r.IntN(1000)
		res.TotalMatches = &n
	}
	if r.IntN(2) == 0 {
		res.Fusion = &FusionInfo{Method: FusionMethod(trickyStrings[r.IntN(len(trickyStrings))]), LexicalWeight: randomFloat(r),
			RRFK: randomFloat(r), Depth: r.IntN(1000)}
	}
	if r.IntN(3) == 0 {
		res.Explanations = []Explanation{}
		for range r.IntN(3) {
			res.Explanations = append(res.Explanations, Explanation{ID: trickyStrings[r.IntN(len(trickyStrings))], Mode: res.Mode,
				Score: randomFloat(r), Rank: r.IntN(50), Vector: &VectorExplanation{Metric: "l2", Similarity: randomFloat(r)}})
		}
	}
	if r.IntN(5) == 0 {
		return res
	}
	res.Hits = []Hit{}
	for range r.IntN(5) {
		h := Hit{ID: trickyStrings[r.IntN(len(trickyStrings))], Score: randomFloat(r), Title: trickyStrings[r.IntN(len(trickyStrings))],
			Lexical: randomSide(r), Vector: randomSide(r)}
		if r.IntN(2) == 0 {
			h.Metadata = map[string]any{}
			for range r.IntN(4) {
				h.Metadata[trickyStrings[r.IntN(len(trickyStrings))]] = randomMetaValue(r, 0)
			}
		}
		if r.IntN(2) == 0 {
			h.Snippet = &Snippet{Text: trickyStrings[r.IntN(len(trickyStrings))], Highlights: randomRanges(r), TitleHighlights: randomRanges(r)}
		}
		if r.IntN(2) == 0 {
			ex := &Explanation{ID: h.ID, Mode: res.Mode, Score: randomFloat(r), Rank: r.IntN(50), LexicalSide: randomSide(r), VectorSide: randomSide(r)}
			if r.IntN(2) == 0 {
				le := &LexicalExplanation{Score: randomFloat(r), Docs: r.Uint64()}
				if r.IntN(3) > 0 {
					le.FieldWeights = []int{r.IntN(5), r.IntN(5)}
				}
				if r.IntN(3) > 0 {
					le.Fields = []string{trickyStrings[r.IntN(len(trickyStrings))], "content"}
				}
				if r.IntN(3) > 0 {
					le.Terms = []TermExplanation{}
					for range r.IntN(3) {
						t := TermExplanation{Term: trickyStrings[r.IntN(len(trickyStrings))], Weight: float32(randomFloat(r)), TF: r.Uint32(),
							DF: r.Uint64(), IDF: randomFloat(r), DL: r.Uint32(), AvgDL: randomFloat(r), K1: randomFloat(r), B: randomFloat(r), Contribution: randomFloat(r)}
						if r.IntN(2) == 0 {
							t.FieldTF = []uint32{r.Uint32(), 0}
						}
						le.Terms = append(le.Terms, t)
					}
				}
				ex.Lexical = le
			}
			if r.IntN(2) == 0 {
				ex.Vector = &VectorExplanation{Metric: "cosine", Similarity: randomFloat(r)}
			}
			h.Explain = ex
		}
		res.Hits = append(res.Hits, h)
	}
	return res
}

func TestResultsJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for i := range 3000 {
		res := randomResults(r)
		want, werr := reflectJSON(res)
		got, gerr := res.MarshalJSON()
		if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n got %s (%v)\nwant %s (%v)", i, got, gerr, want, werr)
		}
		var back Results
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("case %d: does not read back: %v", i, err)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		res := Results{Hits: []Hit{{ID: "x", Score: bad}}}
		if _, err := res.MarshalJSON(); err == nil {
			t.Errorf("score %v encoded", bad)
		}
	}
}

// TestResultsJSONCoversEveryField fails when a field is added to the result types without
// being added to the hand-written encoder: a fully filled value must encode as encoding/json
// encodes it.
func TestResultsJSONCoversEveryField(t *testing.T) {
	matches := 7
	full := Results{Mode: Hybrid, Terms: []string{"a"}, TotalCandidates: 3, HasMore: true, TotalMatches: &matches,
		Fusion:       &FusionInfo{Method: "rrf", LexicalWeight: 0.5, RRFK: 60, Depth: 100},
		Explanations: []Explanation{{ID: "2", Mode: Hybrid, Score: 0.5, Rank: 9, Vector: &VectorExplanation{Metric: "cosine", Similarity: 0.25}}},
		Took:         time.Millisecond, Hits: []Hit{{
			ID: "1", Score: 1, Title: "t", Metadata: map[string]any{"k": "v"},
			Snippet: &Snippet{Text: "s", Highlights: [][2]int{{0, 1}}, TitleHighlights: [][2]int{{0, 1}}},
			Lexical: &Side{Rank: 1, Score: 2, Contribution: 3}, Vector: &Side{Rank: 4, Score: 5, Contribution: 6},
			Explain: &Explanation{ID: "1", Mode: Hybrid, Score: 1, Rank: 1,
				Lexical: &LexicalExplanation{Score: 1, Docs: 2, FieldWeights: []int{2, 1}, Fields: []string{"title", "content"},
					Terms: []TermExplanation{{Term: "a", Weight: 1, TF: 2, FieldTF: []uint32{1, 1}, DF: 3, IDF: 1.5, DL: 10, AvgDL: 9, K1: 1.2, B: 0.75, Contribution: 1}}},
				Vector:      &VectorExplanation{Metric: "cosine", Similarity: 0.5},
				LexicalSide: &Side{Rank: 1, Score: 2, Contribution: 3}, VectorSide: &Side{Rank: 4, Score: 5, Contribution: 6}},
		}}}
	want, _ := reflectJSON(full)
	got, err := full.MarshalJSON()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// Every field is set: the encoding has no empty or zero member left.
	for _, empty := range []string{`null`, `""`, `:0,`, `:0}`, `[]`} {
		if strings.Contains(string(want), empty) {
			t.Fatalf("the full value leaves %s in %s: fill the new field", empty, want)
		}
	}
}

func FuzzResultsJSON(f *testing.F) {
	f.Add("id", "title <&>", "snippet\u2028", 1.5, float32(0.25))
	f.Add("\xff", "\x00", "", 1e-7, float32(1e21))
	f.Fuzz(func(t *testing.T, id, title, text string, score float64, weight float32) {
		res := Results{Mode: Lexical, Terms: []string{text}, Hits: []Hit{{ID: id, Title: title, Score: score,
			Metadata: map[string]any{title: text, id: score},
			Snippet:  &Snippet{Text: text},
			Explain:  &Explanation{ID: id, Lexical: &LexicalExplanation{Terms: []TermExplanation{{Term: text, Weight: weight}}}}}}}
		want, werr := reflectJSON(res)
		got, gerr := res.MarshalJSON()
		if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("got %s (%v)\nwant %s (%v)", got, gerr, want, werr)
		}
	})
}
