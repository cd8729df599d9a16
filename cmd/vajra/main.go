// Command vajra searches documents from the command line: BM25 lexical, HNSW vector and
// hybrid search over a JSONL corpus, a BEIR folder, a folder of text files, a collection
// directory, or the built-in corpus of 5,000 Wikipedia passages.
//
// Run it with no arguments for an interactive prompt over the built-in corpus, or see
// `vajra help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/vajrasearch/vajra"
)

// Exit codes.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// usageError marks an error in how the command was called (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, u *ui, args []string) error
}

func commands() []command {
	return []command{
		{"search", "search a corpus or collection (a REPL when no -q is given on a terminal)", runSearch},
		{"index", "build a collection directory from a corpus", runIndex},
		{"add", "add or replace documents in a collection", runAdd},
		{"delete", "delete documents from a collection by id", runDelete},
		{"stats", "describe a collection or corpus", runStats},
		{"check", "verify a collection's files and indexes", runCheck},
		{"serve", "serve collections over HTTP: the JSON API and the web UI", runServe},
		{"restore", "restore a collection from a snapshot archive", runRestore},
		{"eval", "evaluate retrieval quality on a BEIR dataset", runEval},
		{"embed", "print the embedding of each line of standard input (local transformer model)", runEmbed},
		{"bench", "measure build time, latency and quality (lexical | vector | hybrid | embed | http | soak)", runBench},
		{"gen", "generate benchmark data (vectors: clustered TEXMEX set with ground truth | corpus)", runGen},
		{"version", "print the version", runVersion},
	}
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int { return runWith(newUI(), args) }

// runWith runs the command line args with the given streams and returns the exit code.
func runWith(u *ui, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var err error
	switch {
	case len(args) == 0:
		err = runDefault(ctx, u)
	case args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help":
		if len(args) > 1 {
			err = runCommand(ctx, u, args[1], []string{"-h"})
		} else {
			printHelp(u)
		}
	default:
		err = runCommand(ctx, u, args[0], args[1:])
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		u.errorf("interrupted")
		return exitInterrupted
	}
	var ue usageError
	if errors.As(err, &ue) {
		u.errorf("%s", ue.msg)
		fmt.Fprintln(u.err, "run 'vajra help' for usage")
		return exitUsage
	}
	u.errorf("%v", err)
	if errors.Is(err, vajra.ErrLocked) {
		fmt.Fprintln(u.err, "another process has the collection open for writing; 'vajra search' and 'vajra check' work meanwhile")
	}
	return exitError
}

func runCommand(ctx context.Context, u *ui, name string, args []string) error {
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, u, args)
		}
	}
	return usagef("unknown command %q", name)
}

func printHelp(u *ui) {
	fmt.Fprintln(u.out, "vajra: lexical, vector and hybrid search\n\nUsage:\n  vajra                         interactive search over the built-in corpus\n  vajra COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(u.out, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(u.out, "\nRun 'vajra COMMAND -h' for a command's flags.\n\nExamples:\n  vajra search -q \"basketball player\"\n  vajra index -c corpus.jsonl -o idx --embedder hash\n  vajra search -i idx -m hybrid --filter 'year>=2020' -q \"solar power\"\n  vajra eval --beir ../shared/data/scifact")
}
