// Command openprobe opens a saved vector index with vajra.LoadVectorIndex and runs the
// queries of an fvecs file at ef 100, printing one JSON line: open time, resident memory
// before and after the open (and its anonymous part), and the query p50. It uses only API
// that every version of the package has had, so the same program measures an old commit
// against a new one: point the replace directive in go.mod at a worktree of either.
//
//	go build -o openprobe . && ./openprobe INDEX.vjh c1m/query.fvecs
package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/vajrasearch/vajra"
)

func rss() float64 { return field("VmRSS:") }

func field(name string) float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, name) {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(l[len(name):]), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

func fvecs(path string) [][]float32 {
	f, err := os.Open(path)
	if err != nil {
		fail(err)
	}
	r := bufio.NewReader(f)
	var out [][]float32
	for {
		var d int32
		if err := binary.Read(r, binary.LittleEndian, &d); err == io.EOF {
			return out
		}
		v := make([]float32, d)
		if err := binary.Read(r, binary.LittleEndian, v); err != nil {
			fail(fmt.Errorf("read %s: %w", path, err))
		}
		out = append(out, v)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "openprobe:", err)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: openprobe INDEX QUERIES.fvecs")
		os.Exit(2)
	}
	idx, queries := os.Args[1], os.Args[2]
	qs := fvecs(queries)
	before := rss()
	t := time.Now()
	v, err := vajra.LoadVectorIndex(idx)
	if err != nil {
		fail(err)
	}
	open := time.Since(t)
	after := rss()
	anon := field("RssAnon:")
	var lat []float64
	for _, q := range qs {
		t := time.Now()
		if _, err := v.Search(q, 10, vajra.VectorSearchOptions{Ef: 100}); err != nil {
			fail(err)
		}
		lat = append(lat, float64(time.Since(t).Microseconds())/1000)
	}
	sort.Float64s(lat)
	fmt.Printf(`{"open_ms":%.1f,"rss_before_open_mb":%.1f,"rss_after_open_mb":%.1f,"rss_after_queries_mb":%.1f,"p50_ms":%.3f,"n":%d,"rss_anon_after_open_mb":%.1f}`+"\n",
		float64(open.Microseconds())/1000, before, after, rss(), lat[len(lat)/2], v.Len(), anon)
}
