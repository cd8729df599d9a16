package vajrahttp

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/vajrasearch/vajra"
)

// recorder remembers the status and size of a response, and the route that answered it, for
// the log line and the metrics.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	route  string
}

// setRoute records the route answering a request on its recorder.
func setRoute(w http.ResponseWriter, route string) {
	if rec, ok := w.(*recorder); ok {
		rec.route = route
	}
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (deadlines, flushing).
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *recorder) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// front is the outermost layer: logging, metrics, panics, CORS and path checks, then the
// mux (with its 404 and 405 answers turned into problem documents).
func (s *Server) front(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.opts.Logger.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if rec.status == 0 {
					writeProblem(rec, r, errorf(vajra.CodeInternal, "", "internal error: the server recovered from a bug while answering; it is logged"))
				}
			}
			s.finish(r, rec, time.Since(start))
		}()
		if s.cors(rec, r) {
			return
		}
		if e := checkPath(r); e != nil {
			rec.route = "invalid path"
			writeProblem(rec, r, e)
			return
		}
		h, pattern := mux.Handler(r)
		if pattern == "" {
			// The mux's own 404 or 405: keep its Allow header, answer with a problem.
			probe := &headerOnly{h: http.Header{}}
			h.ServeHTTP(probe, r)
			rec.route = "unmatched"
			if probe.status == http.StatusMethodNotAllowed {
				allow := strings.Split(probe.h.Get("Allow"), ", ")
				writeProblem(rec, r, methodNotAllowed(rec, r, allow))
				return
			}
			writeProblem(rec, r, errorf(CodeNotFound, "", "no route for %s %s", r.Method, r.URL.Path))
			return
		}
		mux.ServeHTTP(rec, r)
	})
}

// headerOnly captures what the mux's internal handlers answer, without sending it.
type headerOnly struct {
	h      http.Header
	status int
}

func (w *headerOnly) Header() http.Header         { return w.h }
func (w *headerOnly) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerOnly) WriteHeader(code int)        { w.status = code }

// finish logs the request on one line and counts it.
func (s *Server) finish(r *http.Request, rec *recorder, d time.Duration) {
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	route := rec.route
	if route == "" {
		route = "unmatched"
	}
	s.metrics.observe(route, status, d)
	level := slog.LevelInfo
	switch {
	case status == http.StatusServiceUnavailable:
		level = slog.LevelWarn // readyz while loading
	case status >= 500:
		level = slog.LevelError
	}
	s.opts.Logger.LogAttrs(r.Context(), level, "request",
		slog.String("method", r.Method), slog.String("route", route), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.Float64("ms", float64(d.Microseconds())/1000), slog.Int64("bytes", rec.bytes),
		slog.String("remote", r.RemoteAddr))
}

// checkPath refuses paths with empty, "." or ".." segments (also when percent-encoded), which
// the mux would otherwise redirect, and NUL bytes anywhere.
func checkPath(r *http.Request) *Error {
	p := r.URL.Path
	if strings.IndexByte(p, 0) >= 0 || strings.IndexByte(r.URL.RawPath, 0) >= 0 {
		return pathError(p, "the path holds a NUL byte")
	}
	if p == "/" {
		return nil
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, seg := range segs {
		last := i == len(segs)-1
		if seg == "." || seg == ".." || (seg == "" && !last) {
			return pathError(p, fmt.Sprintf("path segment %q is not allowed", seg))
		}
	}
	return nil
}

func pathError(p, msg string) *Error {
	if strings.HasPrefix(p, "/v1/collections/") {
		return errorf(vajra.CodeInvalidField, "name", "%s: %s", msg, "collection names and document ids in paths may not be empty, \".\" or \"..\"")
	}
	return errorf(CodeNotFound, "", "%s", msg)
}

// wrap applies a route's authentication, body limit and loading wait around its handler.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setRoute(w, rt.pattern)
		if e := s.authorize(r, rt.access); e != nil {
			writeProblem(w, r, e)
			return
		}
		if !rt.stream && r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBody)
		}
		if rt.collections {
			if e := s.waitLoaded(r.Context()); e != nil {
				writeProblem(w, r, e)
				return
			}
		}
		if e := rt.h(w, r); e != nil {
			writeProblem(w, r, e)
		}
	})
}

// authorize checks the bearer token against what the route needs.
func (s *Server) authorize(r *http.Request, need access) *Error {
	if need == public || s.opts.AdminKey == "" {
		return nil
	}
	auth := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(auth, " ")
	if auth == "" {
		return errorf(vajra.CodeUnauthorized, "", "this server needs an API key: send Authorization: Bearer KEY")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return errorf(vajra.CodeUnauthorized, "", "the Authorization header must be Bearer KEY")
	}
	token = strings.TrimSpace(token)
	switch {
	case keyEqual(token, s.opts.AdminKey):
		return nil
	case s.opts.ReadKey != "" && keyEqual(token, s.opts.ReadKey):
		if need == admin {
			return errorf(vajra.CodeForbidden, "", "the read key cannot %s %s: it allows searching and reading only", r.Method, r.URL.Path)
		}
		return nil
	}
	return errorf(vajra.CodeUnauthorized, "", "the API key is not valid")
}

// keyEqual compares in constant time, so response times do not leak the key.
func keyEqual(a, b string) bool {
	return b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// cors adds the CORS headers for an allowed origin, and answers preflight requests. It
// reports whether the request has been answered.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || len(s.opts.CORSOrigins) == 0 {
		return false
	}
	allowAny := slices.Contains(s.opts.CORSOrigins, "*")
	if !allowAny && !slices.Contains(s.opts.CORSOrigins, origin) {
		return false
	}
	h := w.Header()
	if allowAny {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
	h.Set("Access-Control-Expose-Headers", "Digest, Content-Digest, Content-Length, Location")
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Digest, Content-Digest")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}
