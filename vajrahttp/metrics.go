package vajrahttp

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	rtmetrics "runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// latencyBuckets are the upper bounds (seconds) of the request latency histogram.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type routeStatus struct {
	route  string
	status int
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last one is +Inf
	sum    float64
	n      uint64
}

// metrics counts requests for the Prometheus text exposition.
type metrics struct {
	mu       sync.Mutex
	requests map[routeStatus]uint64
	latency  map[string]*histogram
}

func newMetrics() *metrics {
	return &metrics{requests: map[routeStatus]uint64{}, latency: map[string]*histogram{}}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	sec := d.Seconds()
	i, _ := slices.BinarySearch(latencyBuckets, sec)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[routeStatus{route, status}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		m.latency[route] = h
	}
	h.counts[i]++
	h.sum += sec
	h.n++
}

// labelValue escapes a label value as the text format requires.
func labelValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// serveMetrics writes the Prometheus text format (version 0.0.4).
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) *Error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriter(w)
	s.metrics.write(bw)
	s.writeCollectionMetrics(bw)
	writeRuntimeMetrics(bw)
	bw.Flush()
	return nil
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]routeStatus, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b routeStatus) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		return a.status - b.status
	})
	fmt.Fprintln(w, "# HELP vajra_http_requests_total HTTP requests answered, by route pattern and status.")
	fmt.Fprintln(w, "# TYPE vajra_http_requests_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "vajra_http_requests_total{route=\"%s\",status=\"%d\"} %d\n", labelValue(k.route), k.status, m.requests[k])
	}
	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	fmt.Fprintln(w, "# HELP vajra_http_request_duration_seconds Time to answer HTTP requests, by route pattern.")
	fmt.Fprintln(w, "# TYPE vajra_http_request_duration_seconds histogram")
	for _, r := range routes {
		h := m.latency[r]
		lv := labelValue(r)
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "vajra_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %d\n", lv, formatFloat(le), cum)
		}
		fmt.Fprintf(w, "vajra_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", lv, h.n)
		fmt.Fprintf(w, "vajra_http_request_duration_seconds_sum{route=\"%s\"} %s\n", lv, formatFloat(h.sum))
		fmt.Fprintf(w, "vajra_http_request_duration_seconds_count{route=\"%s\"} %d\n", lv, h.n)
	}
}

func (s *Server) writeCollectionMetrics(w io.Writer) {
	type row struct {
		name              string
		docs, vecs, terms int
		wal               int64
	}
	var rows []row
	for _, name := range s.reg.names() {
		e, err := s.reg.acquire(name)
		if err != nil {
			continue
		}
		st := e.c.Stats()
		e.release()
		rows = append(rows, row{name, st.Docs, st.Vectors, st.Terms, st.LogBytes})
	}
	for _, m := range []struct {
		name, help string
		val        func(row) int64
	}{
		{"vajra_collection_documents", "Live documents per collection.", func(r row) int64 { return int64(r.docs) }},
		{"vajra_collection_vectors", "Vectors in the vector index per collection.", func(r row) int64 { return int64(r.vecs) }},
		{"vajra_collection_terms", "Distinct terms in the lexical index per collection.", func(r row) int64 { return int64(r.terms) }},
		{"vajra_collection_wal_bytes", "Bytes of write-ahead log since the last snapshot per collection.", func(r row) int64 { return r.wal }},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", m.name, m.help, m.name)
		for _, r := range rows {
			fmt.Fprintf(w, "%s{collection=\"%s\"} %d\n", m.name, labelValue(r.name), m.val(r))
		}
	}
}

// writeRuntimeMetrics writes the Go runtime's and the process's figures.
func writeRuntimeMetrics(w io.Writer) {
	samples := []rtmetrics.Sample{
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/gc/heap/goal:bytes"},
	}
	rtmetrics.Read(samples)
	val := func(i int) uint64 {
		if samples[i].Value.Kind() == rtmetrics.KindUint64 {
			return samples[i].Value.Uint64()
		}
		return 0
	}
	fmt.Fprintf(w, "# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(w, "# HELP go_gc_cycles_total Completed GC cycles.\n# TYPE go_gc_cycles_total counter\ngo_gc_cycles_total %d\n", val(0))
	fmt.Fprintf(w, "# HELP go_memstats_heap_alloc_bytes Bytes of allocated heap objects.\n# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", val(1))
	fmt.Fprintf(w, "# HELP go_memstats_sys_bytes Bytes of memory obtained from the OS by the Go runtime.\n# TYPE go_memstats_sys_bytes gauge\ngo_memstats_sys_bytes %d\n", val(2))
	fmt.Fprintf(w, "# HELP go_gc_heap_goal_bytes Heap size target of the current GC cycle.\n# TYPE go_gc_heap_goal_bytes gauge\ngo_gc_heap_goal_bytes %d\n", val(3))
	if rss, ok := residentBytes(); ok {
		fmt.Fprintf(w, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %d\n", rss)
	}
}

// residentBytes reads the resident set size from /proc (Linux only).
func residentBytes() (int64, bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * int64(os.Getpagesize()), true
}
