package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vajrasearch/vajra"
)

func runRestore(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("restore", u)
	digest := fs.String("digest", "", "the archive's expected SHA-256 as the snapshot's Digest header gave it (sha-256=BASE64)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("restore needs an archive (or - for standard input) and a new collection directory")
	}
	file, dir := fs.Arg(0), fs.Arg(1)
	var want []byte
	if *digest != "" {
		b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(strings.Trim(*digest, ":"), "sha-256="))
		if err != nil || len(b) != 32 {
			return usagef("--digest %q: want sha-256=BASE64 as the Digest header gives it", *digest)
		}
		want = b
	}
	var r io.Reader = os.Stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	info, err := vajra.Restore(ctx, r, dir)
	if err != nil {
		return err
	}
	got := "sha-256=" + base64.StdEncoding.EncodeToString(info.SHA256[:])
	if want != nil && string(want) != string(info.SHA256[:]) {
		if rerr := vajra.Remove(dir); rerr != nil {
			return fmt.Errorf("the archive's digest is %s, not %s; removing the restored copy failed too: %w", got, *digest, rerr)
		}
		return fmt.Errorf("the archive's digest is %s, not %s: it was damaged or is another archive; nothing was restored", got, *digest)
	}
	fmt.Fprintf(u.out, "restored %s: %d documents, %d files, %d bytes, digest %s\n", dir, info.Documents, info.Files, info.Bytes, got)
	return nil
}
