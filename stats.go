package vajra

import "github.com/vajrasearch/vajra/internal/storage"

// Stats describes a collection.
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
}

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
	}
	if c.embedder != nil {
		s.Embedder = c.embedder.Spec().String()
		s.VectorMetric = c.opts.Vector.Metric
		s.VectorProfile = c.opts.Vector.Profile
	}
	if c.vec != nil {
		s.VectorDim = c.vec.Options().Dim
		s.Vectors = c.vec.Len()
		s.VectorBytes = c.vec.MemoryBytes()
	}
	if c.wal != nil {
		s.LogBytes = c.wal.Size()
	}
	return s
}
