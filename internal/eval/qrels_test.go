package eval

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/testutil"
)

func TestReadQrels(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    Qrels
		wantErr string // substring of the error; empty means success
	}{
		{
			name: "beir with header",
			in:   "query-id\tcorpus-id\tscore\n1\t31715818\t1\n1\t42\t2\n3\t14717500\t1\n",
			want: Qrels{"1": {"31715818": 1, "42": 2}, "3": {"14717500": 1}},
		},
		{
			name: "beir without header, CRLF, blank lines",
			in:   "q1\td1\t1\r\n\r\nq1\td2\t0\r\n",
			want: Qrels{"q1": {"d1": 1, "d2": 0}},
		},
		{
			name: "trec four columns",
			in:   "1 0 184 2\n1 0 29 -1\n2 Q0 12 1\n",
			want: Qrels{"1": {"184": 2, "29": -1}, "2": {"12": 1}},
		},
		{
			name: "ids with spaces inside tab columns",
			in:   "q 1\tdoc a\t3\n",
			want: Qrels{"q 1": {"doc a": 3}},
		},
		{
			name: "identical duplicate accepted",
			in:   "q\td\t1\nq\td\t1\n",
			want: Qrels{"q": {"d": 1}},
		},
		{name: "empty input", in: "", want: Qrels{}},
		{name: "conflicting duplicate", in: "q\td\t1\nq\td\t2\n", wantErr: `line 2: query "q" document "d" judged 2 here and 1 before`},
		{name: "too few fields", in: "q\td\n", wantErr: "line 1: 2 fields"},
		{name: "non-integer score", in: "q\td\t1\nq\te\thigh\n", wantErr: `line 2: score "high" is not an integer`},
		{name: "header only on line 1", in: "q\td\t1\nquery-id\tcorpus-id\tscore\n", wantErr: "line 2:"},
		{name: "empty id", in: "\td\t1\n", wantErr: "line 1: empty query or document id"},
		{name: "too long", in: strings.Repeat("x", maxQrelsLine+10), wantErr: "line 1: longer than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadQrels(strings.NewReader(c.in))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !errors.Is(err, ErrQrels) {
					t.Fatalf("err = %v, want one containing %q and wrapping ErrQrels", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !maps.EqualFunc(got, c.want, func(a, b map[string]int) bool { return maps.Equal(a, b) }) {
				t.Fatalf("got %v want %v", got, c.want)
			}
		})
	}
}

// TestSharedQrels reads the shared BEIR qrels and checks the counts their READMEs state, and
// that the ideal ranking of every query scores 1.
func TestSharedQrels(t *testing.T) {
	cases := []struct {
		data, file    string
		queries, rows int
		grades        map[int]int // grade → rows, when checked
	}{
		{"scifact", "test.tsv", 300, 339, map[int]int{1: 339}},
		{"cranfield", "test.tsv", 225, 1612, map[int]int{4: 128, 3: 387, 2: 734, 1: 363}},
	}
	for _, c := range cases {
		t.Run(c.data, func(t *testing.T) {
			dir := testutil.SharedData(t, c.data)
			f, err := os.Open(filepath.Join(dir, "qrels", c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			q, err := ReadQrels(f)
			if err != nil {
				t.Fatal(err)
			}
			rows, grades := 0, map[int]int{}
			runs := map[string][]string{}
			for id, rel := range q {
				rows += len(rel)
				for doc, g := range rel {
					grades[g]++
					runs[id] = append(runs[id], doc)
				}
				// ideal ranking: by grade, descending
				r := runs[id]
				for i := range r {
					for j := i + 1; j < len(r); j++ {
						if rel[r[j]] > rel[r[i]] {
							r[i], r[j] = r[j], r[i]
						}
					}
				}
			}
			if len(q) != c.queries || rows != c.rows || !maps.Equal(grades, c.grades) {
				t.Fatalf("%d queries, %d rows, grades %v; want %d, %d, %v", len(q), rows, grades, c.queries, c.rows, c.grades)
			}
			s := Evaluate(runs, q)
			if s.Queries != c.queries || s.NDCG10 < 1-1e-12 || s.MRR10 != 1 || s.Recall100 != 1 {
				t.Fatalf("ideal runs: %+v", s)
			}
		})
	}
}

// FuzzReadQrels: arbitrary bytes either parse into judgments with non-empty ids or fail with
// ErrQrels; never panic.
func FuzzReadQrels(f *testing.F) {
	f.Add([]byte("query-id\tcorpus-id\tscore\n1\t31715818\t1\n"))
	f.Add([]byte("1 0 184 2\n1 0 29 -1\n"))
	f.Add([]byte("q\td\t1\nq\td\t2\n"))
	f.Add([]byte("\t\t\n \n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := ReadQrels(strings.NewReader(string(data)))
		if err != nil {
			if !errors.Is(err, ErrQrels) {
				t.Fatalf("error %v does not wrap ErrQrels", err)
			}
			return
		}
		for id, rel := range q {
			if id == "" || len(rel) == 0 {
				t.Fatalf("empty query id or judgment set: %q %v", id, rel)
			}
			for doc := range rel {
				if doc == "" {
					t.Fatalf("empty document id for %q", id)
				}
			}
			_ = NDCG([]string{id}, rel, 10)
		}
	})
}
