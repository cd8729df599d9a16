package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

// latency summarises per-query times as the harness does.
type latency struct {
	p50, p99, qps float64
}

func summarise(lat []time.Duration) latency {
	if len(lat) == 0 {
		return latency{}
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	var total time.Duration
	for _, d := range s {
		total += d
	}
	pct := func(p float64) float64 {
		i := int(float64(len(s))*p/100+0.999999) - 1
		i = min(max(i, 0), len(s)-1)
		return float64(s[i].Nanoseconds()) / 1e6
	}
	return latency{p50: pct(50), p99: pct(99), qps: float64(len(s)) / total.Seconds()}
}

func round(x float64, digits int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	return v
}

// peakRSSMB reads the process's peak resident set size (VmHWM).
func peakRSSMB() float64 { return procStatusMB("VmHWM:") }

// rssMB reads the current resident set size (VmRSS).
func rssMB() float64 { return procStatusMB("VmRSS:") }

func procStatusMB(key string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key) {
			f := strings.Fields(line[len(key):])
			if len(f) > 0 {
				kb, _ := strconv.ParseFloat(f[0], 64)
				return round(kb/1024, 1)
			}
		}
	}
	return 0
}

// timedPasses runs the harness's text protocol: the untimed quality pass (done by the
// caller), then untimed top-k queries cycling through the list for at least warmup queries
// and warmupS seconds, then one timed pass.
func timedPass(n, warmup int, warmupS float64, search func(i int) error) ([]time.Duration, error) {
	if n == 0 {
		return nil, nil
	}
	end := time.Now().Add(time.Duration(warmupS * float64(time.Second)))
	for i := 0; i < warmup || time.Now().Before(end); i++ {
		if err := search(i % n); err != nil {
			return nil, err
		}
	}
	runtime.GC()
	lat := make([]time.Duration, n)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if err := search(i); err != nil {
			return nil, err
		}
		lat[i] = time.Since(t0)
	}
	return lat, nil
}

// emit prints a record as a JSON line, or as aligned key: value lines for people.
func emit(u *ui, asJSON bool, rec map[string]any) error {
	if asJSON {
		return printJSON(u, rec)
	}
	keys := make([]string, 0, len(rec))
	for k := range rec {
		keys = append(keys, k)
	}
	order := []string{"engine", "version", "mode", "dataset", "variant", "n", "n_docs", "dim", "metric", "nq", "k", "M", "efc", "ef", "threads", "build_s", "p50_ms", "p99_ms", "qps", "recall_at_k", "recall_at_10", "ndcg_at_10", "recall_at_100", "mem_rss_mb"}
	rank := func(k string) int {
		if i := slices.Index(order, k); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		fmt.Fprintf(u.out, "%-16s %v\n", k, rec[k])
	}
	fmt.Fprintln(u.out)
	return nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil || v <= 0 {
			return nil, usagef("%q: want positive integers separated by commas", s)
		}
		out = append(out, v)
	}
	return out, nil
}

// freeOSMemory returns freed heap to the OS so that RSS reflects what is still held.
func freeOSMemory() { debug.FreeOSMemory() }

// startCPUProfile starts a CPU profile written to path ("" = none) and returns its stop.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
