package main

import (
	"os"
	"path/filepath"
)

// dirSize sums the sizes of the files under dir (what a collection takes on disk).
func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}
