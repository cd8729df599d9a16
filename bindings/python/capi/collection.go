package capi

/*
#include <stdlib.h>
#include "vajra.h"
*/
import "C"

import (
	"context"
	"errors"
	"time"
	"unsafe"

	"github.com/vajrasearch/vajra"
)

// createOptions is the JSON form of vajra.Options.
type createOptions struct {
	Embedder *struct {
		Kind       string `json:"kind"`
		Model      string `json:"model"`
		URL        string `json:"url"`
		Dim        int    `json:"dim"`
		APIKey     string `json:"api_key"`
		ModelDir   string `json:"model_dir"`
		TimeoutMS  int    `json:"timeout_ms"`
		BatchSize  int    `json:"batch_size"`
		MaxRetries int    `json:"max_retries"`
	} `json:"embedder"`
	Vector *struct {
		Profile        string `json:"profile"`
		Metric         string `json:"metric"`
		M              int    `json:"m"`
		EfConstruction int    `json:"ef_construction"`
		EfSearch       int    `json:"ef_search"`
		Seed           uint64 `json:"seed"`
		Quantization   string `json:"quantization"`
		Rescore        int    `json:"rescore"`
	} `json:"vector"`
	Analysis *struct {
		Stopwords   string `json:"stopwords"`
		Stemmer     string `json:"stemmer"`
		FoldAccents bool   `json:"fold_accents"`
		Compounds   bool   `json:"compounds"`
	} `json:"analysis"`
	K1            float64 `json:"k1"`
	B             float64 `json:"b"`
	TitleWeight   int     `json:"title_weight"`
	Threads       int     `json:"threads"`
	Sync          string  `json:"sync"`
	SnapshotBytes int64   `json:"snapshot_bytes"`
}

func (c createOptions) options() vajra.Options {
	o := vajra.Options{K1: c.K1, B: c.B, TitleWeight: c.TitleWeight, Threads: c.Threads,
		Sync: vajra.SyncPolicy(c.Sync), SnapshotBytes: c.SnapshotBytes}
	if e := c.Embedder; e != nil {
		o.Embedder = vajra.EmbedderOptions{Kind: e.Kind, Model: e.Model, URL: e.URL, Dim: e.Dim, APIKey: e.APIKey, ModelDir: e.ModelDir,
			Timeout: time.Duration(e.TimeoutMS) * time.Millisecond, BatchSize: e.BatchSize, MaxRetries: e.MaxRetries}
	}
	if v := c.Vector; v != nil {
		o.Vector = vajra.VectorOptions{Profile: v.Profile, Metric: v.Metric, M: v.M,
			EfConstruction: v.EfConstruction, EfSearch: v.EfSearch, Seed: v.Seed,
			Quantization: v.Quantization, Rescore: v.Rescore}
	}
	if a := c.Analysis; a != nil {
		o.Analysis = vajra.AnalysisOptions{Stopwords: a.Stopwords, Stemmer: a.Stemmer,
			FoldAccents: a.FoldAccents, Compounds: a.Compounds}
	}
	return o
}

type openOptions struct {
	Threads     int    `json:"threads"`
	Sync        string `json:"sync"`
	EmbedURL    string `json:"embed_url"`
	EmbedAPIKey string `json:"embed_api_key"`
	Embedder    string `json:"embedder"`
	EmbedModel  string `json:"embed_model"`
	ModelDir    string `json:"embed_model_dir"`
}

