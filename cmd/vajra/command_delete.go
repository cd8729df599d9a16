package main

import (
	"context"
	"fmt"

	"github.com/vajrasearch/vajra"
)

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
