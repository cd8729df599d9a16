"""A client for the `vajra serve` HTTP API, with the Collection methods.

    client = vajra.Client("http://127.0.0.1:7700", api_key="...")
    docs = client.create_collection("docs", embedder="hash")
    docs.upsert([{"id": "1", "title": "Solar power", "content": "..."}])
    for hit in docs.search("solar", k=5):
        print(hit.id, hit.score)

Standard library only (http.client). Requests that fail with 503 or a dropped connection are
retried with backoff; problem+json errors are raised as the same exception classes as the
in-process engine's, with the HTTP status in ``status``.
"""

import http.client
import json
import math
import socket
import threading
import time
import urllib.parse
from collections.abc import Mapping

from . import _buffers
from ._requests import document_fields, search_request
from .collection import _create_options
from .errors import VajraError, error_for
from .results import Document, Results

_RETRY_ERRORS = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, http.client.RemoteDisconnected,
                 http.client.BadStatusLine)


class Client:
    """Client(url="http://127.0.0.1:7700", api_key=None, timeout=30, retries=3): one per
    server; safe to share between threads (each thread keeps its own keep-alive connection).
    The API key may also come from the VAJRA_API_KEY environment variable."""

    def __init__(self, url="http://127.0.0.1:7700", api_key=None, timeout=30.0, retries=3, backoff=0.05):
        u = urllib.parse.urlsplit(url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise error_for("invalid_field", "url: want http://host:port, got %r" % (url,))
        self.url = url.rstrip("/")
        self._scheme, self._host, self._port = u.scheme, u.hostname, u.port
        self._prefix = u.path.rstrip("/")
        if api_key is None:
            import os
            api_key = os.environ.get("VAJRA_API_KEY") or None
        self._auth = ("Bearer " + api_key) if api_key else None
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self._local = threading.local()

    def __repr__(self):
        return "<vajra.Client %s>" % self.url

    def _conn(self):
        c = getattr(self._local, "conn", None)
        if c is None:
            cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            c = cls(self._host, self._port, timeout=self.timeout)
            self._local.conn = c
        return c

    def _drop(self):
        c = getattr(self._local, "conn", None)
        if c is not None:
            c.close()
            self._local.conn = None

    def close(self):
        """Closes this thread's connection (others close when their threads end)."""
        self._drop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def request(self, method, path, body=None, content_type="application/json", raw=False):
        """Sends one request and returns the decoded JSON answer (the bytes with raw=True,
        None for 204). Retries on 503 and on connections dropped before an answer."""
        headers = {"Accept": "application/json"}
        if self._auth:
            headers["Authorization"] = self._auth
        if body is not None and not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
        if body is not None:
            headers["Content-Type"] = content_type
        attempt = 0
        while True:
            try:
                conn = self._conn()
                conn.request(method, self._prefix + path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except _RETRY_ERRORS + (ConnectionRefusedError, socket.timeout) as e:
                self._drop()
                if attempt >= self.retries or isinstance(e, socket.timeout):
                    raise VajraError("%s %s: %s" % (method, path, e), code="unavailable") from e
                attempt += 1
                time.sleep(self.backoff * (2 ** attempt))
                continue
            if resp.status == 503 and attempt < self.retries:
                attempt += 1
                wait = resp.getheader("Retry-After")
                time.sleep(float(wait) if wait and wait.isdigit() else self.backoff * (2 ** attempt))
                continue
            if resp.getheader("Connection", "").lower() == "close":
                self._drop()
            if resp.status >= 400:
                raise _problem(resp, data, method, path)
            if resp.status == 204 or raw:
                return data if raw else None
            return json.loads(data) if data else None

    def health(self):
        """Whether the server answers /healthz."""
        try:
            self.request("GET", "/healthz", raw=True)
            return True
        except VajraError:
            return False

    def ready(self):
        """Whether every collection is open (/readyz)."""
        try:
            self.request("GET", "/readyz", raw=True)
            return True
        except VajraError:
            return False

    def collections(self):
        """The collections: name, documents, dimension, embedder, modes."""
        out = self.request("GET", "/v1/collections")
        return out.get("collections", out) if isinstance(out, Mapping) else out

    def collection(self, name):
        """A handle on an existing collection (nothing is sent until it is used)."""
        return RemoteCollection(self, name)

    def __getitem__(self, name):
        return self.collection(name)

    def create_collection(self, name, embedder=None, profile=None, *, metric=None, dim=None, model=None, url=None):
        """Creates a collection (the embedder and vector options of Collection.create);
        raises CollectionExistsError when the name is taken."""
        o = _create_options(embedder, profile, metric, dim, model, url, None, None, None, None, None, None,
                            None, None, None, None, None)
        self.request("PUT", "/v1/collections/" + _quote(name), o)
        return RemoteCollection(self, name)

    def drop_collection(self, name):
        """Deletes a collection and its files."""
        self.request("DELETE", "/v1/collections/" + _quote(name))


def _quote(s):
    return urllib.parse.quote(s, safe="")


def _problem(resp, data, method, path):
    try:
        p = json.loads(data)
    except ValueError:
        p = None
    if isinstance(p, Mapping) and p.get("code"):
        msg = p.get("detail") or p.get("title") or "HTTP %d" % resp.status
        return error_for(p["code"], msg, status=resp.status, field=p.get("field"), position=p.get("position"))
    text = data.decode("utf-8", "replace").strip()[:200]
    return VajraError("%s %s: HTTP %d %s" % (method, path, resp.status, text or resp.reason), status=resp.status)


class RemoteCollection:
    """A collection on a server: the methods of vajra.Collection over HTTP."""

    def __init__(self, client, name):
        self.client, self.name = client, name
        self._path = "/v1/collections/" + _quote(name)

    def __repr__(self):
        return "<vajra.RemoteCollection %s at %s>" % (self.name, self.client.url)

    def upsert(self, docs, vectors=None):
        """Adds or replaces documents (all or nothing); returns the server's report
        ({"upserted", ...}). Vectors travel as JSON numbers."""
        if isinstance(docs, Mapping) or hasattr(docs, "id"):
            docs = [docs]
        out = []
        per_doc = []
        for i, d in enumerate(docs):
            f, v = document_fields(d, i)
            out.append(f)
            per_doc.append(v)
        if vectors is not None:
            rows = _rows(vectors)
            if len(rows) != len(out):
                raise error_for("invalid_field", "%d vectors for %d documents" % (len(rows), len(out)))
            per_doc = rows
        for f, v in zip(out, per_doc):
            if v is not None:
                f["vector"] = _row(v)
        return self.client.request("POST", self._path + "/documents", {"documents": out})

    def delete(self, ids=None, filter=None):
        """Deletes by ids, or every document matching filter; returns {"deleted"}."""
        if (ids is None) == (filter is None):
            raise error_for("invalid_field", "delete needs ids or a filter (not both)")
        if ids is not None:
            body = {"ids": [ids] if isinstance(ids, str) else list(ids)}
        else:
            body = {"filter": filter}
        return self.client.request("POST", self._path + "/documents/delete", body)

    def get(self, id, vector=True):
        """The document with this id (DocumentNotFoundError, a KeyError, when absent)."""
        q = "?vector=true" if vector else ""
        return Document.from_json(self.client.request("GET", self._path + "/documents/" + _quote(id) + q))

    def __getitem__(self, id):
        return self.get(id)

    def __contains__(self, id):
        try:
            self.get(id, vector=False)
        except KeyError:
            return False
        return True

    def __len__(self):
        return self.stats()["documents"]

    def search(self, query=None, mode=None, k=10, filter=None, lexical_weight=None, fusion=None, ef=None,
               vector=None, *, offset=0, rrf_k=None, depth=None, explain=False, highlight=True, explain_ids=None,
               count=False):
        """Collection.search over HTTP; returns Results."""
        r = search_request(query, mode=mode, k=k, filter=filter, lexical_weight=lexical_weight, fusion=fusion,
                           ef=ef, offset=offset, rrf_k=rrf_k, depth=depth, explain=explain, highlight=highlight,
                           explain_ids=explain_ids, count=count)
        if vector is not None:
            r["vector"] = _row(vector)
        return Results.from_json(self.client.request("POST", self._path + "/search", r))

    def explain(self, id, query=None, mode=None, vector=None, *, filter=None, lexical_weight=None, fusion=None,
                ef=None, rrf_k=None, depth=None):
        """Why document id scored what it did for this query, as Collection.explain says: one
        search that explains id alone (explain_ids), wherever it ranks (rank 0 when the query
        does not rank it); DocumentNotFoundError when the collection has no such document."""
        res = self.search(query, mode=mode, k=1, filter=filter, lexical_weight=lexical_weight, fusion=fusion,
                          ef=ef, vector=vector, rrf_k=rrf_k, depth=depth, highlight=False, explain_ids=[id])
        x = res.explanation(id)
        if x is None:
            raise error_for("document_not_found", "the server did not explain document %r" % (id,))
        return x

    def stats(self):
        """documents, dimension, embedder, modes, terms, vectors, metric, profile, ..."""
        return self.client.request("GET", self._path)

    def export(self):
        """Every document, as Document objects (the export route's NDJSON)."""
        data = self.client.request("GET", self._path + "/export", raw=True)
        return [Document.from_json(json.loads(line)) for line in data.splitlines() if line.strip()]

    def ids(self):
        return [d.id for d in self.export()]


def _row(v):
    if _buffers.np is not None and isinstance(v, _buffers.np.ndarray):
        row = v.astype(float).ravel().tolist()
    else:
        try:
            row = [float(x) for x in v]
        except (TypeError, ValueError) as e:
            raise error_for("invalid_field", "vector: %s" % e) from None
    for i, x in enumerate(row):
        if not math.isfinite(x):
            raise error_for("invalid_field", "vector: value %d is %r" % (i, x))
    return row


def _rows(vectors):
    if _buffers.np is not None and isinstance(vectors, _buffers.np.ndarray):
        return vectors.reshape(len(vectors), -1).tolist() if vectors.ndim > 1 else [vectors.tolist()]
    return [list(v) for v in vectors]
