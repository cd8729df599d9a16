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
	docs, rep, err := vajra.LoadDocuments(ctx, src.corpus, vajra.LoadOptions{SkipBad: src.skipBad, Check: vajra.CheckDocument})
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
