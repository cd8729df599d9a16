package corpus

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzScanJSONL feeds arbitrary streams to ScanJSONL (with and without SkipBad, with a
// small line limit) and every line to the scanner and to encoding/json: no panics, sane
// reports and documents, and the same verdict and document as the oracle.
func FuzzScanJSONL(f *testing.F) {
	seeds := []string{
		`{"_id":"1","title":"t","text":"x","metadata":{}}`,
		"{\"_id\":2,\"vector\":[1,2.5,-3e2]}\n{\"id\":\"a\",\"content\":\"\\ud83d\\ude00\"}\n\n",
		`{"_id":"1","x":{"y":[true,false,null]},"metadata":{"x":1}}`,
		`{"_id":"\u005f","_id":null,"id":"z"}`, "{\"_id\":\"1\"}\r\n{bad}\n", `[1]`, `{"a":"\ud800"}`,
		"\xEF\xBB\xBF{\"_id\":\"bom\"}",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Add(gzipBytes(f, seeds[1]))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []ReadOptions{{}, {SkipBad: true, MaxLineBytes: 64}} {
			calls := 0
			rep, err := ScanJSONL(context.Background(), bytes.NewReader(data), "fuzz.jsonl", opts, func(d Document) error {
				calls++
				if d.ID == "" {
					t.Fatal("empty id")
				}
				for _, s := range []string{d.ID, d.Title, d.Content} {
					if !utf8.ValidString(s) {
						t.Fatalf("invalid UTF-8 in %q", s)
					}
				}
				for _, v := range d.Vector {
					if math.IsInf(float64(v), 0) || math.IsNaN(float64(v)) {
						t.Fatalf("non-finite vector element in %v", d.Vector)
					}
				}
				return nil
			})
			if calls != rep.Kept || rep.Kept != rep.Read {
				t.Fatalf("%d calls, report %+v", calls, rep)
			}
			if rep.Read+rep.Bad > rep.Lines+1 || len(rep.BadErrors) > MaxBadErrors || len(rep.BadErrors) > rep.Bad {
				t.Fatalf("inconsistent report %+v", rep)
			}
			if opts.SkipBad && err != nil && !strings.HasPrefix(err.Error(), "fuzz.jsonl") {
				t.Fatalf("error without the file name: %v", err)
			}
		}
		if len(data) > 0 && data[0] == 0x1f {
			return // compressed input: its lines are not the bytes below
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			line = trimEOL(line)
			if isBlank(line) {
				continue
			}
			if err := compareWithReference(line); err != nil {
				t.Fatal(err)
			}
		}
	})
}
