// Package vajrahttp serves Vajra collections over HTTP: the JSON API under /v1 (collections,
// documents, search, export, snapshots), health and readiness probes, Prometheus metrics, the
// OpenAPI document of the API, and the web UI, all from one http.Handler. It sits beside the
// vajra package the way net/http/pprof sits beside net/http: it only calls vajra's public API.
//
//	srv, err := vajrahttp.New(vajrahttp.Options{DataDir: "data"})
//	err = srv.Load(ctx)                  // open every collection in data/
//	err = srv.Serve(ctx, listener)       // until ctx ends; then drains and closes
//
// Errors are RFC 9457 problem documents (application/problem+json) whose "code" is one of the
// stable codes of package vajra (vajra.CodeBadJSON, ...), plus "not_found" for a path that
// names no route. SearchRequest is the search request of the API, exported so that other
// front doors parse the same JSON into the same vajra.Query.
package vajrahttp
