package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/vajrasearch/vajra"
)

func runStats(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("stats", u)
	var src sourceFlags
	var asJSON bool
	src.register(fs, true)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, _, err := src.open(ctx, u, src.embedder != "" && src.embedder != "none")
	if err != nil {
		return err
	}
	defer c.Close()
	if asJSON {
		return printJSON(u, c.Stats())
	}
	printStats(u, c.Stats())
	return nil
}

func printStats(u *ui, s vajra.Stats) {
	where := s.Dir
	if where == "" {
		where = "(in memory)"
	}
	fmt.Fprintf(u.out, "collection   %s\n", termSafe(where))
	fmt.Fprintf(u.out, "documents    %d\n", s.Docs)
	fmt.Fprintf(u.out, "analysis     stopwords=%s stemmer=%s fold-accents=%v compounds=%v\n", s.Analyzer.Stopwords, s.Analyzer.Stemmer, s.Analyzer.FoldAccents, s.Analyzer.Compounds)
	fmt.Fprintf(u.out, "bm25         k1=%g b=%g title-weight=%d\n", s.K1, s.B, s.TitleWeight)
	fmt.Fprintf(u.out, "lexical      %d segments, %d terms, %d postings, avg doc length %.1f, %s\n", s.Segments, s.Terms, s.Postings, s.AvgDocLen, humanBytes(s.LexicalBytes))
	if s.Embedder != "" {
		fmt.Fprintf(u.out, "vectors      %d × %d-d, %s, profile %s%s, %s in memory\n", s.Vectors, s.VectorDim, s.VectorMetric, s.VectorProfile, quantNote(s.VectorQuantization), humanBytes(s.VectorBytes))
		fmt.Fprintf(u.out, "embedder     %s\n", s.Embedder)
	}
	if len(s.MetadataFields) > 0 {
		fmt.Fprintf(u.out, "metadata     %s\n", termSafe(strings.Join(s.MetadataFields, ", ")))
	}
	if s.Dir != "" {
		fmt.Fprintf(u.out, "log          %s (generation %d)\n", humanBytes(s.LogBytes), s.Generation)
	}
}

// quantNote names a quantisation other than none, for the lines that describe vectors.
func quantNote(q string) string {
	if q == "" || q == "none" {
		return ""
	}
	return ", " + q + " codes"
}
