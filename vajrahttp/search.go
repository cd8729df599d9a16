package vajrahttp

import (
	"net/http"

	"github.com/vajrasearch/vajra"
)

// search answers POST /v1/collections/{name}/search with vajra.Results.
func (s *Server) search(w http.ResponseWriter, r *http.Request) *Error {
	body, err := readBody(r.Body)
	if err != nil {
		return err
	}
	req, err := parseSearchRequest(body)
	if err != nil {
		return err
	}
	e, err := s.reg.acquire(r.PathValue("name"))
	if err != nil {
		return err
	}
	defer e.release()
	res, serr := e.c.Search(r.Context(), req.VajraQuery())
	if serr != nil {
		pe := fromVajra(serr)
		switch {
		case pe.Field != "":
		case pe.Code == vajra.CodeInvalidFilter:
			pe.Field = "filter"
		case pe.Code == vajra.CodeDimensionMismatch && req.Vector != nil:
			pe.Field = "vector"
		case pe.Code == vajra.CodeModeUnavailable:
			pe.Field = "mode"
		}
		return pe
	}
	return writeJSON(w, http.StatusOK, *res)
}
