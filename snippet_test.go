package vajra

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/analysis"
)

func testAnalyzer(t testing.TB, o analysis.Options) *analysis.Analyzer {
	t.Helper()
	an, err := analysis.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return an
}

// fullFirstMatch is what a snippet centres on when the whole content is tokenised.
func fullFirstMatch(an *analysis.Analyzer, content string, want map[string]bool) int {
	for _, t := range an.AppendTokens(nil, content) {
		if want[t.Term] {
			return t.Start
		}
	}
	return -1
}

// filler returns about n bytes of words that none of the tests' queries match.
func filler(n int, seed uint64) string {
	words := []string{"river", "mountain", "city", "music", "history", "garden", "ocean", "market", "bridge", "castle"}
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.Grow(n + 16)
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(12) == 0 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// TestSnippetBoundedWork is the regression test for snippets whose cost grew with the
// document: a multi-megabyte document's snippet must allocate a bounded amount whether its
// first match is at the start, far past the tokenised prefix, or absent.
func TestSnippetBoundedWork(t *testing.T) {
	an := testAnalyzer(t, analysis.Options{})
	const size = 8 << 20
	body := filler(size, 1)
	cases := []struct {
		name, content, query, word string
	}{
		{"match at start", "Zanzibar spices. " + body, "zanzibar", "Zanzibar"},
		{"match far in", body[:size/2] + " the ZANZIBAR archipelago " + body[size/2:], "zanzibar", "ZANZIBAR"},
		{"stemmed match far in", body[:size-1000] + " Happy travellers " + body[size-1000:], "happiness", "Happy"},
		{"no match", body, "zanzibar", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			terms := an.AppendTerms(nil, c.query)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			sn := makeSnippet(an, c.content, terms, 160)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d MiB document: %d KiB allocated", len(c.content)>>20, alloc>>10)
			if alloc > 1<<20 {
				t.Errorf("snippet of a %d MiB document allocated %d KiB", len(c.content)>>20, alloc>>10)
			}
			if c.word == "" {
				if len(sn.Highlights) != 0 || !strings.HasPrefix(strings.Join(strings.Fields(c.content[:1000]), " "), strings.TrimSuffix(sn.Text, "…")) {
					t.Errorf("no match: want the start without highlights, got %q %v", sn.Text, sn.Highlights)
				}
				return
			}
			if len(sn.Highlights) == 0 || sn.Text[sn.Highlights[0][0]:sn.Highlights[0][1]] != c.word {
				t.Errorf("want %q highlighted in %q, got %v", c.word, sn.Text, sn.Highlights)
			}
		})
	}
}

// TestFirstMatchAgreesWithFullTokenising checks the bounded scan against tokenising the whole
// content: with a tiny scanned prefix, so that most matches are found by the pre-scan, it
// must find the same first match for words spelled in ASCII, and always a real match.
func TestFirstMatchAgreesWithFullTokenising(t *testing.T) {
	an := testAnalyzer(t, analysis.Options{Compounds: true})
	fill := filler(3000, 2)
	cases := []struct {
		query, inserted string
		exact           bool // the pre-scan can see this spelling
	}{
		{"running", "RUNNING", true},
		{"runs", "Runner's run", true},
		{"happiness", "happy", true},
		{"cry", "cries", true},
		{"2020", "in 2020,", true},
		{"x-ray", "X-Ray", true},
		{"coffee", "coffee-house", true},
		{"example", "www.example.com", true},
		{"usa", "U.S.A.", false},
		{"café", "CAFÉ", false},
		{"dying", "dying", false},
	}
	for _, c := range cases {
		terms := an.AppendTerms(nil, c.query)
		want := termSet(terms)
		for _, at := range []int{0, 10, 500, 1500, 2990} {
			content := fill[:at] + " " + c.inserted + " " + fill[at:]
			full := fullFirstMatch(an, content, want)
			if full < 0 {
				t.Fatalf("%q in %q: no match at all", c.query, c.inserted)
			}
			for _, scan := range []int{16, 200, 1 << 20} {
				got := firstMatch(an, content, terms, want, scan, 64)
				switch {
				case got == full:
				case got == -1 && !c.exact:
				default:
					t.Errorf("%q in %q at %d, scan %d: first match at %d, full tokenising says %d", c.query, c.inserted, at, scan, got, full)
				}
			}
		}
	}
}

// TestSnippetHighlightsMatchFull checks that highlights computed on the window agree with
// those of the whole content's tokens, words cut by the window's edges included.
func TestSnippetHighlightsMatchFull(t *testing.T) {
	an := testAnalyzer(t, analysis.Options{Compounds: true})
	content := filler(400, 3) + " coffee-house coffee COFFEE coffeehouse " + strings.Repeat("coffee", 30) + " " + filler(400, 4) + " coffee"
	terms := an.AppendTerms(nil, "coffee house")
	want := termSet(terms)
	for _, width := range []int{10, 37, 80, 160, 1000} {
		sn := makeSnippet(an, content, terms, width)
		for _, r := range sn.Highlights {
			got := an.AppendTerms(nil, sn.Text[r[0]:r[1]])
			if len(got) == 0 || !want[got[0]] {
				t.Errorf("width %d: highlight %q is not a query word", width, sn.Text[r[0]:r[1]])
			}
		}
		if len(sn.Highlights) == 0 {
			t.Errorf("width %d: no highlights in %q", width, sn.Text)
		}
	}
}

// FuzzFirstMatch checks on any text that the bounded scan finds only real matches, and the
// first one whenever that lies in the tokenised prefix.
func FuzzFirstMatch(f *testing.F) {
	f.Add("the Zanzibar archipelago, x-ray café U.S.A. running", "zanzibar running", 8, 4)
	f.Add(strings.Repeat("a", 300)+" b", "b", 1, 1)
	f.Add("ééé\u0301 coffee\u00a0coffee", "coffee", 3, 2)
	an := testAnalyzer(f, analysis.Options{Compounds: true, FoldAccents: true})
	f.Fuzz(func(t *testing.T, content, query string, scan, chunk int) {
		if len(content) > 1<<16 || len(query) > 256 {
			return
		}
		scan, chunk = 1+abs(scan)%4096, 1+abs(chunk)%512
		terms := an.AppendTerms(nil, query)
		want := termSet(terms)
		toks := an.AppendTokens(nil, content)
		full := -1
		starts := map[int]bool{}
		for _, t := range toks {
			if want[t.Term] {
				starts[t.Start] = true
				if full < 0 {
					full = t.Start
				}
			}
		}
		got := firstMatch(an, content, terms, want, scan, chunk)
		if got >= 0 && !starts[got] {
			t.Fatalf("first match %d is no match (full tokenising matches at %v)", got, starts)
		}
		if full >= 0 && full < scan && got != full {
			t.Fatalf("first match %d, full tokenising says %d within the scanned %d bytes", got, full, scan)
		}
		sn := makeSnippet(an, content, terms, 1+abs(scan)%300)
		for _, r := range sn.Highlights {
			if r[0] < 0 || r[0] >= r[1] || r[1] > len(sn.Text) {
				t.Fatalf("highlight %v out of %q", r, sn.Text)
			}
		}
	})
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
