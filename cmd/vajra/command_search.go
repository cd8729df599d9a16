package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/vajrasearch/vajra"
)

func runSearch(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("search", u)
	var src sourceFlags
	var qf queryFlags
	var text string
	fs.StringVar(&text, "q", "", "query text (without -q: a REPL on a terminal, else one query per input line)")
	fs.StringVar(&text, "query", "", "same as -q")
	src.register(fs, true)
	qf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(u.err, "Usage: vajra search [-q QUERY] [-c CORPUS | -i DIR] [-k 10] [-m lexical|vector|hybrid] [--filter EXPR] [--explain ID] [--json]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		if text != "" {
			return usagef("unexpected arguments %q", fs.Args())
		}
		text = strings.Join(fs.Args(), " ")
	}
	if _, err := qf.query(""); err != nil {
		return err
	}
	c, what, err := src.open(ctx, u, qf.wantsVectors() || (text == "" && u.inIsTTY))
	if err != nil {
		return err
	}
	defer c.Close()
	if text == "" {
		if u.inIsTTY {
			return repl(ctx, u, c, what, &qf)
		}
		return searchLines(ctx, u, c, &qf, u.in)
	}
	return searchOnce(ctx, u, c, &qf, text)
}

// searchLines answers one query per input line (for scripts and pipes).
func searchLines(ctx context.Context, u *ui, c *vajra.Collection, qf *queryFlags, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if err := searchOnce(ctx, u, c, qf, line); err != nil {
			return err
		}
	}
	return sc.Err()
}

// jsonSnippetLength is the snippet length of --json output, which has no terminal width.
const jsonSnippetLength = 200

func searchOnce(ctx context.Context, u *ui, c *vajra.Collection, qf *queryFlags, text string) error {
	q, err := qf.query(text)
	if err != nil {
		return err
	}
	if qf.explain != "" {
		ex, err := c.Explain(ctx, q, qf.explain)
		if err != nil {
			return err
		}
		if qf.json {
			return printJSON(u, ex)
		}
		printExplanation(u, ex)
		return nil
	}
	q.Highlight = true
	q.SnippetLength = max(u.width-8, 40)
	if qf.json {
		q.SnippetLength = jsonSnippetLength
	}
	res, err := c.Search(ctx, q)
	if err != nil {
		return err
	}
	if qf.json {
		b, err := resultsJSON(text, res)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(u.out, string(b))
		return err
	}
	printResults(u, res, q.Offset)
	return nil
}
