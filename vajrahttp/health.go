package vajrahttp

import (
	"net/http"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) *Error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 once every collection is open (or failed to open: those are listed), 503
// while the server is still loading.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) *Error {
	if !s.ready() {
		return writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "loading"})
	}
	s.reg.mu.RLock()
	failed := make(map[string]string, len(s.reg.failed))
	for k, v := range s.reg.failed {
		failed[k] = v
	}
	n := len(s.reg.m)
	s.reg.mu.RUnlock()
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "collections": n, "failed": failed})
}
