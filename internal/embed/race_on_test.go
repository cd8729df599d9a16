//go:build race

package embed

// raceEnabled lets single-threaded, data-heavy tests skip under the race detector, which
// slows them tenfold without anything to find.
const raceEnabled = true
