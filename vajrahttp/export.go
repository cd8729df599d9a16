package vajrahttp

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/vajrasearch/vajra"
)

// export streams every document as NDJSON, in the shape uploads take, so that an export can be
// uploaded into another collection. Documents carry their vectors when they cannot be
// recomputed for free (precomputed or OpenAI embedders), or as ?vectors=true|false says.
// Writes during an export may or may not be in it.
func (s *Server) export(w http.ResponseWriter, r *http.Request) *Error {
	e, err := s.reg.acquire(r.PathValue("name"))
	if err != nil {
		return err
	}
	defer e.release()
	kind := e.c.Options().Embedder.Kind
	withVectors := kind == vajra.EmbedderPrecomputed || kind == vajra.EmbedderOpenAI
	if v := r.URL.Query().Get("vectors"); v != "" {
		b, perr := strconv.ParseBool(v)
		if perr != nil {
			return errorf(vajra.CodeInvalidField, "vectors", "vectors=%q: want true or false", v)
		}
		withVectors = b
	}
	ids := e.c.IDs()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="`+e.name+`.ndjson"`)
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, id := range ids {
		if i%1024 == 0 {
			if r.Context().Err() != nil {
				return nil
			}
			rc.SetWriteDeadline(time.Now().Add(s.opts.WriteTimeout))
		}
		d, gerr := e.c.Get(id)
		if gerr != nil {
			continue // deleted since the list was taken
		}
		if err := enc.Encode(toJSONDoc(d, withVectors)); err != nil {
			return nil // the client is gone; the status is sent
		}
	}
	bw.Flush()
	return nil
}
