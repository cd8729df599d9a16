"""Collections: documents searchable three ways, with the engine in this process."""

import ctypes
import json
import os
import weakref

from . import _buffers
from ._native import dumps, lib, utf8
from ._requests import document_fields, search_request
from .errors import error_for
from .results import Document, Results

_EMBEDDERS = ("none", "hash", "local", "precomputed", "openai")


def _create_options(embedder, profile, metric, dim, model, url, api_key, seed, m, ef_construction,
                    ef_search, k1, b, title_weight, threads, sync, analysis, model_dir=None,
                    quantization=None, rescore=None):
    o = {}
    e = {}
    if isinstance(embedder, dict):
        e.update(embedder)
    elif embedder is not None:
        if embedder not in _EMBEDDERS:
            raise error_for("invalid_field", "embedder: want one of %s or a dict, got %r" % (", ".join(_EMBEDDERS), embedder))
        e["kind"] = embedder
    for k, v in (("dim", dim), ("model", model), ("url", url), ("api_key", api_key), ("model_dir", model_dir)):
        if v is not None:
            e[k] = v
    if e:
        o["embedder"] = e
    v = {k: x for k, x in (("profile", profile), ("metric", metric), ("seed", seed), ("m", m),
                           ("ef_construction", ef_construction), ("ef_search", ef_search),
                           ("quantization", quantization), ("rescore", rescore)) if x is not None}
    if v:
        o["vector"] = v
    for k, x in (("k1", k1), ("b", b), ("title_weight", title_weight), ("threads", threads), ("sync", sync),
                 ("analysis", analysis)):
        if x is not None:
            o[k] = x
    return o


def _close(handle):
    lib().check(lib().collection_close(handle))


