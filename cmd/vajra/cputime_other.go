//go:build !unix

package main

import "time"

// processCPU is not available here; see cputime_unix.go.
func processCPU() (time.Duration, bool) { return 0, false }
