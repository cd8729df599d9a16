// Command gen writes the default corpus embedded in Vajra: the first -n lines of a JSON
// Lines file (gzip'd or not), copied byte for byte and gzip-compressed at
// BestCompression with a fixed header (no file name, no modification time), so the same
// source and Go release always give the same bytes.
//
//	go run ./gen -src ../../../../shared/data/wikipedia/passages.jsonl.gz -n 5000 -out wikipedia-5k.jsonl.gz
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	src := flag.String("src", "", "source JSON Lines file, gzip'd or not (required)")
	n := flag.Int("n", 5000, "number of leading lines to keep")
	out := flag.String("out", "", "output .jsonl.gz file (required)")
	flag.Parse()
	if *src == "" || *out == "" || *n <= 0 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*src, *n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src string, n int, out string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	var buf bytes.Buffer
	if err := generate(f, n, &buf); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	return writeFileAtomic(out, buf.Bytes())
}

// generate copies the first n lines of r (decompressed when r is gzip'd) to w as one gzip
// stream with a zero header.
func generate(r io.Reader, n int, w io.Writer) error {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		line, err := br.ReadBytes('\n')
		if err == io.EOF && len(line) > 0 {
			line, err = append(line, '\n'), nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("only %d lines, want %d", i, n)
			}
			return err
		}
		if _, err := zw.Write(line); err != nil {
			return err
		}
	}
	return zw.Close()
}

// writeFileAtomic replaces path with data: temp file, fsync, rename, so an interrupted run
// never leaves a half-written corpus behind.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
