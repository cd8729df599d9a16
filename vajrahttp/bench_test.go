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

	"github.com/vajrasearch/vajra"
)

var (
	benchOnce sync.Once
	benchColl *vajra.Collection
)

// benchCollection is the built-in corpus, lexical only (cheap searches, so the HTTP layer's
// cost shows).
func benchCollection(b *testing.B) *vajra.Collection {
	benchOnce.Do(func() {
		docs, err := vajra.DefaultCorpus()
		if err != nil {
			b.Fatal(err)
		}
		c, err := vajra.New(vajra.Options{})
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

const benchQuery = `{"query": "american basketball player", "mode": "lexical", "limit": 10}`

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
	q := vajra.Query{Text: "american basketball player", Mode: vajra.Lexical, K: 10}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Search(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchHandler is the handler without a network: parsing, search, encoding,
// logging and metrics.
func BenchmarkSearchHandler(b *testing.B) {
	s := benchServer(b)
	body := []byte(benchQuery)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/v1/collections/wiki/search", bytes.NewReader(body))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkSearchLoopback is one client over a loopback TCP connection with keep-alive.
func BenchmarkSearchLoopback(b *testing.B) {
	s := benchServer(b)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: s}
	go hs.Serve(l)
	defer hs.Close()
	url := "http://" + l.Addr().String() + "/v1/collections/wiki/search"
	body := []byte(benchQuery)
	client := &http.Client{}
	b.ReportAllocs()
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
