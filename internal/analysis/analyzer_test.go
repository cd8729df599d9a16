package analysis

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func mustNew(t testing.TB, o Options) *Analyzer {
	t.Helper()
	a, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// tok is a Token shown by the source text it points at.
type tok struct {
	Term, Source string
	Pos          int
}

func sourced(text string, toks []Token) []tok {
	out := make([]tok, len(toks))
	for i, t := range toks {
		out[i] = tok{t.Term, text[t.Start:t.End], t.Pos}
	}
	return out
}

func TestTokenOffsets(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		text string
		want []tok
	}{
		{"plain", Options{}, "The Quick  fox", []tok{{"quick", "Quick", 1}, {"fox", "fox", 2}}},
		{"accented", Options{}, "¿Qué tal, García?", []tok{{"qué", "Qué", 0}, {"tal", "tal", 1}, {"garcía", "García", 2}}},
		{"decomposed", Options{FoldAccents: true}, "cafe\u0301 noir", []tok{{"cafe", "cafe\u0301", 0}, {"noir", "noir", 1}}},
		{"possessive", Options{}, "the fox’s den", []tok{{"fox", "fox’s", 1}, {"den", "den", 2}}},
		{"hyphen", Options{}, "x-ray", []tok{{"x", "x", 0}, {"ray", "ray", 1}}},
		{"compound", Options{Compounds: true}, "an x-ray scan", []tok{
			{"x", "x", 1}, {"xray", "x-ray", 1}, {"ray", "ray", 2}, {"scan", "scan", 3}}},
		{"compound stopword parts", Options{Compounds: true}, "state-of-the-art", []tok{
			{"state", "state", 0}, {"stateoftheart", "state-of-the-art", 0}, {"art", "art", 3}}},
		{"compound with number", Options{Compounds: true}, "COVID-19 cases", []tok{
			{"covid", "COVID", 0}, {"covid19", "COVID-19", 0}, {"19", "19", 1}, {"case", "cases", 2}}},
		{"dotted", Options{}, "see example.com now", []tok{
			{"see", "see", 0}, {"exampl", "example", 1}, {"com", "com", 2}, {"now", "now", 3}}},
		{"dotted compound", Options{Compounds: true}, "node.js", []tok{
			{"node", "node", 0}, {"nodej", "node.js", 0}, {"js", "js", 1}}},
		{"acronym", Options{}, "the U.S.A. team", []tok{{"usa", "U.S.A", 1}, {"team", "team", 2}}},
		{"number", Options{}, "pi is 3.14, not 1,000", []tok{{"pi", "pi", 0}, {"3.14", "3.14", 2}, {"1,000", "1,000", 4}}},
		{"cjk", Options{}, "中文 テキスト", []tok{{"中", "中", 0}, {"文", "文", 1}, {"テキスト", "テキスト", 2}}},
		{"emoji skipped", Options{}, "go 🚀 fast", []tok{{"go", "go", 0}, {"fast", "fast", 1}}},
		{"multibyte before", Options{}, "ééé abc", []tok{{"ééé", "ééé", 0}, {"abc", "abc", 1}}},
		{"too long dropped", Options{MaxTokenBytes: 4}, "tiny enormous ok", []tok{{"tini", "tiny", 0}, {"ok", "ok", 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustNew(t, tt.opts)
			got := sourced(tt.text, a.AppendTokens(nil, tt.text))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("AppendTokens(%q)\n got %v\nwant %v", tt.text, got, tt.want)
			}
		})
	}
}

// checkTokens asserts the invariants every token list must keep.
func checkTokens(t *testing.T, a *Analyzer, text string) {
	t.Helper()
	toks := a.AppendTokens(nil, text)
	prevPos := 0
	for i, tk := range toks {
		if tk.Term == "" {
			t.Fatalf("%q: token %d has an empty term", text, i)
		}
		if !utf8.ValidString(tk.Term) {
			t.Fatalf("%q: token %d term %q is not valid UTF-8", text, i, tk.Term)
		}
		if tk.Start < 0 || tk.Start > tk.End || tk.End > len(text) {
			t.Fatalf("%q: token %d offsets [%d,%d) out of [0,%d]", text, i, tk.Start, tk.End, len(text))
		}
		if tk.Pos < prevPos {
			t.Fatalf("%q: token %d position %d after %d", text, i, tk.Pos, prevPos)
		}
		prevPos = tk.Pos
		if len(tk.Term) > a.opts.MaxTokenBytes*4 {
			t.Fatalf("%q: token %d term of %d bytes", text, i, len(tk.Term))
		}
	}
	terms := a.AppendTerms(nil, text)
	if len(terms) != len(toks) {
		t.Fatalf("%q: %d terms but %d tokens", text, len(terms), len(toks))
	}
	for i := range terms {
		if terms[i] != toks[i].Term {
			t.Fatalf("%q: term %d is %q, token says %q", text, i, terms[i], toks[i].Term)
		}
	}
}

var sampleTexts = []string{
	"The quick brown fox's x-rays, COVID-19 and the U.S.A. in 3.14 seconds.",
	"Ünïcödé naïve café García Straße ΣΊΣΥΦΟΣ İstanbul",
	"日本語のテキスト 中文搜索引擎 한국어 텍스트 ภาษาไทย",
	"state-of-the-art e-mail example.com snake_case don't won’t 👍🏽 🇯🇵",
	"a-b-c-d-e-f x--y -lead trail- 1-2 3.4-5.6 U.S.-based",
	"invalid \xff\xfe bytes a\xffb 1\xff2",
}

