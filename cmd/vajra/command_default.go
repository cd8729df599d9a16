package main

import (
	"context"
	"fmt"
	"time"

	"github.com/vajrasearch/vajra"
)

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
