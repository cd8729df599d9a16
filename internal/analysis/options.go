package analysis

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Names accepted by Options.Stopwords and Options.Stemmer.
const (
	StopwordsEnglish = "english" // the Snowball English stop list (the default)
	StopwordsLucene  = "lucene"  // Lucene's classic 33-word English stop set
	StopwordsNone    = "none"    // keep every word

	StemmerEnglish = "english" // Snowball English (Porter2), the default
	StemmerPorter  = "porter"  // the original Porter (1980) algorithm, as Lucene's PorterStemFilter
	StemmerNone    = "none"    // no stemming
)

// DefaultMaxTokenBytes is the default Options.MaxTokenBytes. Real words are far shorter; the
// limit keeps base64 blobs, long URLs and run-together garbage out of the term dictionary.
const DefaultMaxTokenBytes = 64

// MaxMaxTokenBytes is the largest Options.MaxTokenBytes accepted.
const MaxMaxTokenBytes = 4096

// ErrInvalidOptions is wrapped by every error Options.Validate and New return.
var ErrInvalidOptions = errors.New("invalid analysis options")

// Options configure an Analyzer. The zero value is the default English pipeline: Snowball
// English stop list, Snowball English stemmer, accents kept, no joined compounds, words over
// DefaultMaxTokenBytes dropped. Documents and the queries run against them must use the
// same Options.
type Options struct {
	// Stopwords: "" or "english" = the Snowball English stop list (174 words, contractions
	// included); "lucene" = Lucene's classic 33-word English stop set; "none" = keep every
	// word; anything else = a comma-separated custom list (entries are trimmed and normalised
	// like text, so "Über" in the list removes "über" and "ÜBER").
	Stopwords string
	// Stemmer: "" or "english" = Snowball English (Porter2); "porter" = the original Porter
	// algorithm; "none" = no stemming.
	Stemmer string
	// FoldAccents removes diacritics ("café" → "cafe"). Off by default: accents are kept.
	FoldAccents bool
	// Compounds also emits the joined form of hyphenated and dotted-word compounds
	// ("x-ray" → x, ray AND xray; "COVID-19" → covid, 19 AND covid19) at the position of the
	// first part. Off by default; the parts are always emitted.
	Compounds bool
	// MaxTokenBytes drops words longer than this many bytes after folding (before stemming).
	// 0 means DefaultMaxTokenBytes (64); at most MaxMaxTokenBytes.
	MaxTokenBytes int
}

// EnsureDefaults replaces zero values with the defaults, so Options() of an Analyzer always
// names its stopword list and stemmer explicitly.
func (o *Options) EnsureDefaults() {
	if o.Stopwords == "" {
		o.Stopwords = StopwordsEnglish
	}
	if o.Stemmer == "" {
		o.Stemmer = StemmerEnglish
	}
	if o.MaxTokenBytes == 0 {
		o.MaxTokenBytes = DefaultMaxTokenBytes
	}
}

// Validate reports options New would reject. Zero values are valid (they mean the defaults).
func (o Options) Validate() error {
	switch o.Stemmer {
	case "", StemmerEnglish, StemmerPorter, StemmerNone:
	default:
		return fmt.Errorf("%w: unknown stemmer %q (want %q, %q or %q)", ErrInvalidOptions, o.Stemmer, StemmerEnglish, StemmerPorter, StemmerNone)
	}
	if o.MaxTokenBytes < 0 || o.MaxTokenBytes > MaxMaxTokenBytes {
		return fmt.Errorf("%w: MaxTokenBytes %d out of range [0, %d]", ErrInvalidOptions, o.MaxTokenBytes, MaxMaxTokenBytes)
	}
	if _, err := customStopwords(o.Stopwords); err != nil {
		return err
	}
	return nil
}

// customStopwords splits a custom stopword list into its raw entries; it returns nil for
// the named lists.
func customStopwords(spec string) ([]string, error) {
	switch spec {
	case "", StopwordsEnglish, StopwordsLucene, StopwordsNone:
		return nil, nil
	}
	var out []string
	for _, e := range strings.Split(spec, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if strings.IndexFunc(e, unicode.IsSpace) >= 0 {
			return nil, fmt.Errorf("%w: stopword %q contains a space (the list is comma-separated)", ErrInvalidOptions, e)
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: stopword list %q has no words", ErrInvalidOptions, spec)
	}
	return out, nil
}
