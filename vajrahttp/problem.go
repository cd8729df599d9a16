package vajrahttp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/vajrasearch/vajra"
)

// CodeNotFound answers a path that names no route (the API's other codes are vajra.Code*).
const CodeNotFound = "not_found"

// Error is a failed request: the problem document's code, HTTP status and detail, with the
// request field or filter position at fault when there is one. Handlers return it; parsing
// functions such as ParseSearchRequest return it too, so other front doors can map the same
// failures to the same codes.
type Error struct {
	Status int
	Code   string
	Detail string
	// Field names the request member at fault, as a path like "fusion.rrf_k",
	// "documents[3].vector" or "filter.and[1].op" ("" when none is).
	Field string
	// Position is the 0-based byte offset of a filter syntax error in the filter text, or -1.
	Position int
	// Extra members added to the problem document (an NDJSON upload's report, say).
	Extra map[string]any
	err   error
}

func (e *Error) Error() string {
	if e.Field != "" && !strings.Contains(e.Detail, e.Field) {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Detail)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Detail)
}

func (e *Error) Unwrap() error { return e.err }

// statusOf is the HTTP status of each code.
var statusOf = map[string]int{
	vajra.CodeBadJSON:            http.StatusBadRequest,
	vajra.CodeInvalidField:       http.StatusBadRequest,
	vajra.CodeUnknownField:       http.StatusBadRequest,
	vajra.CodeInvalidFilter:      http.StatusBadRequest,
	vajra.CodeDimensionMismatch:  http.StatusBadRequest,
	vajra.CodeModeUnavailable:    http.StatusBadRequest,
	vajra.CodeCollectionNotFound: http.StatusNotFound,
	vajra.CodeDocumentNotFound:   http.StatusNotFound,
	CodeNotFound:                 http.StatusNotFound,
	vajra.CodeCollectionExists:   http.StatusConflict,
	vajra.CodeEmbedderFailed:     http.StatusBadGateway,
	vajra.CodePayloadTooLarge:    http.StatusRequestEntityTooLarge,
	vajra.CodeUnauthorized:       http.StatusUnauthorized,
	vajra.CodeForbidden:          http.StatusForbidden,
	vajra.CodeReadOnly:           http.StatusForbidden,
	vajra.CodeMethodNotAllowed:   http.StatusMethodNotAllowed,
	vajra.CodeInternal:           http.StatusInternalServerError,
}

// titles are the problem documents' short, fixed summaries.
var titles = map[string]string{
	vajra.CodeBadJSON:            "Malformed JSON",
	vajra.CodeInvalidField:       "Invalid field",
	vajra.CodeUnknownField:       "Unknown field",
	vajra.CodeInvalidFilter:      "Invalid filter",
	vajra.CodeDimensionMismatch:  "Vector dimension mismatch",
	vajra.CodeModeUnavailable:    "Search mode unavailable",
	vajra.CodeCollectionNotFound: "Collection not found",
	vajra.CodeDocumentNotFound:   "Document not found",
	CodeNotFound:                 "Not found",
	vajra.CodeCollectionExists:   "Collection exists",
	vajra.CodeEmbedderFailed:     "Embedder failed",
	vajra.CodePayloadTooLarge:    "Payload too large",
	vajra.CodeUnauthorized:       "Unauthorized",
	vajra.CodeForbidden:          "Forbidden",
	vajra.CodeReadOnly:           "Read-only collection",
	vajra.CodeMethodNotAllowed:   "Method not allowed",
	vajra.CodeInternal:           "Internal error",
}

// errorf returns an *Error with the code's status.
func errorf(code, field, format string, args ...any) *Error {
	return &Error{Status: statusOf[code], Code: code, Field: field, Detail: fmt.Sprintf(format, args...), Position: -1}
}

// fromVajra maps an error of the vajra package (or an *Error) to an *Error.
func fromVajra(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: vajra.CodePayloadTooLarge, Position: -1,
			Detail: fmt.Sprintf("the request body is over the server's limit of %d bytes", mbe.Limit), err: err}
	}
	code := vajra.ErrorCode(err)
	if _, ok := statusOf[code]; !ok {
		code = vajra.CodeInternal // closed, corrupt, locked, busy: the server's trouble, not the request's
	}
	out := &Error{Status: statusOf[code], Code: code, Detail: err.Error(), Position: -1, err: err}
	if pos, ok := vajra.FilterErrorPosition(err); ok {
		out.Position = pos
		out.Field = "filter"
	}
	if path, ok := vajra.FilterErrorPath(err); ok {
		out.Field = joinPath("filter", path)
	}
	return out
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case b[0] == '[':
		return a + b
	}
	return a + "." + b
}

// problem is the RFC 9457 document.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
	Position *int   `json:"position,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// problemType is the URI naming a code's problem type; it resolves to the API documentation.
func problemType(code string) string { return "/openapi.json#/components/x-problem-codes/" + code }

// writeProblem sends e as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, e *Error) {
	if e.Status == 0 {
		e.Status = statusOf[e.Code]
	}
	if e.Status == 0 {
		e.Status = http.StatusInternalServerError
	}
	p := problem{Type: problemType(e.Code), Title: titles[e.Code], Status: e.Status, Detail: e.Detail, Code: e.Code, Field: e.Field}
	if e.Position >= 0 {
		p.Position = &e.Position
	}
	if r != nil {
		p.Instance = r.URL.Path
	}
	var body []byte
	var err error
	if len(e.Extra) > 0 {
		m := map[string]any{}
		for k, v := range e.Extra {
			m[k] = v
		}
		b, _ := json.Marshal(p)
		json.Unmarshal(b, &m)
		body, err = json.Marshal(m)
	} else {
		body, err = json.Marshal(p)
	}
	if err != nil {
		body = []byte(`{"type":"about:blank","title":"Internal error","status":500,"detail":"cannot encode the error","code":"internal"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", fmt.Sprint(len(body)+1))
	h.Del("Content-Digest")
	h.Del("Digest")
	if e.Code == vajra.CodeUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="vajra"`)
	}
	w.WriteHeader(e.Status)
	w.Write(append(body, '\n'))
}
