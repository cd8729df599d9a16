package vajrahttp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/vajrasearch/vajra"
)

func TestAuth(t *testing.T) {
	ts := newTestServer(t, Options{AdminKey: adminKey, ReadKey: readKey})
	cases := []struct {
		method, path, body, key string
		status                  int
	}{
		{"GET", "/healthz", "", "", 200},
		{"GET", "/readyz", "", "", 200},
		{"GET", "/", "", "", 200},
		{"GET", "/openapi.json", "", "", 401},
		{"GET", "/openapi.json", "", readKey, 200},
		{"GET", "/metrics", "", readKey, 200},
		{"GET", "/v1/collections", "", readKey, 200},
		{"GET", "/v1/collections/docs", "", readKey, 200},
		{"GET", "/v1/collections/docs/documents/1", "", readKey, 200},
		{"POST", "/v1/collections/docs/search", `{"query": "solar"}`, readKey, 200},
		{"GET", "/v1/collections/docs/export", "", readKey, 200},
		{"POST", "/v1/collections/docs/documents", `{"documents": [{"id": "k"}]}`, readKey, 403},
		{"POST", "/v1/collections/docs/documents", `{"documents": [{"id": "k", "title": "key"}]}`, adminKey, 200},
		{"PUT", "/v1/collections/made", `{}`, readKey, 403},
		{"PUT", "/v1/collections/made", `{}`, adminKey, 201},
		{"DELETE", "/v1/collections/made", "", adminKey, 204},
		{"POST", "/v1/collections/docs/search", `{"query": "solar"}`, "", 401},
		{"POST", "/v1/collections/docs/search", `{"query": "solar"}`, adminKey + "x", 401},
	}
	for _, tc := range cases {
		auth := ""
		if tc.key != "" {
			auth = "Bearer " + tc.key
		}
		r := ts.do(tc.method, tc.path, tc.body, "Authorization", auth)
		if r.status != tc.status {
			t.Errorf("%s %s with key %q: %d, want %d: %s", tc.method, tc.path, tc.key, r.status, tc.status, r.body)
		}
	}
	if _, err := New(Options{ReadKey: "r"}); err == nil {
		t.Error("a read key without an admin key was accepted")
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr, key string
		ok        bool
	}{
		{"127.0.0.1:7700", "", true},
		{"[::1]:7700", "", true},
		{"localhost:7700", "", true},
		{"0.0.0.0:7700", "", false},
		{":7700", "", false},
		{"192.0.2.1:7700", "", false},
		{"0.0.0.0:7700", "k", true},
		{"nonsense", "", false},
	} {
		err := CheckListen(tc.addr, tc.key)
		if (err == nil) != tc.ok {
			t.Errorf("CheckListen(%q, key %q) = %v", tc.addr, tc.key, err)
		}
	}
}

func TestCORS(t *testing.T) {
	ts := newTestServer(t, Options{CORSOrigins: []string{"https://app.example"}})
	r := ts.do("OPTIONS", "/v1/collections/docs/search", "", "Origin", "https://app.example", "Access-Control-Request-Method", "POST")
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
	r = ts.do("POST", "/v1/collections/docs/search", `{"query": "solar"}`, "Origin", "https://app.example")
	if r.header.Get("Access-Control-Allow-Origin") != "https://app.example" || !strings.Contains(r.header.Get("Vary"), "Origin") {
		t.Errorf("simple request: %v", r.header)
	}
	r = ts.do("POST", "/v1/collections/docs/search", `{"query": "solar"}`, "Origin", "https://evil.example")
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin allowed: %v", r.header)
	}
	if r := ts.do("OPTIONS", "/v1/collections/docs/search", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST"); r.status != 405 {
		t.Errorf("preflight from another origin: %d", r.status)
	}
}

// panicFS panics when the UI is read, standing in for a bug in a handler.
type panicFS struct{}

func (panicFS) Open(name string) (fs.File, error) { panic("bug in a handler") }