class Collection:
    """A collection of documents searchable by BM25 (lexical), by vector similarity (vector),
    or both fused (hybrid), stored crash-safely in a directory or held in memory.

    Create one with :meth:`create`, :meth:`open` or :meth:`in_memory`; use it as a context
    manager, or call :meth:`close` (which flushes). Methods may be called from several
    threads at once: the engine serialises writes and runs searches in parallel, and the GIL
    is released while it works.
    """

    def __init__(self, handle, path):
        self._h = handle
        self.path = path
        self._finalizer = weakref.finalize(self, _close, handle)

    @classmethod
    def create(cls, path, embedder=None, profile=None, *, metric=None, dim=None, model=None, url=None,
               api_key=None, model_dir=None, seed=None, m=None, ef_construction=None, ef_search=None, k1=None,
               b=None, title_weight=None, threads=None, sync=None, analysis=None, quantization=None,
               rescore=None):
        """Creates a collection in the directory path (made if missing).

        embedder: None or "none" (lexical only), "hash" (built in, offline; ``dim`` defaults
        to 384), "local" (a sentence-transformers BERT model folder, ``model_dir``, run in
        the engine), "precomputed" (vectors come with the documents), "openai" (an
        OpenAI-compatible /v1/embeddings service at ``url`` with ``model``), or a dict with
        those keys. profile: "quality" (default), "fast" or "instant"; metric "cosine"
        (default), "l2" or "ip"; quantization "none" (default), "sq8" or "bq" with rescore
        (see HNSWIndex). k1, b and title_weight tune BM25; sync "always" (default:
        an acknowledged write survives power loss) or "never".
        Raises CollectionExistsError when path already holds a collection."""
        o = _create_options(embedder, profile, metric, dim, model, url, api_key, seed, m, ef_construction,
                            ef_search, k1, b, title_weight, threads, sync, analysis, model_dir,
                            quantization, rescore)
        p, pn = utf8(os.fspath(path), "path")
        if pn == 0:
            raise error_for("invalid_field", "path: empty (use Collection.in_memory() for a collection without files)")
        ob = dumps(o, "options")
        return cls(lib().call_handle("collection_create", p, pn, ob, len(ob)), os.fspath(path))

    @classmethod
    def in_memory(cls, embedder=None, profile=None, **options):
        """A collection held in memory only (nothing written to disk); same options as create."""
        o = _create_options(embedder, profile, options.pop("metric", None), options.pop("dim", None),
                            options.pop("model", None), options.pop("url", None), options.pop("api_key", None),
                            options.pop("seed", None), options.pop("m", None), options.pop("ef_construction", None),
                            options.pop("ef_search", None), options.pop("k1", None), options.pop("b", None),
                            options.pop("title_weight", None), options.pop("threads", None), None,
                            options.pop("analysis", None), options.pop("model_dir", None),
                            options.pop("quantization", None), options.pop("rescore", None))
        if options:
            raise TypeError("in_memory() got unexpected keyword arguments: %s" % ", ".join(sorted(options)))
        ob = dumps(o, "options")
        return cls(lib().call_handle("collection_create", None, 0, ob, len(ob)), None)

    @classmethod
    def open(cls, path, *, threads=None, sync=None, embed_url=None, embed_api_key=None, embedder=None,
             embed_model=None, embed_model_dir=None):
        """Opens the collection in path, replaying its log. embedder and embed_model, when
        given, must match the collection's (a guard against comparing unrelated vectors).
        Raises CollectionNotFoundError, CorruptError, or LockedError when another process has
        it open."""
        o = {k: v for k, v in (("threads", threads), ("sync", sync), ("embed_url", embed_url),
                               ("embed_api_key", embed_api_key), ("embedder", embedder),
                               ("embed_model", embed_model), ("embed_model_dir", embed_model_dir)) if v is not None}
        p, pn = utf8(os.fspath(path), "path")
        ob = dumps(o, "options")
        return cls(lib().call_handle("collection_open", p, pn, ob, len(ob)), os.fspath(path))

    def close(self):
        """Flushes and closes the collection; later calls raise ClosedError. Closing twice is
        harmless."""
        if self._finalizer.detach() is not None:
            _close(self._h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        where = self.path if self.path is not None else "in memory"
        return "<vajra.Collection %s>" % where

    def upsert(self, docs, vectors=None):
        """Adds documents, replacing any with the same id; returns {"upserted", "added",
        "replaced", "duplicates"} (within a batch the last of duplicate ids wins).

        docs: dicts ({"id", "title", "content", "metadata", "vector"}; other keys become
        metadata) or objects with those attributes, or a single one. vectors: optionally one
        row per document (a float32 numpy array or buffer is read without copying), instead of
        per-document "vector" fields. All or nothing: on any error nothing is written. Once
        upsert returns, the documents are durable and visible to searches."""
        if isinstance(docs, dict) or hasattr(docs, "id"):
            docs = [docs]
        fields = []
        per_doc = []
        for i, d in enumerate(docs):
            f, v = document_fields(d, i)
            fields.append(f)
            per_doc.append(v)
        has = [v is not None for v in per_doc]
        if any(has):
            if vectors is not None:
                raise error_for("invalid_field", "vectors given both in the documents and as the vectors argument")
            if not all(has):
                raise error_for("invalid_field", "document %r has no vector while others have one" % fields[has.index(False)]["id"])
            vectors = per_doc
        rows = None
        if vectors is not None:
            rows = _buffers.float_rows(vectors, "vectors")
            if rows.rows != len(fields):
                raise error_for("invalid_field", "%d vectors for %d documents" % (rows.rows, len(fields)))
        body = dumps(fields, "documents")
        if rows is None:
            return lib().call_json("collection_upsert", self._h, body, len(body), None, 0, 0)
        return lib().call_json("collection_upsert", self._h, body, len(body), rows.addr, rows.rows, rows.dim)

    def delete(self, ids):
        """Deletes documents by id; returns {"deleted", "missing"} (unknown ids are counted,
        not errors)."""
        if isinstance(ids, str):
            ids = [ids]
        body = dumps(list(ids), "ids")
        return lib().call_json("collection_delete", self._h, body, len(body))

    def get(self, id):
        """The document with this id; raises DocumentNotFoundError (a KeyError)."""
        b, n = utf8(id, "id")
        out, on = ctypes.c_void_p(), ctypes.c_size_t()
        vec, dim = ctypes.c_void_p(), ctypes.c_size_t()
        L = lib()
        L.check(L.collection_get(self._h, b, n, ctypes.addressof(out), ctypes.addressof(on),
                                 ctypes.addressof(vec), ctypes.addressof(dim)))
        d = json.loads(L.take(out, on))
        vector = None
        if vec.value:
            try:
                vector = list((ctypes.c_float * dim.value).from_address(vec.value))
            finally:
                L.free(vec)
        return Document.from_json(d, vector)

    def __getitem__(self, id):
        return self.get(id)

    def __contains__(self, id):
        try:
            self.get(id)
        except KeyError:
            return False
        return True

    def __len__(self):
        return self.stats()["documents"]

    def _request(self, query, vector, kw):
        body = dumps(search_request(query, **kw), "search request")
        if vector is None:
            return body, None, 0
        rows = _buffers.float_rows(vector, "vector", one_row=True)
        return body, rows, rows.dim

    def search(self, query=None, mode=None, k=10, filter=None, lexical_weight=None, fusion=None, ef=None,
               vector=None, *, offset=0, rrf_k=None, depth=None, explain=False, highlight=True, explain_ids=None,
               count=False):
        """Searches; returns Results (hits best first).

        mode: "lexical", "vector" or "hybrid" (default: hybrid with vectors, else lexical).
        filter: a metadata filter such as "year >= 2020 AND lang = en". lexical_weight: the
        BM25 side's weight in hybrid fusion, in [0, 1] (default 0.5). fusion: "rrf"
        (default), "linear" or "relative". ef: the HNSW search breadth. vector: a query vector
        instead of embedding the query text. offset pages; depth is the candidates per side
        in hybrid mode; explain adds each hit's score breakdown; explain_ids explains only
        those documents (on the page in their hit's ``explain``, elsewhere in
        ``Results.explanations``); count fills ``Results.total_matches`` (a pass over every
        posting of the query's terms); highlight (default) fills snippets."""
        body, rows, dim = self._request(query, vector, dict(
            mode=mode, k=k, filter=filter, lexical_weight=lexical_weight, fusion=fusion, ef=ef, offset=offset,
            rrf_k=rrf_k, depth=depth, explain=explain, highlight=highlight, explain_ids=explain_ids, count=count))
        addr = rows.addr if rows is not None else None
        return Results.from_json(lib().call_json("collection_search", self._h, body, len(body), addr, dim))

    def explain(self, id, query=None, mode=None, vector=None, *, filter=None, lexical_weight=None, fusion=None,
                ef=None, rrf_k=None, depth=None):
        """Why document id scored what it did for this query: a dict with the BM25 terms'
        contributions, the vector similarity, both ranks and the fusion."""
        body, rows, dim = self._request(query, vector, dict(
            mode=mode, k=None, filter=filter, lexical_weight=lexical_weight, fusion=fusion, ef=ef, rrf_k=rrf_k,
            depth=depth, highlight=False))
        b, n = utf8(id, "id")
        addr = rows.addr if rows is not None else None
        return lib().call_json("collection_explain", self._h, body, len(body), addr, dim, b, n)

    def stats(self):
        """Counts and settings in the HTTP API's shape (documents, dimension, modes, embedder,
        terms, vectors, metric, profile, segments, log_bytes, generation, metadata_fields),
        plus in-process details (dir, k1, b, title_weight, analysis, postings, bytes)."""
        return lib().call_json("collection_stats", self._h)

    def ids(self):
        """The ids of the live documents."""
        return lib().call_json("collection_ids", self._h)

    def flush(self):
        """Writes a snapshot now (writes are durable without it; this shortens reopening)."""
        lib().check(lib().collection_flush(self._h))

    def embed(self, texts):
        """The collection's embedding of texts (one row per text), as documents and queries
        get it: a float32 numpy array when numpy is installed, else a list of lists."""
        if isinstance(texts, str):
            texts = [texts]
        body = dumps(list(texts), "texts")
        out, count, dim = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_size_t()
        L = lib()
        L.check(L.collection_embed(self._h, body, len(body), ctypes.addressof(out), ctypes.addressof(count),
                                   ctypes.addressof(dim)))
        n, d = count.value, dim.value
        try:
            flat = (ctypes.c_float * (n * d)).from_address(out.value) if n * d else []
            if _buffers.np is not None:
                return _buffers.np.array(flat, dtype=_buffers.np.float32).reshape(n, d)
            return [list(flat[i * d:(i + 1) * d]) for i in range(n)]
        finally:
            L.free(out)

    def promote(self, profile):
        """Rebuilds the vector index with another profile ("quality", "fast", "instant") while
        the collection keeps serving; returns when the new index is in place."""
        b, n = utf8(profile, "profile")
        lib().check(lib().collection_promote(self._h, b, n))


def check(path):
    """Verifies a closed collection's files without changing them: a dict with "ok" and the
    list of "problems" found."""
    p, pn = utf8(os.fspath(path), "path")
    return lib().call_json("check_dir", p, pn)
