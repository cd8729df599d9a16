package main

import (
	"errors"
	"flag"
)

// newFlagSet returns a flag set whose errors come back to the caller (exit code 2).
func newFlagSet(name string, u *ui) *flag.FlagSet {
	fs := flag.NewFlagSet("vajra "+name, flag.ContinueOnError)
	fs.SetOutput(u.err)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}
