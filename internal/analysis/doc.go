// Package analysis owns the conversion of text into index terms: UAX#29 word segmentation,
// Unicode case folding and normalisation, optional accent folding, hyphen and dotted-word
// handling, stopword removal and stemming. Documents and queries go through the same
// Analyzer, so a word typed in a query produces the term that was indexed for it.
//
// It does not own how terms are stored or scored (internal/lexical does) nor where text comes
// from (internal/corpus does).
//
// Usage:
//
//	a, err := analysis.New(analysis.Options{}) // English stopwords, Snowball English stemmer
//	terms := a.AppendTerms(nil, "The foxes' x-rays") // [fox x ray]
//
// The pipeline, per UAX#29 word (segments without a letter or digit, such as punctuation,
// spaces and emoji, are skipped and take no position):
//
//  1. Normalise: ASCII words are lower-cased; other words are NFC-normalised, fully case
//     folded (so "STRASSE" and "straße" agree), stripped of format characters such as the soft
//     hyphen, and typographic apostrophes become "'". With FoldAccents, Latin/Greek/Cyrillic
//     diacritics are removed and a few letters without a decomposition (ø, ł, đ, æ, œ, þ, ð)
//     are spelled in ASCII.
//  2. Split: a word without digits that UAX#29 kept together across dots, colons, middle dots
//     or underscores ("example.com", "snake_case") is split into its parts, each taking its own
//     position; single letters joined by dots ("U.S.A.", "e.g.") form an acronym and become one
//     term ("usa", "eg"). Words with digits ("3.14", "1,000", "v1.2") stay whole. Hyphens
//     always separate words ("x-ray" gives "x" and "ray"); with Options.Compounds the joined
//     form ("xray") is also emitted at the position of the first part.
//  3. Stopwords are removed (their positions stay counted), then a possessive "'s" is
//     removed ("fox's" and "fox" agree even without stemming), then the stopword list is
//     checked again.
//  4. Words longer than Options.MaxTokenBytes after folding are dropped.
//  5. Words containing a digit, or no ASCII letter at all, are not stemmed; the others go
//     through the configured Snowball stemmer.
//
// CJK text does not vanish: UAX#29 yields one Han ideograph or one Hiragana letter per word
// and whole Katakana runs, and each becomes a term.
//
// The result of steps 1–5 for a word depends only on the word, so it is cached per
// Analyzer (bounded, safe for concurrent use): repeated words cost a map lookup and the
// returned term strings are shared, so the ASCII path allocates nothing per token.
package analysis
