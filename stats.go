package vajra

import (
	"encoding/json"

	"github.com/vajrasearch/vajra/internal/filter"
	"github.com/vajrasearch/vajra/internal/storage"
)

// Stats describes a collection. Its JSON form (MarshalJSON) is snake_case, with the HTTP
// API's names for the figures the API also gives.
type Stats struct {
	Docs           int
	Dir            string
	Generation     uint64
	Analyzer       AnalysisOptions
	K1, B          float64
	TitleWeight    int
	Segments       int
	DeletedInSegs  uint64
	Terms          int
	Postings       uint64
	AvgDocLen      float64
	LexicalBytes   int64
	Embedder       string
	VectorDim      int
	VectorMetric   string
	VectorProfile  string
	Vectors        int
	VectorBytes    int64
	MetadataFields []string
	LogBytes       int64
	// EmbedderInfo names the embedder as the collection was created with it (kind "none"
	// without one); Embedder above is its full description on one line.
	EmbedderInfo EmbedderInfo
	// VectorQuantization is "none", "sq8" or "bq" (see VectorOptions.Quantization).
	VectorQuantization string
	// Metadata describes each metadata field (in MetadataFields' order), for suggesting
	// filters.
	Metadata []MetadataField
}

// EmbedderInfo names a collection's embedder: the settings of Options.Embedder that say
// which model makes the vectors (no key, no client settings), and the dimension.
type EmbedderInfo struct {
	Kind     string `json:"kind"`
	Model    string `json:"model"`
	URL      string `json:"url"`
	ModelDir string `json:"model_dir"`
	Dim      int    `json:"dim"`
}

// MetadataField describes one metadata field: how many documents hold it, the types and
// number of its distinct values, the range of its numbers and a few of its most frequent
// values. Samples come only from the types with at most 1,000 distinct values and skip
// strings over 64 bytes: a field whose values are mostly distinct (an id, a free text) has
// none worth suggesting, and the bound keeps Stats cheap.
type MetadataField struct {
	Name      string `json:"name"`
	Documents int    `json:"documents"`
	// Types are the kinds of values the field holds: "string", "number" and "bool", in
	// that order.
	Types []string `json:"types"`
	// Distinct counts the field's distinct values.
	Distinct int `json:"distinct"`
	// Min and Max are the smallest and largest numbers (nil without numbers).
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
	// Samples are up to five values, most frequent first: strings, float64 numbers and
	// booleans, as a filter compares them.
	Samples []any `json:"samples"`
}

// metadataSamples is how many sample values Stats gives per metadata field.
const metadataSamples = 5

// Stats returns counts and sizes.
func (c *Collection) Stats() (s Stats) {
	var err error
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	c.mu.RLock()
	defer c.mu.RUnlock()
	ls := c.lex.Snapshot().Stats()
	s = Stats{Docs: c.docs.count, Dir: c.dir, Generation: c.gen, Analyzer: c.analyzer.Options(),
		K1: c.opts.K1, B: c.opts.B, TitleWeight: c.opts.TitleWeight,
		Segments: ls.Segments, DeletedInSegs: ls.Deleted, Terms: ls.Terms, Postings: ls.Postings,
		AvgDocLen: ls.AvgDocLen, LexicalBytes: ls.EncodedBytes}
	if meta, err := c.metaIndexLocked(); err == nil {
		s.MetadataFields = meta.Fields()
		s.Metadata = metadataFields(meta.Summaries(metadataSamples))
	}
	eo := c.opts.Embedder
	s.EmbedderInfo = EmbedderInfo{Kind: eo.Kind, Model: eo.Model, URL: eo.URL, ModelDir: eo.ModelDir, Dim: eo.Dim}
	if s.EmbedderInfo.Kind == "" {
		s.EmbedderInfo.Kind = EmbedderNone
	}
	if c.embedder != nil {
		s.Embedder = c.embedder.Spec().String()
		s.VectorMetric = c.opts.Vector.Metric
		s.VectorProfile = c.opts.Vector.Profile
		s.VectorQuantization = c.opts.Vector.Quantization
		if s.VectorQuantization == "" {
			s.VectorQuantization = "none"
		}
	}
	if c.vec != nil {
		s.VectorDim = c.vec.Options().Dim
		s.Vectors = c.vec.Len()
		s.VectorBytes = c.vec.MemoryBytes()
	}
	if s.VectorDim != 0 {
		s.EmbedderInfo.Dim = s.VectorDim
	}
	if c.wal != nil {
		s.LogBytes = c.wal.Size()
	}
	return s
}

