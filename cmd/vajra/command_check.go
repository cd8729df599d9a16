package main

import (
	"context"
	"fmt"

	"github.com/vajrasearch/vajra"
)

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
