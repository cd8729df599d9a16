package vajrahttp

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vajrasearch/vajra"
)

// progressReader moves the connection's read deadline forward while data arrives, so a long
// upload is not cut by the server's read timeout while a stalled one still is.
type progressReader struct {
	r       io.Reader
	rc      *http.ResponseController
	timeout time.Duration
	last    time.Time
}

func (p *progressReader) Read(b []byte) (int, error) {
	if now := time.Now(); now.Sub(p.last) > time.Second {
		p.rc.SetReadDeadline(now.Add(p.timeout))
		p.last = now
	}
	return p.r.Read(b)
}

func (s *Server) streamBody(w http.ResponseWriter, r *http.Request) io.Reader {
	return &progressReader{r: r.Body, rc: http.NewResponseController(w), timeout: s.opts.ReadTimeout}
}

// digestHeader formats a SHA-256 for the Digest header (RFC 3230: "sha-256=<base64>").
func digestHeader(sum [32]byte) string {
	return "sha-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// snapshot answers POST /v1/collections/{name}/snapshot with a consistent tar of the
// collection (vajra.Collection.Backup), its SHA-256 in the Digest and Content-Digest headers.
// The archive is written to a temporary file first, so the digest can lead the body and the
// collection's writers wait only for the local copy, not for the client.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) *Error {
	e, err := s.reg.acquire(r.PathValue("name"))
	if err != nil {
		return err
	}
	tmpDir := s.opts.DataDir
	if tmpDir == "" {
		tmpDir = os.TempDir()
	}
	f, ferr := os.CreateTemp(tmpDir, ".snapshot-"+e.name+"-*.tar")
	if ferr != nil {
		e.release()
		return errorf(vajra.CodeInternal, "", "snapshot: %v", ferr)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	info, berr := e.c.Backup(r.Context(), f)
	e.release()
	if berr != nil {
		return fromVajra(fmt.Errorf("snapshot %s: %w", e.name, berr))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return errorf(vajra.CodeInternal, "", "snapshot: %v", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-tar")
	h.Set("Content-Length", strconv.FormatInt(info.Bytes, 10))
	h.Set("Content-Disposition", `attachment; filename="`+e.name+`.tar"`)
	h.Set("Digest", digestHeader(info.SHA256))
	h.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(info.SHA256[:])+":")
	h.Set("X-Vajra-Documents", strconv.Itoa(info.Documents))
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	buf := make([]byte, 1<<20)
	for {
		rc.SetWriteDeadline(time.Now().Add(s.opts.WriteTimeout))
		n, rerr := f.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return nil // the client is gone; the status is sent
			}
		}
		if rerr != nil {
			return nil
		}
	}
}

// requestDigest reads the SHA-256 a restore's body must have, from Digest (sha-256=<b64>)
// or Content-Digest (sha-256=:<b64>:); ok is false when neither header is sent.
func requestDigest(r *http.Request) (sum [32]byte, ok bool, e *Error) {
	for _, name := range []string{"Content-Digest", "Digest"} {
		v := r.Header.Get(name)
		if v == "" {
			continue
		}
		for _, part := range strings.Split(v, ",") {
			alg, val, found := strings.Cut(strings.TrimSpace(part), "=")
			if !found || !strings.EqualFold(alg, "sha-256") {
				continue
			}
			val = strings.Trim(val, ":")
			b, err := base64.StdEncoding.DecodeString(val)
			if err != nil || len(b) != sha256.Size {
				return sum, false, errorf(vajra.CodeInvalidField, name, "%s: %q is not a base64 SHA-256", name, val)
			}
			copy(sum[:], b)
			return sum, true, nil
		}
		return sum, false, errorf(vajra.CodeInvalidField, name, "%s: no sha-256 value in %q", name, v)
	}
	return sum, false, nil
}

// restore answers PUT /v1/collections/{name}?restore: the body is an archive from the
// snapshot route; it becomes a new collection once every file checks out and, when the
// request carries a Digest, the whole body matches it.
func (s *Server) restore(w http.ResponseWriter, r *http.Request, name string) *Error {
	want, hasDigest, derr := requestDigest(r)
	if derr != nil {
		return derr
	}
	if s.opts.DataDir == "" {
		return errorf(vajra.CodeReadOnly, "", "this server has no data directory: start it with --data DIR to restore collections")
	}
	if err := s.reg.reserve(name); err != nil {
		return err
	}
	defer s.reg.unreserve(name)
	dir := s.reg.dir(name)
	info, rerr := vajra.Restore(r.Context(), s.streamBody(w, r), dir)
	// The answer comes after the whole upload: give it the full write timeout from now.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.opts.WriteTimeout))
	if rerr != nil {
		e := fromVajra(rerr)
		e.Detail = strings.ReplaceAll(e.Detail, dir, name) // never show the server's paths
		if e.Code == vajra.CodeInvalidField {
			e.Field = "body"
		}
		return e
	}
	if hasDigest && info.SHA256 != want {
		if err := vajra.Remove(dir); err != nil {
			s.opts.Logger.Error("removing a restore whose digest differs", "collection", name, "err", err)
		}
		return errorf(vajra.CodeInvalidField, "Digest", "Digest: the body's SHA-256 is %s, the request says %s; nothing was restored",
			digestHeader(info.SHA256), digestHeader(want))
	}
	c, oerr := vajra.Open(dir, s.opts.Open)
	if oerr != nil {
		return errorf(vajra.CodeInternal, "", "open the restored collection %q: %s", name, strings.ReplaceAll(oerr.Error(), dir, name))
	}
	if err := s.reg.add(name, c, false); err != nil {
		c.Close()
		return fromVajra(err)
	}
	s.opts.Logger.Info("collection restored", "collection", name, "documents", info.Documents, "bytes", info.Bytes)
	e, err := s.reg.acquire(name)
	if err != nil {
		return err
	}
	defer e.release()
	w.Header().Set("Location", "/v1/collections/"+name)
	w.Header().Set("Digest", digestHeader(info.SHA256))
	return writeJSON(w, http.StatusCreated, statsOf(e))
}
