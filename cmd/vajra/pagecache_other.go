//go:build !linux

package main

import "errors"

func dropFromPageCache(string) error {
	return errors.New("--cold needs Linux (posix_fadvise)")
}
