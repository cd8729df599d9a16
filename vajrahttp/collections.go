package vajrahttp

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/vajrasearch/vajra"
)

// embedderInfo describes a collection's embedder, in the shape of the create request.
type embedderInfo struct {
	Kind  string `json:"kind"`
	Model string `json:"model,omitempty"`
	URL   string `json:"url,omitempty"`
	Dim   int    `json:"dim,omitempty"`
}

// collectionSummary is one entry of the collection list.
type collectionSummary struct {
	Name      string       `json:"name"`
	Documents int          `json:"documents"`
	Dimension int          `json:"dimension"`
	Embedder  embedderInfo `json:"embedder"`
	Modes     []vajra.Mode `json:"modes"`
	ReadOnly  bool         `json:"read_only"`
}

// collectionStats is the answer of GET /v1/collections/{name}.
type collectionStats struct {
	collectionSummary
	Terms       int    `json:"terms"`
	Vectors     int    `json:"vectors"`
	Metric      string `json:"metric,omitempty"`
	Profile     string `json:"profile,omitempty"`
	Segments    int    `json:"segments"`
	BytesOnDisk int64  `json:"bytes_on_disk"`
	LogBytes    int64  `json:"log_bytes"`
	Generation  uint64 `json:"generation"`
	// MetadataFields are the metadata fields filters can use.
	MetadataFields []string `json:"metadata_fields"`
	// Metadata describes each of them (types, distinct values, range, frequent values), for
	// suggesting filters.
	Metadata []vajra.MetadataField `json:"metadata"`
}

func summarize(e *entry, st vajra.Stats) collectionSummary {
	o := e.c.Options()
	modes := []vajra.Mode{vajra.Lexical}
	if e.c.HasVectors() {
		modes = append(modes, vajra.Vector, vajra.Hybrid)
	}
	emb := embedderInfo{Kind: o.Embedder.Kind, Model: o.Embedder.Model, URL: o.Embedder.URL, Dim: st.VectorDim}
	if emb.Dim == 0 {
		emb.Dim = o.Embedder.Dim
	}
	return collectionSummary{Name: e.name, Documents: st.Docs, Dimension: st.VectorDim, Embedder: emb,
		Modes: modes, ReadOnly: e.readOnly}
}

func statsOf(e *entry) collectionStats {
	st := e.c.Stats()
	out := collectionStats{collectionSummary: summarize(e, st), Terms: st.Terms, Vectors: st.Vectors,
		Segments: st.Segments, LogBytes: st.LogBytes, Generation: st.Generation, MetadataFields: st.MetadataFields,
		Metadata: st.Metadata}
	if out.MetadataFields == nil {
		out.MetadataFields = []string{}
	}
	if out.Metadata == nil {
		out.Metadata = []vajra.MetadataField{}
	}
	if e.c.HasVectors() {
		out.Metric, out.Profile = st.VectorMetric, st.VectorProfile
	}
	if dir := e.c.Dir(); dir != "" {
		out.BytesOnDisk = dirBytes(dir)
	}
	return out
}