func metadataFields(sums []filter.FieldSummary) []MetadataField {
	out := make([]MetadataField, len(sums))
	for i, fs := range sums {
		f := MetadataField{Name: fs.Field, Documents: fs.Docs, Types: []string{},
			Distinct: fs.Strings + fs.Numbers + fs.Bools, Samples: make([]any, len(fs.Samples))}
		for _, t := range []struct {
			name string
			n    int
		}{{"string", fs.Strings}, {"number", fs.Numbers}, {"bool", fs.Bools}} {
			if t.n > 0 {
				f.Types = append(f.Types, t.name)
			}
		}
		if fs.Numbers > 0 {
			f.Min, f.Max = &fs.Min, &fs.Max
		}
		for j, v := range fs.Samples {
			switch v.Kind {
			case filter.KindString:
				f.Samples[j] = v.Str
			case filter.KindNumber:
				f.Samples[j] = v.Num
			default:
				f.Samples[j] = v.Bool
			}
		}
		out[i] = f
	}
	return out
}

// Modes returns the search modes the collection described answers.
func (s Stats) Modes() []Mode {
	if s.Embedder == "" {
		return []Mode{Lexical}
	}
	return []Mode{Lexical, Vector, Hybrid}
}

// MarshalJSON writes the stats in snake_case: the HTTP API's names where it reports the same
// figure (documents, dimension, modes, embedder, terms, vectors, metric, profile, segments,
// log_bytes, generation, metadata_fields, metadata), and the rest under names of their own.
func (s Stats) MarshalJSON() ([]byte, error) {
	type analysis struct {
		Stopwords     string `json:"stopwords"`
		Stemmer       string `json:"stemmer"`
		FoldAccents   bool   `json:"fold_accents"`
		Compounds     bool   `json:"compounds"`
		MaxTokenBytes int    `json:"max_token_bytes"`
	}
	fields, meta := s.MetadataFields, s.Metadata
	if fields == nil {
		fields = []string{}
	}
	if meta == nil {
		meta = []MetadataField{}
	}
	a := s.Analyzer
	return json.Marshal(struct {
		Documents      int             `json:"documents"`
		Dimension      int             `json:"dimension"`
		Modes          []Mode          `json:"modes"`
		Embedder       EmbedderInfo    `json:"embedder"`
		Terms          int             `json:"terms"`
		Vectors        int             `json:"vectors"`
		Metric         string          `json:"metric"`
		Profile        string          `json:"profile"`
		Segments       int             `json:"segments"`
		LogBytes       int64           `json:"log_bytes"`
		Generation     uint64          `json:"generation"`
		MetadataFields []string        `json:"metadata_fields"`
		Metadata       []MetadataField `json:"metadata"`
		Dir            string          `json:"dir"`
		K1             float64         `json:"k1"`
		B              float64         `json:"b"`
		TitleWeight    int             `json:"title_weight"`
		Analysis       analysis        `json:"analysis"`
		DeletedInSegs  uint64          `json:"deleted_in_segments"`
		Postings       uint64          `json:"postings"`
		AvgDocLen      float64         `json:"avg_doc_len"`
		LexicalBytes   int64           `json:"lexical_bytes"`
		VectorBytes    int64           `json:"vector_bytes"`
		EmbedderSpec   string          `json:"embedder_spec"`
	}{s.Docs, s.VectorDim, s.Modes(), s.EmbedderInfo, s.Terms, s.Vectors, s.VectorMetric, s.VectorProfile,
		s.Segments, s.LogBytes, s.Generation, fields, meta, s.Dir, s.K1, s.B, s.TitleWeight,
		analysis{a.Stopwords, a.Stemmer, a.FoldAccents, a.Compounds, a.MaxTokenBytes},
		s.DeletedInSegs, s.Postings, s.AvgDocLen, s.LexicalBytes, s.VectorBytes, s.Embedder})
}
