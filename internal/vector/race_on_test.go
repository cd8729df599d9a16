//go:build race

package vector

// raceEnabled lets the large data-driven test skip under the race detector, which slows
// it tenfold while its concurrency is covered by the smaller tests.
const raceEnabled = true