// document is a document as it crosses the interface; vectors travel separately.
type document struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Content  string         `json:"content"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

//export vajra_collection_create
func vajra_collection_create(path *C.char, pathLen C.size_t, opts *C.char, optsLen C.size_t, out *C.vajra_handle) (e *C.vajra_error) {
	defer guard(&e)
	var co createOptions
	if b := goBytes(opts, optsLen); len(b) > 0 {
		if err := decodeJSON(b, &co, "collection options"); err != nil {
			return cError(err)
		}
	}
	var c *vajra.Collection
	var err error
	if dir := goString(path, pathLen); dir == "" {
		c, err = vajra.New(co.options())
	} else {
		c, err = vajra.Create(dir, co.options())
	}
	if err != nil {
		return cError(err)
	}
	*out = C.vajra_handle(handles.add(&collection{c: c}))
	return nil
}

//export vajra_collection_open
func vajra_collection_open(path *C.char, pathLen C.size_t, opts *C.char, optsLen C.size_t, out *C.vajra_handle) (e *C.vajra_error) {
	defer guard(&e)
	var oo openOptions
	if b := goBytes(opts, optsLen); len(b) > 0 {
		if err := decodeJSON(b, &oo, "open options"); err != nil {
			return cError(err)
		}
	}
	c, err := vajra.Open(goString(path, pathLen), vajra.OpenOptions{Threads: oo.Threads, Sync: vajra.SyncPolicy(oo.Sync),
		EmbedURL: oo.EmbedURL, EmbedAPIKey: oo.EmbedAPIKey, Embedder: oo.Embedder, EmbedModel: oo.EmbedModel, EmbedModelDir: oo.ModelDir})
	if err != nil {
		if errors.Is(err, vajra.ErrNotFound) {
			err = withCode(codeNoCollection, err)
		}
		return cError(err)
	}
	*out = C.vajra_handle(handles.add(&collection{c: c}))
	return nil
}

//export vajra_collection_close
func vajra_collection_close(h C.vajra_handle) (e *C.vajra_error) {
	defer guard(&e)
	c, err := take[*collection](uint64(h), "collection")
	if err != nil {
		return cError(err)
	}
	return cError(c.c.Close())
}

//export vajra_collection_upsert
func vajra_collection_upsert(h C.vajra_handle, docs *C.char, docsLen C.size_t, vecs *C.float, count, dim C.size_t, out **C.char, outLen *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	c, err := collectionOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	var in []document
	if err := decodeJSON(goBytes(docs, docsLen), &in, "documents"); err != nil {
		return cError(err)
	}
	if count != 0 && int(count) != len(in) {
		return cError(failf(codeInvalidField, "%d vectors for %d documents", count, len(in)))
	}
	if count != 0 && dim == 0 {
		return cError(failf(codeInvalidField, "vectors of dimension 0"))
	}
	vs, err := floats(vecs, count, dim, "vectors")
	if err != nil {
		return cError(err)
	}
	if err := checkDocumentDims(c, count, dim, in); err != nil {
		return cError(err)
	}
	batch := make([]vajra.Document, len(in))
	for i, d := range in {
		batch[i] = vajra.Document{ID: d.ID, Title: d.Title, Content: d.Content, Metadata: d.Metadata}
		if vs != nil {
			// Copied: the library keeps documents beyond the call.
			batch[i].Vector = append([]float32(nil), vs[i*int(dim):(i+1)*int(dim)]...)
		}
	}
	rep, err := c.c.Upsert(context.Background(), batch)
	if err != nil {
		return cError(err)
	}
	return cError(putJSON(map[string]int{"upserted": rep.Added + rep.Replaced, "added": rep.Added, "replaced": rep.Replaced, "duplicates": rep.Duplicates}, out, outLen))
}

// checkDocumentDims refuses vectors whose dimension differs from the collection's, naming
// the first document.
func checkDocumentDims(c *collection, count, dim C.size_t, docs []document) error {
	if count == 0 || !c.c.HasVectors() {
		return nil
	}
	if want := c.vectorDim(); want != 0 && int(dim) != want {
		return failf(codeDimension, "document %q: field \"vector\" has %d values, collection uses %d-d vectors", docs[0].ID, dim, want)
	}
	return nil
}

//export vajra_collection_delete
func vajra_collection_delete(h C.vajra_handle, ids *C.char, idsLen C.size_t, out **C.char, outLen *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	c, err := collectionOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	var in []string
	if err := decodeJSON(goBytes(ids, idsLen), &in, "ids"); err != nil {
		return cError(err)
	}
	rep, err := c.c.Delete(context.Background(), in)
	if err != nil {
		return cError(err)
	}
	return cError(putJSON(map[string]int{"deleted": rep.Deleted, "missing": rep.Missing}, out, outLen))
}

//export vajra_collection_get
func vajra_collection_get(h C.vajra_handle, id *C.char, idLen C.size_t, out **C.char, outLen *C.size_t, vec **C.float, dim *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	c, err := collectionOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	d, err := c.c.Get(goString(id, idLen))
	if err != nil {
		return cError(err)
	}
	if err := putJSON(document{ID: d.ID, Title: d.Title, Content: d.Content, Metadata: d.Metadata}, out, outLen); err != nil {
		return cError(err)
	}
	if vec != nil && dim != nil {
		*vec, *dim = nil, 0
		if len(d.Vector) > 0 {
			p := C.malloc(C.size_t(4 * len(d.Vector)))
			copy(unsafe.Slice((*float32)(p), len(d.Vector)), d.Vector)
			*vec, *dim = (*C.float)(p), C.size_t(len(d.Vector))
		}
	}
	return nil
}

// queryOf parses a search request and checks a raw query vector's dimension.
func queryOf(c *collection, req *C.char, reqLen C.size_t, vec *C.float, dim C.size_t) (vajra.Query, error) {
	var qv []float32
	if dim > 0 {
		v, err := floats(vec, 1, dim, "query vector")
		if err != nil {
			return vajra.Query{}, err
		}
		qv = append([]float32(nil), v...)
	}
	q, err := parseSearchRequest(goBytes(req, reqLen), qv)
	if err != nil {
		return q, err
	}
	if q.Vector != nil && c.c.HasVectors() {
		if want := c.vectorDim(); want != 0 && len(q.Vector) != want {
			return q, failf(codeDimension, "field \"vector\": query vector has %d values, collection uses %d-d vectors", len(q.Vector), want)
		}
	}
	return q, nil
}

//export vajra_collection_search
func vajra_collection_search(h C.vajra_handle, req *C.char, reqLen C.size_t, vec *C.float, dim C.size_t, out **C.char, outLen *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	c, err := collectionOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	q, err := queryOf(c, req, reqLen, vec, dim)
	if err != nil {
		return cError(err)
	}
	res, err := c.c.Search(context.Background(), q)
	if err != nil {
		return cError(err)
	}
	return cError(putJSON(res, out, outLen))
}

//export vajra_collection_explain
func vajra_collection_explain(h C.vajra_handle, req *C.char, reqLen C.size_t, vec *C.float, dim C.size_t, id *C.char, idLen C.size_t, out **C.char, outLen *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	c, err := collectionOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	q, err := queryOf(c, req, reqLen, vec, dim)
	if err != nil {
		return cError(err)
	}
	ex, err := c.c.Explain(context.Background(), q, goString(id, idLen))
	if err != nil {
		return cError(err)
	}
	return cError(putJSON(ex, out, outLen))
}

//export vajra_collection_stats
func vajra_collection_stats(h C.vajra_handle, out **C.char, outLen *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	c, err := collectionOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	// Stats marshals to the HTTP API's stats shape plus what only an in-process caller can
	// use (the directory, BM25 settings, analysis, sizes), as the CLI's stats --json prints.
	return cError(putJSON(c.c.Stats(), out, outLen))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

//export vajra_collection_ids
func vajra_collection_ids(h C.vajra_handle, out **C.char, outLen *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	c, err := collectionOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	return cError(putJSON(nonNil(c.c.IDs()), out, outLen))
}

//export vajra_collection_flush
func vajra_collection_flush(h C.vajra_handle) (e *C.vajra_error) {
	defer guard(&e)
	c, err := collectionOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	return cError(c.c.Flush())
}

//export vajra_collection_embed
func vajra_collection_embed(h C.vajra_handle, texts *C.char, textsLen C.size_t, out **C.float, count, dim *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	c, err := collectionOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	if out == nil || count == nil || dim == nil {
		return cError(failf(codeInvalidField, "NULL output pointer"))
	}
	var in []string
	if err := decodeJSON(goBytes(texts, textsLen), &in, "texts"); err != nil {
		return cError(err)
	}
	vecs, err := c.c.Embed(context.Background(), in)
	if err != nil {
		return cError(err)
	}
	*out, *count, *dim = nil, C.size_t(len(vecs)), 0
	if len(vecs) == 0 {
		return nil
	}
	d := len(vecs[0])
	p := C.malloc(C.size_t(4 * d * len(vecs)))
	flat := unsafe.Slice((*float32)(p), d*len(vecs))
	for i, v := range vecs {
		if len(v) != d {
			C.free(p)
			return cError(failf(codeEmbedder, "the embedder returned vectors of %d and %d values", d, len(v)))
		}
		copy(flat[i*d:], v)
	}
	*out, *dim = (*C.float)(p), C.size_t(d)
	return nil
}

//export vajra_collection_promote
func vajra_collection_promote(h C.vajra_handle, profile *C.char, profileLen C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	c, err := collectionOf(uint64(h))
	if err != nil {
		return cError(err)
	}
	return cError(c.c.Promote(context.Background(), goString(profile, profileLen)))
}

//export vajra_check
func vajra_check(path *C.char, pathLen C.size_t, out **C.char, outLen *C.size_t) (e *C.vajra_error) {
	defer guard(&e)
	rep, err := vajra.Check(goString(path, pathLen))
	if err != nil {
		return cError(err)
	}
	return cError(putJSON(map[string]any{"ok": rep.OK(), "dir": rep.Dir, "generation": rep.Generation,
		"files": rep.Files, "documents": rep.Docs, "segments": rep.Segments, "vectors": rep.Vectors,
		"log_records": rep.LogRecords, "problems": nonNil(rep.Problems)}, out, outLen))
}
