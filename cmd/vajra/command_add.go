package main

import (
	"context"
	"fmt"

	"github.com/vajrasearch/vajra"
)

func runAdd(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("add", u)
	var dir, path, modelDir string
	var skipBad bool
	fs.StringVar(&dir, "i", "", "collection directory")
	fs.StringVar(&dir, "index", "", "same as -i")
	fs.StringVar(&path, "c", "", "documents to add: JSONL(.gz) file, BEIR folder or folder of text files")
	fs.StringVar(&path, "corpus", "", "same as -c")
	fs.BoolVar(&skipBad, "skip-bad", false, "skip malformed lines instead of stopping")
	fs.StringVar(&modelDir, "model", "", "the local embedder's model folder, when it moved since the collection was built (it must hold the same model)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if dir == "" || path == "" {
		return usagef("add needs -i DIR and -c FILE")
	}
	docs, rep, err := vajra.LoadDocuments(ctx, path, vajra.LoadOptions{SkipBad: skipBad, Check: vajra.CheckDocument})
	if err != nil {
		return err
	}
	reportLoad(u, rep)
	c, err := vajra.Open(dir, vajra.OpenOptions{EmbedAPIKey: apiKey(), EmbedModelDir: modelDir})
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
