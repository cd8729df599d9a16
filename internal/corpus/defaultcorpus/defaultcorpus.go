// Package defaultcorpus holds the corpus embedded in the Vajra binary so that it runs with
// no downloads: the first 5,000 passages of the shared English Wikipedia passage set, as
// gzip'd JSON Lines. See README.md for its source, licence (CC BY-SA 4.0) and attribution;
// the generator in ./gen reproduces the file byte for byte.
package defaultcorpus

import _ "embed"

//go:generate go run ./gen -src ../../../../shared/data/wikipedia/passages.jsonl.gz -n 5000 -out wikipedia-5k.jsonl.gz

//go:embed wikipedia-5k.jsonl.gz
var wikipedia5k string

// Passages is the number of passages in the embedded corpus.
const Passages = 5000

// GzipJSONL returns the embedded corpus: gzip-compressed JSON Lines, one passage a line
// with "_id", "title" and "text".
func GzipJSONL() string { return wikipedia5k }

// Info is a one-line description with the attribution the licence requires.
const Info = "Wikipedia sample: the first 5,000 passages (about 100 words each) of English Wikipedia articles created in early 2018; " +
	"text by Wikipedia contributors, CC BY-SA 4.0; each passage's title names its article (https://en.wikipedia.org/wiki/<title with spaces as _>)"
