package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vajrasearch/vajra"
)

const replHelp = `Type a query and press Enter. Commands:
  :help            this help
  :stats           describe the collection
  :top N           show N results per query (now %d)
  :mode M          lexical, vector or hybrid (now %s)
  :alpha A         hybrid weight of the BM25 side in [0,1] (now %g)
  :filter EXPR     metadata filter, e.g. year>=2020 (":filter" alone clears it; now %q)
  :explain ID      explain the score of document ID for the last query
  :clear           clear the screen
  :quit            leave (also Ctrl-D)
`

// repl runs the interactive prompt.
func repl(ctx context.Context, u *ui, c *vajra.Collection, what string, qf *queryFlags) error {
	fmt.Fprintf(u.out, "%s %s\n%s\n", u.style(ansiBold, "vajra"), version(), u.style(ansiDim, "searching "+termSafe(what)+" — :help for commands, Ctrl-D to leave"))
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(u.in)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		errc <- sc.Err()
		close(lines)
	}()
	last := ""
	for {
		mode := qf.mode
		if mode == "" {
			mode = "lexical"
			if c.HasVectors() {
				mode = "hybrid"
			}
		}
		fmt.Fprint(u.out, u.style(ansiCyan, mode+"> "))
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			fmt.Fprintln(u.out)
			return ctx.Err()
		case line, ok = <-lines:
		}
		if !ok {
			fmt.Fprintln(u.out)
			return <-errc
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, ":") {
			last = line
			if err := searchOnce(ctx, u, c, qf, line); err != nil {
				u.errorf("%v", err)
			}
			continue
		}
		cmd, arg, _ := strings.Cut(line[1:], " ")
		arg = strings.TrimSpace(arg)
		switch cmd {
		case "q", "quit", "exit":
			return nil
		case "h", "help", "?":
			fmt.Fprintf(u.out, replHelp, qf.k, mode, qf.alpha, qf.filter)
		case "stats":
			printStats(u, c.Stats())
		case "top", "k":
			n, err := strconv.Atoi(arg)
			if err != nil || n <= 0 || n > 10000 {
				u.errorf(":top wants a number from 1 to 10000")
				continue
			}
			qf.k = n
		case "mode", "m":
			m, err := vajra.ParseMode(arg)
			if err != nil {
				u.errorf("%v", err)
				continue
			}
			if m != vajra.Lexical && !c.HasVectors() {
				u.errorf("this collection has no vectors (index it with --embedder hash)")
				continue
			}
			qf.mode = string(m)
		case "alpha", "a":
			a, err := strconv.ParseFloat(arg, 64)
			if err != nil || a < 0 || a > 1 {
				u.errorf(":alpha wants a number in [0,1]")
				continue
			}
			qf.alpha = a
		case "filter", "f":
			if arg != "" {
				if _, err := vajra.ParseFilter(arg); err != nil {
					u.errorf("%v", err)
					continue
				}
			}
			qf.filter = arg
		case "explain", "e":
			if last == "" || arg == "" {
				u.errorf(":explain ID explains a document's score for the last query")
				continue
			}
			q, _ := qf.query(last)
			ex, err := c.Explain(ctx, q, arg)
			if err != nil {
				u.errorf("%v", err)
				continue
			}
			printExplanation(u, ex)
		case "clear", "cls":
			if u.outIsTTY {
				fmt.Fprint(u.out, "\x1b[H\x1b[2J")
			}
		default:
			u.errorf("unknown command :%s (try :help)", cmd)
		}
	}
}
