package main

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra"
)

func TestServeRefusesOpenAddressWithoutKey(t *testing.T) {
	t.Setenv("VAJRA_API_KEY", "")
	for _, args := range [][]string{
		{"serve", "--addr", "0.0.0.0:0"},
		{"serve", "--max-body", "lots"},
		{"serve", "--read-key", "r"},
		{"serve", "extra"},
		{"serve", "--embedder", "local"},
		{"serve", "--embedder", "openai", "--builtin=false"},
	} {
		code, _, errOut := runCLI(t, "", args...)
		if code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// TestServeRefusesBadModel checks that a model folder that cannot be loaded stops the
// server at start.
func TestServeRefusesBadModel(t *testing.T) {
	code, _, errOut := runCLI(t, "", "serve", "--addr", "127.0.0.1:0", "--model", t.TempDir())
	if code != exitError || !strings.Contains(errOut, "config.json") {
		t.Fatalf("serve --model EMPTYDIR: exit %d, stderr %q", code, errOut)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"64MiB": 64 << 20, "512KiB": 512 << 10, "1048576": 1 << 20, "2G": 2 << 30, "10 M": 10 << 20} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "0", "-1", "1.5MiB", "MiB", "9999999GiB"} {
		if _, err := parseBytes(bad); err == nil {
			t.Errorf("parseBytes(%q) accepted", bad)
		}
	}
}

func TestRestoreCommand(t *testing.T) {
	ctx := context.Background()
	c, err := vajra.New(vajra.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, []vajra.Document{{ID: "a", Title: "alpha"}, {ID: "b", Title: "beta"}}); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "snap.tar")
	f, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Backup(ctx, f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	digest := "sha-256=" + base64.StdEncoding.EncodeToString(info.SHA256[:])
	dir := filepath.Join(t.TempDir(), "restored")
	code, out, errOut := runCLI(t, "", "restore", "--digest", digest, archive, dir)
	if code != exitOK || !strings.Contains(out, "2 documents") || !strings.Contains(out, digest) {
		t.Fatalf("restore: exit %d, %q %q", code, out, errOut)
	}
	other := filepath.Join(t.TempDir(), "other")
	wrong := "sha-256=" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	if code, _, errOut := runCLI(t, "", "restore", "--digest", wrong, archive, other); code != exitError || !strings.Contains(errOut, "nothing was restored") {
		t.Errorf("wrong digest: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("a restore with the wrong digest left a collection")
	}
	if code, _, _ := runCLI(t, "", "restore", archive, dir); code != exitError {
		t.Errorf("restore over a collection: exit %d", code)
	}
}
