package vajra

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestRemove(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "c")
	c, err := Create(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(context.Background(), sampleDocs); err != nil {
		t.Fatal(err)
	}
	if err := Remove(dir); err == nil {
		t.Fatal("removed an open collection")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(root, "plain")
	if err := os.MkdirAll(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(plain, "keep.txt"), []byte("mine"), 0o644)
	if err := Remove(plain); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removing a directory that is not a collection: %v", err)
	}
	if _, err := os.Stat(filepath.Join(plain, "keep.txt")); err != nil {
		t.Fatal("a directory that is not a collection was touched")
	}
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 || entries[0].Name() != "plain" {
		t.Fatalf("left behind: %v", entries)
	}
}
