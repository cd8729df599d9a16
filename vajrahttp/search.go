package vajrahttp

import (
	"fmt"
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
			locateFilterError(pe, serr, req.filterText, req.filterTree)
		case pe.Code == vajra.CodeDimensionMismatch && req.Vector != nil:
			pe.Field = "vector"
		case pe.Code == vajra.CodeModeUnavailable:
			pe.Field = "mode"
		case pe.Code == vajra.CodeInvalidField && req.Vector != nil:
			pe.Field = "vector"
		case pe.Code == vajra.CodeInvalidField:
			// The request parsed, so what the engine refuses is the query text: nothing
			// in it to embed.
			pe.Field = "query"
		case pe.Code == vajra.CodeDocumentNotFound:
			pe.Field = "explain_ids"
			for i, id := range req.ExplainIDs {
				if _, err := e.c.Get(id); vajra.ErrorCode(err) == vajra.CodeDocumentNotFound {
					pe.Field = fmt.Sprintf("explain_ids[%d]", i)
					pe.Detail = fmt.Sprintf("%s: collection %q has no document %q to explain", pe.Field, e.name, id)
					break
				}
			}
		}
		return pe
	}
	return writeJSON(w, http.StatusOK, *res)
}
