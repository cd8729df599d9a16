package embed

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestDecodeEmbeddings(t *testing.T) {
	tests := []struct {
		name string
		body string
		n    int
		want [][]float32 // nil: must fail with ErrBadResponse
	}{
		{"openai", `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1e-3,2E2]}],"model":"m","usage":{}}`, 1, [][]float32{{0.5, -0.001, 200}}},
		{"whitespace", "{\"data\":[{\"index\":0,\"embedding\":[ 1 ,\n\t2 ]}]}", 1, [][]float32{{1, 2}}},
		{"reordered", `{"data":[{"index":1,"embedding":[2]},{"index":0,"embedding":[1]}]}`, 2, [][]float32{{1}, {2}}},
		{"no indexes", `{"data":[{"embedding":[1]},{"embedding":[2]}]}`, 2, [][]float32{{1}, {2}}},
		{"null error", `{"error":null,"data":[{"index":0,"embedding":[1]}]}`, 1, [][]float32{{1}}},
		{"zero inputs", `{"data":[]}`, 0, [][]float32{}},
		{"underflow is zero", `{"data":[{"index":0,"embedding":[1e-50]}]}`, 1, [][]float32{{0}}},
		{"leading zeros", `{"data":[{"index":0,"embedding":[01]}]}`, 1, nil},
		{"trailing comma", `{"data":[{"index":0,"embedding":[1,]}]}`, 1, nil},
		{"bare NaN", `{"data":[{"index":0,"embedding":[NaN]}]}`, 1, nil},
		{"true", `{"data":[{"index":0,"embedding":[true]}]}`, 1, nil},
		{"nested", `{"data":[{"index":0,"embedding":[[1]]}]}`, 1, nil},
		{"object", `{"data":[{"index":0,"embedding":{"a":1}}]}`, 1, nil},
		{"fractional index", `{"data":[{"index":0.5,"embedding":[1]}]}`, 1, nil},
		{"negative index", `{"data":[{"index":-1,"embedding":[1]}]}`, 1, nil},
		{"data not array", `{"data":{}}`, 1, nil},
		{"top-level array", `[1,2]`, 1, nil},
		{"empty body", ``, 1, nil},
		{"truncated", `{"data":[{"index":0,"embedding":[1,2`, 1, nil},
		{"too many", `{"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[1]}]}`, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeEmbeddings([]byte(tt.body), tt.n)
			if tt.want == nil {
				if !errors.Is(err, ErrBadResponse) {
					t.Fatalf("decode = %v, %v; want ErrBadResponse", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if len(got[i]) != len(tt.want[i]) {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
				for j := range got[i] {
					if got[i][j] != tt.want[i][j] {
						t.Fatalf("got %v, want %v", got, tt.want)
					}
				}
			}
		})
	}
}

func TestIsJSONNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "-0": true, "12": true, "1.5": true, "-1.5e+10": true, "1E-3": true, "0.0": true,
		"": false, "-": false, "01": false, "1.": false, ".5": false, "1e": false, "1e+": false,
		"+1": false, "NaN": false, "Infinity": false, "0x10": false, "1_000": false, `"1"`: false,
	} {
		if got := isJSONNumber([]byte(s)); got != want {
			t.Errorf("isJSONNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzOpenAIResponse(f *testing.F) {
	seeds := []string{
		`{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]},{"object":"embedding","index":1,"embedding":[0.3,0.4]}]}`,
		`{"data":[{"embedding":[1]},{"embedding":[2]}]}`,
		`{"data":[{"index":1,"embedding":[1,"NaN"]},{"index":0,"embedding":[1e39,2]}]}`,
		`{"data":[{"index":0,"embedding":[]},{"index":0,"embedding":null}]}`,
		`{"error":{"message":"x"}}`,
		`{"data":[{"index":0,"embedding":[ -0.0 , 1E-400 ]}]}`,
		`not json`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, body []byte, n uint8) {
		want := int(n % 8)
		vecs, err := decodeEmbeddings(body, want)
		if err != nil {
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("error %v does not wrap ErrBadResponse", err)
			}
			return
		}
		if len(vecs) != want {
			t.Fatalf("%d vectors for %d inputs", len(vecs), want)
		}
		for i, v := range vecs {
			if len(v) == 0 || len(v) != len(vecs[0]) {
				t.Fatalf("vector %d has %d values, vector 0 has %d", i, len(v), len(vecs[0]))
			}
			for _, x := range v {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					t.Fatalf("vector %d holds %v", i, x)
				}
			}
		}
	})
}

func BenchmarkDecodeEmbeddings(b *testing.B) {
	in := make([]string, 64)
	for i := range in {
		in[i] = strings.Repeat("w", i+1)
	}
	items := fakeItems(in, 768)
	body, err := json.Marshal(map[string]any{"object": "list", "data": items})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := decodeEmbeddings(body, len(in)); err != nil {
			b.Fatal(err)
		}
	}
}
