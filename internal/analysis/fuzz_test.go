package analysis

import "testing"

// FuzzAnalyze checks, for arbitrary bytes and several option sets, that analysis never
// panics, that offsets stay inside the input, that terms are non-empty valid UTF-8, that
// positions never decrease, and that AppendTerms agrees with AppendTokens.
func FuzzAnalyze(f *testing.F) {
	for _, s := range sampleTexts {
		f.Add(s)
	}
	for _, s := range []string{"", "-", "a-", "-a", "a--b", "a.b.c", "'s", "x's's", "\u0301", "a\u00ad-\u00adb",
		"İ", "ǅ", "ﬁ", "1.-2", "e.g.-x", "\x80", "a\u200db"} {
		f.Add(s)
	}
	var analyzers []*Analyzer
	for _, o := range []Options{
		{}, {Compounds: true, FoldAccents: true}, {Stopwords: StopwordsNone, Stemmer: StemmerNone, Compounds: true},
		{Stemmer: StemmerPorter, Stopwords: StopwordsLucene, MaxTokenBytes: 2},
	} {
		analyzers = append(analyzers, mustNew(f, o))
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, a := range analyzers {
			checkTokens(t, a, text)
		}
	})
}