func TestPanicBecomesProblem(t *testing.T) {
	var logs bytes.Buffer
	ts := newTestServer(t, Options{UI: panicFS{}, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	r := ts.do("GET", "/index.html", "")
	if r.status != 500 || r.code() != "internal" {
		t.Fatalf("panic answered %d %s", r.status, r.body)
	}
	if !strings.Contains(logs.String(), "bug in a handler") {
		t.Error("the panic is not logged")
	}
	ts.mustStatus(200, "POST", "/v1/collections/docs/search", `{"query": "solar"}`)
}

func TestRequestLog(t *testing.T) {
	var logs bytes.Buffer
	ts := newTestServer(t, Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	logs.Reset()
	ts.mustStatus(200, "POST", "/v1/collections/docs/search", `{"query": "solar"}`)
	line := strings.TrimSpace(logs.String())
	for _, want := range []string{`"method":"POST"`, `"route":"POST /v1/collections/{name}/search"`, `"status":200`, `"ms":`, `"bytes":`} {
		if !strings.Contains(line, want) || strings.Count(line, "\n") != 0 {
			t.Errorf("log line %s lacks %s", line, want)
		}
	}
}

func TestUIFiles(t *testing.T) {
	ui := fstest.MapFS{
		"index.html":    {Data: []byte("<html>home</html>")},
		"app.js":        {Data: []byte("export const x = 1;")},
		"css/style.css": {Data: []byte("body{}")},
	}
	ts := newTestServer(t, Options{UI: ui})
	for path, ct := range map[string]string{"/": "text/html", "/app.js": "text/javascript", "/css/style.css": "text/css"} {
		r := ts.mustStatus(200, "GET", path, "")
		if !strings.HasPrefix(r.header.Get("Content-Type"), ct) {
			t.Errorf("%s: Content-Type %q", path, r.header.Get("Content-Type"))
		}
	}
	ts.mustStatus(404, "GET", "/nope.js", "")
	ts.mustStatus(405, "POST", "/app.js", "")
}

// startServing runs s.Serve on a loopback listener and returns its base URL and a stop
// function that returns Serve's error.
func startServing(t *testing.T, s *Server) (string, func() error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()
	return "http://" + l.Addr().String(), func() error { cancel(); return <-done }
}

func TestServeShutsDownGracefully(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	base, stop := startServing(t, s)
	req, _ := http.NewRequest("PUT", base+"/v1/collections/kept", strings.NewReader(`{"embedder": {"kind": "hash", "dim": 16}}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create: %v %v", resp, err)
	}
	resp.Body.Close()
	// An upload still streaming when the shutdown starts is finished and acknowledged.
	pr, pw := io.Pipe()
	uploaded := make(chan int, 1)
	go func() {
		resp, err := http.Post(base+"/v1/collections/kept/documents", "application/x-ndjson", pr)
		if err != nil {
			uploaded <- 0
			return
		}
		resp.Body.Close()
		uploaded <- resp.StatusCode
	}()
	fmt.Fprintln(pw, `{"id": "early", "title": "sent before the shutdown"}`)
	time.Sleep(100 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(100 * time.Millisecond)
	fmt.Fprintln(pw, `{"id": "late", "title": "sent during the shutdown"}`)
	pw.Close()
	if code := <-uploaded; code != 200 {
		t.Fatalf("the in-flight upload got %d", code)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	// Closed and flushed: the collection opens with both documents and no log to replay.
	c, err := vajra.Open(dir+"/kept", vajra.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Len() != 2 || c.Stats().LogBytes > 64 {
		t.Errorf("after shutdown: %d documents, %d log bytes", c.Len(), c.Stats().LogBytes)
	}
}

func TestSlowLorisHeadersAreCut(t *testing.T) {
	s, err := New(Options{DataDir: t.TempDir(), ReadHeaderTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	base, stop := startServing(t, s)
	defer stop()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprint(conn, "POST /v1/collections/x/documents HTTP/1.1\r\nHost: x\r\n")
	var cut error
	for i := 0; i < 40 && cut == nil; i++ { // one header line every 100 ms, never finishing
		time.Sleep(100 * time.Millisecond)
		_, cut = fmt.Fprintf(conn, "X-Slow-%d: %d\r\n", i, i)
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, rerr := bufio.NewReader(conn).ReadByte()
	if elapsed := time.Since(start); cut == nil && !errors.Is(rerr, io.EOF) && !isReset(rerr) || elapsed > 3500*time.Millisecond {
		t.Fatalf("slow headers were not cut: write %v, read %v after %v", cut, rerr, elapsed)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("server unhealthy after a slow client: %v", err)
	}
	resp.Body.Close()
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "reset") || strings.Contains(err.Error(), "closed"))
}

// TestConcurrentRequests exercises the server under the race detector: searches, uploads,
// exports, creates and drops at once.
func TestConcurrentRequests(t *testing.T) {
	ts := newTestServer(t, Options{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				switch (w + i) % 5 {
				case 0:
					ts.do("POST", "/v1/collections/docs/search", `{"query": "solar power", "highlight": true}`)
				case 1:
					ts.do("POST", "/v1/collections/docs/documents", fmt.Sprintf(`{"documents": [{"id": "c%d-%d", "title": "solar"}]}`, w, i))
				case 2:
					ts.do("GET", "/v1/collections/docs/export", "")
				case 3:
					name := fmt.Sprintf("tmp%d", w)
					ts.do("PUT", "/v1/collections/"+name, `{}`)
					ts.do("POST", "/v1/collections/"+name+"/search", `{"query": "x"}`)
					ts.do("DELETE", "/v1/collections/"+name, "")
				case 4:
					ts.do("GET", "/metrics", "")
					ts.do("GET", "/v1/collections", "")
				}
			}
		}()
	}
	wg.Wait()
}
