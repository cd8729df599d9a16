package vajrahttp

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vajrasearch/vajra"
)

var (
	benchOnce sync.Once
	benchColl *vajra.Collection
)

// benchCollection is the built-in corpus with hash vectors, so every mode can be measured.
func benchCollection(b *testing.B) *vajra.Collection {
	benchOnce.Do(func() {
		docs, err := vajra.DefaultCorpus()
		if err != nil {
			b.Fatal(err)
		}
		c, err := vajra.New(vajra.Options{Embedder: vajra.EmbedderOptions{Kind: "hash"}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Upsert(context.Background(), docs); err != nil {
			b.Fatal(err)
		}
		benchColl = c
	})
	return benchColl
}

const benchText = "american basketball player"

var benchModes = []vajra.Mode{vajra.Lexical, vajra.Vector, vajra.Hybrid}

func benchBody(m vajra.Mode) []byte {
	return []byte(`{"query": "` + benchText + `", "mode": "` + string(m) + `", "limit": 10}`)
}

func benchServer(b *testing.B) *Server {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.AddCollection("wiki", benchCollection(b), true); err != nil {
		b.Fatal(err)
	}
	if err := s.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkSearchInProcess is the search alone: the floor under the HTTP figures.
func BenchmarkSearchInProcess(b *testing.B) {
	c := benchCollection(b)
	for _, m := range benchModes {
		b.Run(string(m), func(b *testing.B) {
			q := vajra.Query{Text: benchText, Mode: m, K: 10}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSearchHandler is the handler without a network: parsing, search, encoding,
// logging and metrics.
func BenchmarkSearchHandler(b *testing.B) {
	s := benchServer(b)
	for _, m := range benchModes {
		b.Run(string(m), func(b *testing.B) {
			body := benchBody(m)
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", "/v1/collections/wiki/search", bytes.NewReader(body))
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code, rec.Body.String())
				}
			}
		})
	}
}

// BenchmarkSearchLoopback is one client over a loopback TCP connection with keep-alive.
func BenchmarkSearchLoopback(b *testing.B) {
	url := serveLoopback(b, benchServer(b)) + "/v1/collections/wiki/search"
	client := &http.Client{}
	for _, m := range benchModes {
		b.Run(string(m), func(b *testing.B) {
			b.ReportAllocs()
			postLoop(b, client, url, benchBody(m))
		})
	}
}

// serveLoopback serves h on a loopback port until the benchmark ends and returns its URL.
func serveLoopback(b *testing.B, h http.Handler) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: h}
	go hs.Serve(l)
	b.Cleanup(func() { hs.Close() })
	return "http://" + l.Addr().String()
}

// postLoop posts body to url once per benchmark iteration, reading each answer whole.
func postLoop(b *testing.B, client *http.Client, url string, body []byte) {
	for b.Loop() {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.StatusCode)
		}
	}
}

// BenchmarkLoopbackFloor is a bare net/http handler that busy-waits as long as a search
// takes and answers 2 KB, over the same kind of loopback connection: what any Go server
// pays outside its handler on this machine. Subtract the wait from ns/op. The figure grows
// with the wait because an idle client side falls asleep and must be woken.
func BenchmarkLoopbackFloor(b *testing.B) {
	answer := bytes.Repeat([]byte("x"), 2048)
	for _, wait := range []time.Duration{0, 30 * time.Microsecond, 100 * time.Microsecond, 400 * time.Microsecond} {
		b.Run(wait.String(), func(b *testing.B) {
			url := serveLoopback(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				for t := time.Now(); time.Since(t) < wait; {
				}
				w.Write(answer)
			}))
			postLoop(b, &http.Client{}, url+"/", benchBody(vajra.Vector))
		})
	}
}
