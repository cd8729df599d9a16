// Package testutil holds what tests share: finding the shared evaluation data used by
// data-driven tests, and bounding the time an operation under test may take.
//
// The data lives outside the repository (in ../shared next to the checkout, or wherever
// VAJRA_SHARED points). Tests that need it call SharedDir, which skips the test with a
// clear message when the data is absent, so the suite passes on a bare machine and runs
// the data-driven checks wherever the data exists.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedDir returns the absolute path of the shared data folder (the one holding data/,
// bench/ and tools/), or skips the test when it cannot be found.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir, ok := FindShared()
	if !ok {
		t.Skip("shared data not found (set VAJRA_SHARED or place it at ../shared next to the repository); skipping data-driven test")
	}
	return dir
}

// SharedData returns the path of data/<name> under the shared folder, skipping the test when
// it is absent.
func SharedData(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(SharedDir(t), "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s not found; skipping data-driven test", p)
	}
	return p
}

// FindShared looks for the shared folder: $VAJRA_SHARED first, then ../shared beside the
// module root found by walking up from the working directory.
func FindShared() (string, bool) {
	if env := os.Getenv("VAJRA_SHARED"); env != "" {
		if st, err := os.Stat(env); err == nil && st.IsDir() {
			abs, err := filepath.Abs(env)
			return abs, err == nil
		}
		return "", false
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(dir), "shared")
			if st, err := os.Stat(filepath.Join(cand, "data")); err == nil && st.IsDir() {
				return cand, true
			}
			return "", false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