// dirBytes sums the sizes of the files in dir.
func dirBytes(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func (s *Server) listCollections(w http.ResponseWriter, r *http.Request) *Error {
	out := struct {
		Collections []collectionSummary `json:"collections"`
	}{Collections: []collectionSummary{}}
	for _, name := range s.reg.names() {
		e, err := s.reg.acquire(name)
		if err != nil {
			continue // dropped meanwhile
		}
		out.Collections = append(out.Collections, summarize(e, e.c.Stats()))
		e.release()
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) getCollection(w http.ResponseWriter, r *http.Request) *Error {
	e, err := s.reg.acquire(r.PathValue("name"))
	if err != nil {
		return err
	}
	defer e.release()
	return writeJSON(w, http.StatusOK, statsOf(e))
}

func (s *Server) deleteCollection(w http.ResponseWriter, r *http.Request) *Error {
	if err := s.reg.drop(r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// putCollection creates a collection, or restores one from a snapshot with ?restore.
func (s *Server) putCollection(w http.ResponseWriter, r *http.Request) *Error {
	name := r.PathValue("name")
	if err := checkName(name); err != nil {
		return err
	}
	if r.URL.Query().Has("restore") {
		return s.restore(w, r, name)
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		return err
	}
	o, err := s.parseCreate(body)
	if err != nil {
		return err
	}
	c, err := s.reg.create(name, o)
	if err != nil {
		return err
	}
	e, err := s.reg.acquire(name)
	if err != nil {
		return err
	}
	defer e.release()
	s.opts.Logger.Info("collection created", "collection", name, "embedder", c.Options().Embedder.Kind)
	w.Header().Set("Location", "/v1/collections/"+name)
	return writeJSON(w, http.StatusCreated, statsOf(e))
}

// parseCreate reads {"embedder": {"kind", "model", "url", "dim"}, "vector": {"profile",
// "metric"}}; without an embedder the collection gets Options.DefaultEmbedder (lexical only
// unless the server was given one).
func (s *Server) parseCreate(body []byte) (vajra.Options, *Error) {
	var o vajra.Options
	if len(body) == 0 {
		o.Embedder.Kind = s.opts.DefaultEmbedder
		return o, s.serverModel(&o)
	}
	obj, err := parseObject(body, "")
	if err != nil {
		return o, err
	}
	emb, err := obj.object("embedder")
	if err != nil {
		return o, err
	}
	if emb == nil {
		o.Embedder.Kind = s.opts.DefaultEmbedder
	} else {
		for _, e := range []*Error{emb.str("kind", &o.Embedder.Kind), emb.str("model", &o.Embedder.Model), emb.str("url", &o.Embedder.URL)} {
			if e != nil {
				return o, e
			}
		}
		if _, e := emb.integer("dim", &o.Embedder.Dim, 1, 1<<16); e != nil {
			return o, e
		}
		if e := emb.done(); e != nil {
			return o, e
		}
		switch o.Embedder.Kind {
		case vajra.EmbedderNone, vajra.EmbedderHash, vajra.EmbedderLocal, vajra.EmbedderOpenAI, vajra.EmbedderPrecomputed:
		case "":
			return o, errorf(vajra.CodeInvalidField, "embedder.kind", "embedder.kind: missing (want hash, local, openai, precomputed or none)")
		default:
			return o, errorf(vajra.CodeInvalidField, "embedder.kind", "embedder.kind: unknown embedder %q (want hash, local, openai, precomputed or none)", o.Embedder.Kind)
		}
		if o.Embedder.Kind == vajra.EmbedderOpenAI {
			if o.Embedder.URL == "" || o.Embedder.Model == "" {
				return o, errorf(vajra.CodeInvalidField, "embedder.url", "embedder: the openai embedder needs \"url\" and \"model\"")
			}
			o.Embedder.APIKey = s.opts.EmbedAPIKey
		}
	}
	if err := s.serverModel(&o); err != nil {
		return o, err
	}
	vec, err := obj.object("vector")
	if err != nil {
		return o, err
	}
	if vec != nil {
		if e := vec.str("profile", &o.Vector.Profile); e != nil {
			return o, e
		}
		if e := vec.str("metric", &o.Vector.Metric); e != nil {
			return o, e
		}
		if e := vec.done(); e != nil {
			return o, e
		}
		switch o.Vector.Profile {
		case "", "quality", "fast", "instant":
		default:
			return o, errorf(vajra.CodeInvalidField, "vector.profile", "vector.profile: unknown profile %q (want quality, fast or instant)", o.Vector.Profile)
		}
		switch o.Vector.Metric {
		case "", "cosine", "l2", "ip":
		default:
			return o, errorf(vajra.CodeInvalidField, "vector.metric", "vector.metric: unknown metric %q (want cosine, l2 or ip)", o.Vector.Metric)
		}
	}
	if err := obj.done(); err != nil {
		return o, err
	}
	return o, nil
}

// serverModel gives a collection of the local embedder the server's model folder: a
// client never names a folder on the server.
func (s *Server) serverModel(o *vajra.Options) *Error {
	if o.Embedder.Kind != vajra.EmbedderLocal {
		return nil
	}
	if s.opts.ModelDir == "" {
		return errorf(vajra.CodeInvalidField, "embedder.kind", "embedder.kind: this server has no local model (start it with --model DIR)")
	}
	if o.Embedder.Model != "" || o.Embedder.URL != "" || o.Embedder.Dim != 0 {
		return errorf(vajra.CodeInvalidField, "embedder.kind", "embedder: the local embedder takes its model and dimension from the server's model folder; give only \"kind\"")
	}
	o.Embedder.ModelDir = s.opts.ModelDir
	return nil
}

// readBody reads a whole (size-limited) body.
func readBody(r io.Reader) ([]byte, *Error) {
	b, err := io.ReadAll(r)
	if err != nil {
		e := fromVajra(err)
		if e.Code == vajra.CodeInternal {
			return nil, errorf(vajra.CodeBadJSON, "", "reading the body failed: %v", err)
		}
		return nil, e
	}
	return b, nil
}

// writeJSON sends v as JSON. A json.Marshaler's output is sent as it is: encoding/json would
// validate and compact it again, which costs as much as encoding search results.
func writeJSON(w http.ResponseWriter, status int, v any) *Error {
	var b []byte
	var err error
	if m, ok := v.(json.Marshaler); ok {
		b, err = m.MarshalJSON()
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return errorf(vajra.CodeInternal, "", "encode the response: %v", err)
	}
	b = append(b, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
	return nil
}
