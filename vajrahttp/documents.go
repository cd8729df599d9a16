package vajrahttp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/vajrasearch/vajra"
)

// Batching of NDJSON uploads: a batch is committed (one durable write) once it holds this
// many documents or line bytes, whichever comes first.
const (
	uploadBatchDocs  = 1000
	uploadBatchBytes = 8 << 20
	// maxReportedErrors bounds the "errors" list of an upload answer; "error_count" counts all.
	maxReportedErrors = 1000
	// maxFirstLine bounds ?first_line, so that shifted line numbers stay exact in JSON.
	maxFirstLine = 1 << 50
)

// document is the JSON form of a document, the CLI's JSONL shape.
type document struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Content  string         `json:"content"`
	Metadata map[string]any `json:"metadata,omitempty"`
	Vector   []float32      `json:"vector,omitempty"`
}

func toJSONDoc(d vajra.Document, withVector bool) document {
	out := document{ID: d.ID, Title: d.Title, Content: d.Content, Metadata: d.Metadata}
	if withVector {
		out.Vector = d.Vector
	}
	return out
}

// lineError is one rejected line of an upload.
type lineError struct {
	Line   int    `json:"line"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// uploadReport answers an upload.
type uploadReport struct {
	Upserted int         `json:"upserted"`
	Batches  int         `json:"batches"`
	Errors   []lineError `json:"errors"`
	// ErrorCount counts every rejected line, including those beyond the reported list.
	ErrorCount int `json:"error_count"`
}

func (u *uploadReport) addError(le lineError) {
	u.ErrorCount++
	if len(u.Errors) < maxReportedErrors {
		u.Errors = append(u.Errors, le)
	}
}

// writable acquires a collection for writing.
func (s *Server) writable(name string) (*entry, *Error) {
	e, err := s.reg.acquire(name)
	if err != nil {
		return nil, err
	}
	if e.readOnly {
		e.release()
		return nil, errorf(vajra.CodeReadOnly, "name", "collection %q is read-only", name)
	}
	return e, nil
}

func (s *Server) upsertDocuments(w http.ResponseWriter, r *http.Request) *Error {
	ct := r.Header.Get("Content-Type")
	mt := "application/json"
	if ct != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			return errorf(vajra.CodeInvalidField, "Content-Type", "Content-Type %q: %v", ct, err)
		}
	}
	switch mt {
	case "application/json":
	case "application/x-ndjson", "application/jsonl", "application/x-jsonlines":
	default:
		e := errorf(vajra.CodeInvalidField, "Content-Type", "Content-Type %q: send application/json ({\"documents\": [...]}) or application/x-ndjson (one document per line)", mt)
		e.Status = http.StatusUnsupportedMediaType
		return e
	}
	onError := r.URL.Query().Get("on_error")
	switch onError {
	case "", "stop", "skip":
	default:
		return errorf(vajra.CodeInvalidField, "on_error", "on_error=%q: want stop or skip", onError)
	}
	firstLine := 1
	if v := r.URL.Query().Get("first_line"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxFirstLine {
			return errorf(vajra.CodeInvalidField, "first_line", "first_line=%q: want a line number from 1 to %d", v, maxFirstLine)
		}
		firstLine = n
	}
	e, err := s.writable(r.PathValue("name"))
	if err != nil {
		return err
	}
	defer e.release()
	if mt == "application/json" {
		return s.upsertJSON(w, r, e)
	}
	return s.upsertNDJSON(w, r, e, onError == "skip", firstLine-1)
}

// upsertJSON stores {"documents": [...]} as one write: all of them or none.
func (s *Server) upsertJSON(w http.ResponseWriter, r *http.Request, e *entry) *Error {
	body, err := readBody(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		return err
	}
	obj, err := parseObject(body, "")
	if err != nil {
		return err
	}
	raw, ok := obj.take("documents")
	if !ok {
		return errorf(vajra.CodeInvalidField, "documents", "documents: missing (send {\"documents\": [...]})")
	}
	if err := obj.done(); err != nil {
		return err
	}
	var raws []json.RawMessage
	if kindOf(raw) != "an array" || json.Unmarshal(raw, &raws) != nil {
		return errorf(vajra.CodeInvalidField, "documents", "documents: expected an array of documents, found %s", kindOf(raw))
	}
	docs := make([]vajra.Document, len(raws))
	for i, rd := range raws {
		d, perr := vajra.ParseDocument(rd)
		if perr != nil {
			return documentError(perr, fmt.Sprintf("documents[%d]", i), 0)
		}
		docs[i] = d
	}
	rep := uploadReport{Errors: []lineError{}}
	if len(docs) > 0 {
		wr, uerr := e.c.Upsert(r.Context(), docs)
		if uerr != nil {
			return fromVajra(uerr)
		}
		rep.Upserted, rep.Batches = wr.Added+wr.Replaced, 1
	}
	return writeJSON(w, http.StatusOK, rep)
}

// documentError maps a document parse error to a problem naming the member at fault; the
// line it names is shifted by lineBase.
func documentError(err error, path string, lineBase int) *Error {
	e := fromVajra(err)
	var le *vajra.LineError
	if errors.As(err, &le) {
		e.Field = joinPath(path, le.Field)
		e.Detail = le.Err.Error()
		if e.Field != "" {
			e.Detail = e.Field + ": " + e.Detail
		}
		if le.Line > 0 {
			e.Detail = fmt.Sprintf("line %d: %s", le.Line+lineBase, e.Detail)
		}
	}
	return e
}

// pending is a batch of an upload not yet committed.
type pending struct {
	docs  []vajra.Document
	lines []int
	bytes int
}

// upsertNDJSON streams one document per line, committing in batches: memory holds one batch,
// whatever the length of the upload. Line numbers in the answer are the body's plus lineBase
// (first_line − 1), so a client sending a file in pieces gets the file's.
func (s *Server) upsertNDJSON(w http.ResponseWriter, r *http.Request, e *entry, skip bool, lineBase int) *Error {
	rc := http.NewResponseController(w)
	dr, derr := vajra.NewDocumentReader(s.streamBody(w, r), "body", vajra.LoadOptions{MaxLineBytes: int(min(s.opts.MaxBody, 1<<30))})
	if derr != nil {
		return errorf(vajra.CodeInternal, "", "%v", derr)
	}
	rep := uploadReport{Errors: []lineError{}}
	var batch pending
	// commit writes the pending batch; on failure it retries document by document to find
	// the bad one(s), so that everything before a bad line is committed and counted.
	commit := func() (stop *Error) {
		if len(batch.docs) == 0 {
			return nil
		}
		defer func() { batch = pending{} }()
		wr, err := e.c.Upsert(r.Context(), batch.docs)
		if err == nil {
			rep.Upserted += wr.Added + wr.Replaced
			rep.Batches++
			return nil
		}
		if !perDocument(err) {
			return fromVajra(err)
		}
		for i, d := range batch.docs {
			wr, err := e.c.Upsert(r.Context(), []vajra.Document{d})
			if err == nil {
				rep.Upserted += wr.Added + wr.Replaced
				rep.Batches++
				continue
			}
			if !perDocument(err) {
				return fromVajra(err)
			}
			pe := fromVajra(err)
			rep.addError(lineError{Line: batch.lines[i], Code: pe.Code, Detail: pe.Detail})
			if !skip {
				return pe
			}
		}
		return nil
	}
	var failure *Error
	for {
		d, err := dr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			pe := documentError(err, "", lineBase)
			if pe.Code == vajra.CodeInternal { // the stream itself failed: client gone, timeout
				failure = errorf(vajra.CodeBadJSON, "", "reading the body failed after line %d: %v", dr.Line()+lineBase, errors.Unwrap(err))
			} else {
				rep.addError(lineError{Line: dr.Line() + lineBase, Code: pe.Code, Detail: pe.Detail})
				if skip {
					continue
				}
				failure = pe
			}
			if stop := commit(); stop != nil {
				failure = stop
			}
			break
		}
		batch.docs = append(batch.docs, d)
		batch.lines = append(batch.lines, dr.Line()+lineBase)
		batch.bytes += len(d.Content) + len(d.Title) + 4*len(d.Vector)
		if len(batch.docs) >= uploadBatchDocs || batch.bytes >= uploadBatchBytes {
			if failure = commit(); failure != nil {
				break
			}
		}
	}
	if failure == nil {
		failure = commit()
	}
	rc.SetWriteDeadline(time.Now().Add(s.opts.WriteTimeout))
	if failure != nil {
		failure.Extra = map[string]any{"upserted": rep.Upserted, "batches": rep.Batches, "errors": rep.Errors, "error_count": rep.ErrorCount}
		return failure
	}
	return writeJSON(w, http.StatusOK, rep)
}

// perDocument reports whether a write error is about the documents (so another document
// may succeed) rather than the collection or the embedder.
func perDocument(err error) bool {
	switch vajra.ErrorCode(err) {
	case vajra.CodeInvalidField, vajra.CodeDimensionMismatch, vajra.CodePayloadTooLarge:
		return true
	}
	return false
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) *Error {
	e, err := s.reg.acquire(r.PathValue("name"))
	if err != nil {
		return err
	}
	defer e.release()
	id := r.PathValue("id")
	d, gerr := e.c.Get(id)
	if gerr != nil {
		pe := fromVajra(gerr)
		if pe.Code == vajra.CodeDocumentNotFound {
			pe.Field = "id"
			pe.Detail = fmt.Sprintf("collection %q has no document %q", e.name, id)
		}
		return pe
	}
	return writeJSON(w, http.StatusOK, toJSONDoc(d, r.URL.Query().Get("vector") == "true"))
}

// deleteDocuments removes {"ids": [...]} or the documents matching {"filter": ...}.
func (s *Server) deleteDocuments(w http.ResponseWriter, r *http.Request) *Error {
	body, err := readBody(r.Body)
	if err != nil {
		return err
	}
	obj, err := parseObject(body, "")
	if err != nil {
		return err
	}
	rawIDs, hasIDs := obj.take("ids")
	rawFilter, hasFilter := obj.take("filter")
	if err := obj.done(); err != nil {
		return err
	}
	if hasIDs == hasFilter {
		return errorf(vajra.CodeInvalidField, "ids", "give either \"ids\" (an array of ids) or \"filter\", not %s", map[bool]string{true: "both", false: "neither"}[hasIDs])
	}
	var ids []string
	var where *vajra.Filter
	var filterText string
	var filterTree any
	if hasIDs {
		if kindOf(rawIDs) != "an array" || json.Unmarshal(rawIDs, &ids) != nil {
			return errorf(vajra.CodeInvalidField, "ids", "ids: expected an array of strings")
		}
	} else {
		f, ferr := parseFilter(rawFilter, "filter")
		if ferr != nil {
			return ferr
		}
		if f == nil {
			return errorf(vajra.CodeInvalidField, "filter", "filter: an empty filter would delete every document; delete the collection instead")
		}
		where = f
		filterText, filterTree = filterSource(rawFilter)
	}
	e, err := s.writable(r.PathValue("name"))
	if err != nil {
		return err
	}
	defer e.release()
	var rep vajra.WriteReport
	var derr error
	if where != nil {
		rep, derr = e.c.DeleteWhere(r.Context(), *where)
	} else {
		rep, derr = e.c.Delete(r.Context(), ids)
	}
	if derr != nil {
		pe := fromVajra(derr)
		if pe.Code == vajra.CodeInvalidFilter && pe.Field == "" {
			pe.Field = "filter"
			locateFilterError(pe, derr, filterText, filterTree)
		}
		return pe
	}
	return writeJSON(w, http.StatusOK, map[string]int{"deleted": rep.Deleted})
}
