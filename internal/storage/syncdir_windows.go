//go:build windows

package storage

import "os"

// syncDir only checks that dir exists: Windows cannot flush a directory handle, and NTFS
// journals its metadata, so a completed rename survives a crash without it.
func syncDir(dir string) error {
	_, err := os.Stat(dir)
	return err
}
