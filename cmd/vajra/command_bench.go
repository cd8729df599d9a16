package main

import (
	"context"
	"fmt"
)

// The bench commands print the JSON lines of the peer harness (../shared/bench/peers): the
// same fields, the same timing rules. Build time is wall time from data in memory to an index
// that answers; queries run one at a time on one goroutine; p50/p99 are nearest-rank
// percentiles; qps is queries divided by the summed query time.

func runBench(ctx context.Context, u *ui, args []string) error {
	if len(args) == 0 {
		return usagef("bench needs a kind: lexical, vector, hybrid, embed, http or soak")
	}
	switch args[0] {
	case "lexical":
		return benchLexical(ctx, u, args[1:])
	case "vector":
		return benchVector(ctx, u, args[1:])
	case "hybrid":
		return benchHybrid(ctx, u, args[1:])
	case "embed":
		return benchEmbed(ctx, u, args[1:])
	case "http":
		return benchHTTP(ctx, u, args[1:])
	case "soak":
		return benchSoak(ctx, u, args[1:])
	case "-h", "--help", "-help":
		fmt.Fprintln(u.err, "Usage: vajra bench lexical|vector|hybrid|embed|http|soak [flags] (vajra bench KIND -h for flags)")
		return nil
	}
	return usagef("unknown bench kind %q (want lexical, vector, hybrid, embed, http or soak)", args[0])
}