func TestInvariants(t *testing.T) {
	for _, o := range []Options{
		{}, {Compounds: true}, {FoldAccents: true, Compounds: true},
		{Stopwords: StopwordsNone, Stemmer: StemmerNone}, {Stemmer: StemmerPorter, MaxTokenBytes: 3},
	} {
		a := mustNew(t, o)
		for _, s := range sampleTexts {
			checkTokens(t, a, s)
		}
	}
}

func TestAppendExtendsDst(t *testing.T) {
	a := mustNew(t, Options{})
	terms := a.AppendTerms([]string{"keep"}, "running dogs")
	if want := []string{"keep", "run", "dog"}; !reflect.DeepEqual(terms, want) {
		t.Errorf("AppendTerms = %v, want %v", terms, want)
	}
	toks := a.AppendTokens([]Token{{Term: "keep"}}, "dogs")
	if len(toks) != 2 || toks[0].Term != "keep" || toks[1].Term != "dog" {
		t.Errorf("AppendTokens = %v", toks)
	}
}

func TestOptions(t *testing.T) {
	a := mustNew(t, Options{})
	want := Options{Stopwords: StopwordsEnglish, Stemmer: StemmerEnglish, MaxTokenBytes: DefaultMaxTokenBytes}
	if got := a.Options(); got != want {
		t.Errorf("Options() = %+v, want %+v", got, want)
	}
	valid := []Options{{}, want, {Stopwords: "none", Stemmer: "none"}, {Stopwords: "lucene", Stemmer: "porter"},
		{Stopwords: " foo , bar ,"}, {MaxTokenBytes: MaxMaxTokenBytes}}
	for _, o := range valid {
		if err := o.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", o, err)
		}
		if _, err := New(o); err != nil {
			t.Errorf("New(%+v) = %v", o, err)
		}
	}
	invalid := []struct {
		opts Options
		msg  string
	}{
		{Options{Stemmer: "lancaster"}, "unknown stemmer"},
		{Options{MaxTokenBytes: -1}, "out of range"},
		{Options{MaxTokenBytes: MaxMaxTokenBytes + 1}, "out of range"},
		{Options{Stopwords: ", ,"}, "has no words"},
		{Options{Stopwords: "new york,the"}, "contains a space"},
		{Options{Stopwords: "the,\u00ad"}, "empty after folding"},
	}
	for _, tt := range invalid {
		_, err := New(tt.opts)
		if !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("New(%+v) = %v, want ErrInvalidOptions mentioning %q", tt.opts, err, tt.msg)
		}
	}
}

func TestStopwordList(t *testing.T) {
	if n := len(StopwordList("english")); n != 174 {
		t.Errorf("english list has %d words, want 174", n)
	}
	if n := len(StopwordList("lucene")); n != 33 {
		t.Errorf("lucene list has %d words, want 33", n)
	}
	if StopwordList("none") != nil {
		t.Error("StopwordList(none) is not nil")
	}
	l := StopwordList("english")
	l[0] = "changed"
	if StopwordList("english")[0] == "changed" {
		t.Error("StopwordList returns shared storage")
	}
}

func TestCacheBounded(t *testing.T) {
	small, err := newAnalyzer(Options{Compounds: true}, 256)
	if err != nil {
		t.Fatal(err)
	}
	uncached, err := newAnalyzer(Options{Compounds: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&text, "word%c%cing x-%c%c the%d ", 'a'+i%26, 'a'+i/26%26, 'a'+i%26, 'a'+i/676%26, i%7)
	}
	for round := 0; round < 2; round++ {
		got := small.AppendTokens(nil, text.String())
		want := uncached.AppendTokens(nil, text.String())
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: cached and uncached analyzers disagree", round)
		}
	}
	if n := small.cache.len(); n > 256 || n == 0 {
		t.Errorf("cache holds %d words, want 1..256", n)
	}
	if n := uncached.cache.len(); n != 0 {
		t.Errorf("disabled cache holds %d words", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	a := mustNew(t, Options{Compounds: true})
	ref := mustNew(t, Options{Compounds: true})
	want := make([][]Token, len(sampleTexts))
	for i, s := range sampleTexts {
		want[i] = ref.AppendTokens(nil, s)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 50; round++ {
				i := (g + round) % len(sampleTexts)
				if got := a.AppendTokens(nil, sampleTexts[i]); !reflect.DeepEqual(got, want[i]) {
					errs <- fmt.Sprintf("goroutine %d: text %d differs", g, i)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestWarmPathAllocations pins the property the indexer relies on: once the words of a
// text are cached, analysing it again allocates nothing but the output slice.
func TestWarmPathAllocations(t *testing.T) {
	a := mustNew(t, Options{Compounds: true})
	text := "The quick brown fox's x-rays, COVID-19 and the U.S.A. in 3.14 seconds; café García 日本."
	dst := a.AppendTerms(nil, text)
	allocs := testing.AllocsPerRun(100, func() {
		dst = a.AppendTerms(dst[:0], text)
	})
	if allocs != 0 {
		t.Errorf("warm AppendTerms allocates %.1f times per call, want 0", allocs)
	}
}
