package vajrahttp

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3.1 description of every route; the handler tests check each
// response against it.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the OpenAPI 3.1 document of the API (JSON).
func OpenAPI() []byte { return append([]byte(nil), openAPI...) }

func serveOpenAPI(w http.ResponseWriter, r *http.Request) *Error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
	return nil
}
