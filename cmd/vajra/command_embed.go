package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/vajrasearch/vajra"
)

// maxEmbedLine bounds one line of `vajra embed` input; the model reads only its first few
// hundred tokens anyway.
const maxEmbedLine = 64 << 20

func runEmbed(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("embed", u)
	var modelDir string
	var asJSON bool
	var threads, batch int
	fs.StringVar(&modelDir, "model", "", "model folder of the local embedder (config.json, model.safetensors, tokenizer files)")
	fs.BoolVar(&asJSON, "json", false, "print each vector as a JSON array (default: numbers separated by spaces)")
	intVar(fs, &threads, "threads", 0, 0, anyInt, "cores to use (0 = all)")
	intVar(fs, &batch, "batch", 32, 1, 4096, "lines embedded together")
	fs.Usage = func() {
		fmt.Fprintln(u.err, "Usage: vajra embed --model DIR [--json] < lines.txt\n\nEmbeds each line of standard input and prints one vector per line, in order.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if modelDir == "" {
		return usagef("embed needs --model DIR")
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q (embed reads its texts from standard input)", fs.Args())
	}
	c, err := vajra.New(vajra.Options{Embedder: vajra.EmbedderOptions{Kind: vajra.EmbedderLocal, ModelDir: modelDir}, Threads: threads})
	if err != nil {
		return err
	}
	defer c.Close()
	sc := bufio.NewScanner(u.in)
	sc.Buffer(make([]byte, 0, 64<<10), maxEmbedLine)
	w := bufio.NewWriter(u.out)
	var lines []string
	var buf []byte
	line := 0
	flush := func() error {
		if len(lines) == 0 {
			return nil
		}
		vecs, err := c.Embed(ctx, lines)
		if err != nil {
			return fmt.Errorf("lines %d-%d: %w", line-len(lines)+1, line, err)
		}
		for _, v := range vecs {
			buf = appendVector(buf[:0], v, asJSON)
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		lines = lines[:0]
		return w.Flush()
	}
	for sc.Scan() {
		line++
		lines = append(lines, sc.Text())
		if len(lines) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("standard input line %d is longer than %d MiB", line+1, maxEmbedLine>>20)
		}
		return fmt.Errorf("read standard input: %w", err)
	}
	return flush()
}

// appendVector formats v on one line: the shortest decimal of each float32 that reads back
// to the same value, separated by spaces or as a JSON array.
func appendVector(b []byte, v []float32, asJSON bool) []byte {
	if asJSON {
		b = append(b, '[')
	}
	for i, x := range v {
		if i > 0 {
			if asJSON {
				b = append(b, ',')
			} else {
				b = append(b, ' ')
			}
		}
		b = strconv.AppendFloat(b, float64(x), 'g', -1, 32)
	}
	if asJSON {
		b = append(b, ']')
	}
	return append(b, '\n')
}
