package main

import (
	"context"
	"errors"
	"fmt"
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
	fs.BoolVar(&force, "force", false, "replace an existing collection at -o (never anything else; refused while it is open for writing)")
	fs.Usage = func() {
		fmt.Fprintln(u.err, "Usage: vajra index -c CORPUS -o DIR [--embedder none|hash|local|openai] [--model DIR] [--profile quality|fast|instant]")
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
	o, err := src.options(false)
	if err != nil {
		return err
	}
	start := time.Now()
	// The library builds the collection in memory and puts it in place only when complete,
	// under the lock of any collection it replaces: an interrupted or failed run leaves out as
	// it was, a collection open elsewhere is not replaced, and nothing but a collection is.
	fill := func(ctx context.Context, c *vajra.Collection) error {
		docs, rep, err := vajra.LoadDocuments(ctx, src.corpus, vajra.LoadOptions{SkipBad: src.skipBad, Check: vajra.CheckDocument})
		if err != nil {
			return err
		}
		reportLoad(u, rep)
		return upsertWithProgress(ctx, u, c, docs, "indexing")
	}
	build := vajra.Build
	if force {
		build = vajra.Rebuild
	}
	c, err := build(ctx, out, o, fill)
	switch {
	case errors.Is(err, vajra.ErrExists):
		return fmt.Errorf("%s already holds a collection (use --force to replace it, or 'vajra add' to add to it)", out)
	case err != nil:
		return err
	}
	st := c.Stats()
	if err := c.Close(); err != nil {
		return err
	}
	size := dirSize(out)
	fmt.Fprintf(u.out, "indexed %d documents into %s in %.2f s (%s on disk)\n", st.Docs, out, time.Since(start).Seconds(), humanBytes(size))
	if st.Embedder != "" {
		fmt.Fprintf(u.out, "vectors: %d × %d (%s, %s profile%s)\n", st.Vectors, st.VectorDim, st.Embedder, st.VectorProfile, quantNote(st.VectorQuantization))
	}
	return nil
}
