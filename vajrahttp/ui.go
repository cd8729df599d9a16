package vajrahttp

import (
	"bytes"
	"embed"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// uiFiles is the web UI: plain HTML, CSS and JavaScript modules, no build step.
//
//go:embed ui
var uiFiles embed.FS

func embeddedUI() fs.FS {
	sub, err := fs.Sub(uiFiles, "ui")
	if err != nil {
		panic(err) // the embedded tree always has ui/
	}
	return sub
}

// uiCSP keeps the UI to its own files: no inline scripts, nothing from other origins.
const uiCSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// serveUI serves the UI's files at "/", index.html for "/" and for directories.
func (s *Server) serveUI(w http.ResponseWriter, r *http.Request) *Error {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	data, err := fs.ReadFile(s.opts.UI, name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "is a directory") {
			data, err = fs.ReadFile(s.opts.UI, path.Join(name, "index.html"))
			name = path.Join(name, "index.html")
		}
	}
	if err != nil {
		return errorf(CodeNotFound, "", "no file %s", r.URL.Path)
	}
	ct := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".js", ".mjs":
		ct = "text/javascript; charset=utf-8"
	case "":
		ct = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", uiCSP)
	h.Set("Referrer-Policy", "no-referrer")
	http.ServeContent(w, r, name, time.Time{}, io.ReadSeeker(bytes.NewReader(data)))
	return nil
}
