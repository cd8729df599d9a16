package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vajrasearch/vajra"
)

func runIndex(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("index", u)
	var src sourceFlags
	var out string
	var force bool
	src.register(fs, false)
	fs.StringVar(&out, "o", "", "collection directory to write")
	fs.StringVar(&out, "out", "", "same as -o")
	fs.BoolVar(&force, "force", false, "replace an existing collection at -o")
	fs.Usage = func() {
		fmt.Fprintln(u.err, "Usage: vajra index -c CORPUS -o DIR [--embedder none|hash|openai] [--profile quality|fast|instant]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if src.corpus == "" || out == "" {
		return usagef("index needs -c CORPUS and -o DIR")
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	if exists(filepath.Join(out, "MANIFEST")) && !force {
		return fmt.Errorf("%s already holds a collection (use --force to replace it, or 'vajra add' to add to it)", out)
	}
	start := time.Now()
	docs, rep, err := vajra.LoadDocuments(ctx, src.corpus, vajra.LoadOptions{SkipBad: src.skipBad})
	if err != nil {
		return err
	}
	reportLoad(u, rep)
	// Build next to the target and move it into place only when complete, so an interrupted
	// or failed run never leaves a half-built collection where a good one was.
	tmp := fmt.Sprintf("%s.tmp-%d", strings.TrimRight(out, "/"), os.Getpid())
	o := src.options(false)
	o.Sync = vajra.SyncNever
	c, err := vajra.Create(tmp, o)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		c.Close()
		os.RemoveAll(tmp)
		return err
	}
	if err := upsertWithProgress(ctx, u, c, docs, "indexing"); err != nil {
		return fail(err)
	}
	if err := c.Flush(); err != nil {
		return fail(err)
	}
	st := c.Stats()
	if err := c.Close(); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := syncTree(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := replaceDir(tmp, out); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	size := dirSize(out)
	fmt.Fprintf(u.out, "indexed %d documents into %s in %.2f s (%s on disk)\n", st.Docs, out, time.Since(start).Seconds(), humanBytes(size))
	if st.Embedder != "" {
		fmt.Fprintf(u.out, "vectors: %d × %d (%s, %s profile)\n", st.Vectors, st.VectorDim, st.Embedder, st.VectorProfile)
	}
	return nil
}

// replaceDir moves the finished collection tmp to out, replacing an existing out.
func replaceDir(tmp, out string) error {
	if !exists(out) {
		return os.Rename(tmp, out)
	}
	old := fmt.Sprintf("%s.old-%d", strings.TrimRight(out, "/"), os.Getpid())
	if err := os.Rename(out, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Rename(old, out)
		return err
	}
	return os.RemoveAll(old)
}

// syncTree fsyncs a directory after a rename, so the new name is durable.
func syncTree(dir string) error {
	d, err := os.Open(filepath.Dir(filepath.Clean(dir)))
	if err != nil {
		return err
	}
	defer d.Close()
	d.Sync()
	return nil
}

func runAdd(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("add", u)
	var dir, path string
	var skipBad bool
	fs.StringVar(&dir, "i", "", "collection directory")
	fs.StringVar(&dir, "index", "", "same as -i")
	fs.StringVar(&path, "c", "", "documents to add: JSONL(.gz) file, BEIR folder or folder of text files")
	fs.StringVar(&path, "corpus", "", "same as -c")
	fs.BoolVar(&skipBad, "skip-bad", false, "skip malformed lines instead of stopping")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if dir == "" || path == "" {
		return usagef("add needs -i DIR and -c FILE")
	}
	docs, rep, err := vajra.LoadDocuments(ctx, path, vajra.LoadOptions{SkipBad: skipBad})
	if err != nil {
		return err
	}
	reportLoad(u, rep)
	c, err := vajra.Open(dir, vajra.OpenOptions{EmbedAPIKey: apiKey()})
	if err != nil {
		return err
	}
	var added, replaced int
	const batch = 10000
	for lo := 0; lo < len(docs); lo += batch {
		r, err := c.Upsert(ctx, docs[lo:min(lo+batch, len(docs))])
		added += r.Added
		replaced += r.Replaced
		if err != nil {
			c.Close()
			return err
		}
	}
	total := c.Len()
	if err := c.Close(); err != nil {
		return err
	}
	fmt.Fprintf(u.out, "added %d, replaced %d documents in %s (%d in all)\n", added, replaced, dir, total)
	return nil
}

func runDelete(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("delete", u)
	var dir string
	fs.StringVar(&dir, "i", "", "collection directory")
	fs.StringVar(&dir, "index", "", "same as -i")
	fs.Usage = func() {
		fmt.Fprintln(u.err, "Usage: vajra delete -i DIR ID [ID...]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if dir == "" || fs.NArg() == 0 {
		return usagef("delete needs -i DIR and at least one id")
	}
	c, err := vajra.Open(dir, vajra.OpenOptions{})
	if err != nil {
		return err
	}
	rep, err := c.Delete(ctx, fs.Args())
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(u.out, "deleted %d documents", rep.Deleted)
	if rep.Missing > 0 {
		fmt.Fprintf(u.out, " (%d ids not found)", rep.Missing)
	}
	fmt.Fprintln(u.out)
	return nil
}

func runCheck(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("check", u)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("check needs exactly one collection directory")
	}
	rep, err := vajra.Check(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(u.out, "%s: generation %d, %d files, %d documents, %d lexical segments, %d vectors, %d log records\n",
		rep.Dir, rep.Generation, rep.Files, rep.Docs, rep.Segments, rep.Vectors, rep.LogRecords)
	if rep.OK() {
		fmt.Fprintln(u.out, "ok")
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(u.out, "problem:", p)
	}
	return fmt.Errorf("%d problems found in %s", len(rep.Problems), rep.Dir)
}

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
	fmt.Fprintf(u.out, "collection   %s\n", where)
	fmt.Fprintf(u.out, "documents    %d\n", s.Docs)
	fmt.Fprintf(u.out, "analysis     stopwords=%s stemmer=%s fold-accents=%v compounds=%v\n", s.Analyzer.Stopwords, s.Analyzer.Stemmer, s.Analyzer.FoldAccents, s.Analyzer.Compounds)
	fmt.Fprintf(u.out, "bm25         k1=%g b=%g title-weight=%d\n", s.K1, s.B, s.TitleWeight)
	fmt.Fprintf(u.out, "lexical      %d segments, %d terms, %d postings, avg doc length %.1f, %s\n", s.Segments, s.Terms, s.Postings, s.AvgDocLen, humanBytes(s.LexicalBytes))
	if s.Embedder != "" {
		fmt.Fprintf(u.out, "vectors      %d × %d-d, %s, profile %s, %s in memory\n", s.Vectors, s.VectorDim, s.VectorMetric, s.VectorProfile, humanBytes(s.VectorBytes))
		fmt.Fprintf(u.out, "embedder     %s\n", s.Embedder)
	}
	if len(s.MetadataFields) > 0 {
		fmt.Fprintf(u.out, "metadata     %s\n", strings.Join(s.MetadataFields, ", "))
	}
	if s.Dir != "" {
		fmt.Fprintf(u.out, "log          %s (generation %d)\n", humanBytes(s.LogBytes), s.Generation)
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// runDefault is what `vajra` with no arguments does: an interactive prompt over the built-in
// corpus on a terminal, otherwise a short demonstration of the three search modes.
func runDefault(ctx context.Context, u *ui) error {
	src := sourceFlags{embedder: vajra.EmbedderHash, profile: "fast"}
	start := time.Now()
	c, what, err := src.open(ctx, u, true)
	if err != nil {
		return err
	}
	defer c.Close()
	qf := queryFlags{k: 5, alpha: 0.5, fusion: "rrf"}
	if u.inIsTTY && u.outIsTTY {
		return repl(ctx, u, c, what, &qf)
	}
	fmt.Fprintf(u.out, "Vajra %s — indexed %s in %.2f s\n", version(), what, time.Since(start).Seconds())
	for _, d := range []struct{ mode, q string }{
		{"lexical", "american basketball player"},
		{"vector", "railway station"},
		{"hybrid", "football club founded in 2017"},
	} {
		fmt.Fprintf(u.out, "\n$ vajra search -m %s -k 5 -q %q\n", d.mode, d.q)
		qf.mode = d.mode
		if err := searchOnce(ctx, u, c, &qf, d.q); err != nil {
			return err
		}
	}
	fmt.Fprintln(u.out, "\nRun `vajra` on a terminal for an interactive prompt, or `vajra help` for all commands.")
	return nil
}
