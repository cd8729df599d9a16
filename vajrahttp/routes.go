package vajrahttp

import (
	"net/http"
	"strings"

	"github.com/vajrasearch/vajra"
)

// access is what a route needs from the caller when keys are set.
type access int

const (
	public access = iota // no key
	reader               // the read key or the admin key
	admin                // the admin key
)

// route is one entry of the API.
type route struct {
	pattern string
	access  access
	// collections says the route uses the served collections, so it waits for Load.
	collections bool
	// stream says the route reads its body as a stream: the body limit applies per line,
	// and the read deadline moves with progress.
	stream bool
	h      func(w http.ResponseWriter, r *http.Request) *Error
}

// catchAll matches every path no other route does: the UI's files, and the answers for
// paths and methods the API does not have.
const catchAll = "/"

func (s *Server) routes() []route {
	return []route{
		{pattern: "GET /healthz", access: public, h: s.healthz},
		{pattern: "GET /readyz", access: public, h: s.readyz},
		{pattern: "GET /metrics", access: reader, h: s.serveMetrics},
		{pattern: "GET /openapi.json", access: reader, h: serveOpenAPI},

		{pattern: "GET /v1/collections", access: reader, collections: true, h: s.listCollections},
		{pattern: "PUT /v1/collections/{name}", access: admin, collections: true, stream: true, h: s.putCollection},
		{pattern: "GET /v1/collections/{name}", access: reader, collections: true, h: s.getCollection},
		{pattern: "DELETE /v1/collections/{name}", access: admin, collections: true, h: s.deleteCollection},
		{pattern: "POST /v1/collections/{name}/documents", access: admin, collections: true, stream: true, h: s.upsertDocuments},
		{pattern: "GET /v1/collections/{name}/documents/{id}", access: reader, collections: true, h: s.getDocument},
		{pattern: "POST /v1/collections/{name}/documents/delete", access: admin, collections: true, h: s.deleteDocuments},
		{pattern: "POST /v1/collections/{name}/search", access: reader, collections: true, h: s.search},
		{pattern: "GET /v1/collections/{name}/export", access: reader, collections: true, h: s.export},
		{pattern: "POST /v1/collections/{name}/snapshot", access: admin, collections: true, h: s.snapshot},

		{pattern: catchAll, access: public, h: s.fallback},
	}
}

// probeMethods are the methods tried to tell "no such path" from "wrong method".
var probeMethods = []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete}

// fallback serves the UI's files (GET and HEAD outside /v1/), and otherwise answers 405 when
// the path exists with other methods, else 404.
func (s *Server) fallback(w http.ResponseWriter, r *http.Request) *Error {
	if !strings.HasPrefix(r.URL.Path, "/v1/") {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			return s.serveUI(w, r)
		}
		return methodNotAllowed(w, r, []string{http.MethodGet, http.MethodHead})
	}
	var allowed []string
	for _, m := range probeMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := s.mux.Handler(probe); p != "" && p != catchAll {
			allowed = append(allowed, m)
			if m == http.MethodGet {
				allowed = append(allowed, http.MethodHead)
			}
		}
	}
	if len(allowed) > 0 {
		return methodNotAllowed(w, r, allowed)
	}
	return errorf(CodeNotFound, "", "no route for %s %s", r.Method, r.URL.Path)
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed []string) *Error {
	allow := ""
	for i, m := range allowed {
		if i > 0 {
			allow += ", "
		}
		allow += m
	}
	w.Header().Set("Allow", allow)
	return errorf(vajra.CodeMethodNotAllowed, "", "%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, allow)
}
