//go:build unix

package main

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used (user and system, all threads), so a
// benchmark taken while other programs compete for the cores can still say how much work
// it did per CPU-second; ok is false where the system does not tell.
func processCPU() (d time.Duration, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
