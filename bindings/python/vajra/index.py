"""Standalone vector indexes over integer keys, for programs that keep their own documents."""

import ctypes
import numbers
import os
import threading
import weakref

from . import _buffers
from ._native import dumps, lib, utf8
from .errors import error_for



class _Scratch:
    """One thread's buffers for single searches of k results: the query, the results and
    their count."""

    def __init__(self, dim, k):
        np = _buffers.np
        self.q = np.empty(dim, np.float32)
        self.keys = np.empty(k, np.int64)
        self.dists = np.empty(k, np.float32)
        self.found = ctypes.c_size_t()
        self.qaddr = _buffers.np_address(self.q)
        self.kaddr = _buffers.np_address(self.keys)
        self.daddr = _buffers.np_address(self.dists)
        self.faddr = ctypes.addressof(self.found)


def _close(handle):
    lib().check(lib().index_close(handle))


class _VectorIndex:
    _default_profile = None

    def __init__(self, dim, metric="cosine", profile=None, *, m=None, ef_construction=None, ef_search=None,
                 seed=None, threads=None, quantization=None, rescore=None, _handle=None):
        if _handle is None:
            o = {"dim": dim, "metric": metric, "profile": profile or self._default_profile}
            for k, v in (("m", m), ("ef_construction", ef_construction), ("ef_search", ef_search),
                         ("seed", seed), ("threads", threads), ("quantization", quantization),
                         ("rescore", rescore)):
                if v is not None:
                    o[k] = v
            b = dumps(o, "index options")
            _handle = lib().call_handle("index_create", b, len(b))
        self._h = _handle
        self._finalizer = weakref.finalize(self, _close, _handle)
        st = self.stats()
        self.dim = st["dim"]
        self.metric = st["metric"]
        self._search = lib().index_search
        self._shape1 = (self.dim,)
        self._tls = threading.local()

    @classmethod
    def load(cls, path):
        """Reads an index written by save (an HNSW or a flat index, whatever class load is
        called on)."""
        p, pn = utf8(os.fspath(path), "path")
        h = lib().call_handle("index_load", p, pn)
        st = lib().call_json("index_stats", h)
        kind = FlatIndex if st["profile"] == "exact" else HNSWIndex
        return kind(0, _handle=h)

    def close(self):
        """Frees the index; later calls raise ClosedError."""
        if self._finalizer.detach() is not None:
            _close(self._h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __len__(self):
        return self.stats()["len"]

    def __contains__(self, key):
        try:
            self.get_vector(key)
        except KeyError:
            return False
        return True

    def __repr__(self):
        try:
            st = self.stats()
        except Exception:
            return "<vajra.%s closed>" % type(self).__name__
        return "<vajra.%s dim=%d metric=%s profile=%s len=%d>" % (
            type(self).__name__, st["dim"], st["metric"], st["profile"], st["len"])

    def add(self, keys, vectors):
        """Adds vectors (one row per key: a float32 numpy array or buffer is read without
        copying; lists and float64 are converted); a key already present is replaced. All or
        nothing: a bad vector (wrong length, NaN, all zeros under cosine) raises and adds
        nothing. The build runs on the index's threads with the GIL released."""
        ks = _buffers.uint32_keys(keys)
        rows = _buffers.float_rows(vectors, "vectors", one_row=(ks.n == 1))
        if rows.rows != ks.n:
            raise error_for("invalid_field", "%d keys for %d vectors" % (ks.n, rows.rows))
        if ks.n == 0:
            return
        lib().check(lib().index_add(self._h, ks.addr, rows.addr, ks.n, rows.dim))

    def delete(self, keys):
        """Removes keys; returns how many were present."""
        ks = _buffers.uint32_keys(keys)
        n = ctypes.c_size_t()
        lib().check(lib().index_delete(self._h, ks.addr, ks.n, ctypes.addressof(n)))
        return n.value

    def search(self, query, k=10, ef=None):
        """The k nearest keys to query, nearest first, and their distances (1 - cosine
        similarity, -dot for "ip", squared Euclidean for "l2"): numpy arrays when numpy is
        installed, else lists. Fewer than k when the index holds fewer."""
        if k < 1:
            raise error_for("invalid_field", "k must be at least 1, got %r" % (k,))
        np = _buffers.np
        if np is not None and type(query) is np.ndarray and query.shape == self._shape1:
            # The hot path: the query is copied into this thread's scratch for this k (cheaper
            # than taking its address) and the results copied out of it.
            per_k = getattr(self._tls, "per_k", None)
            if per_k is None:
                per_k = self._tls.per_k = {}
            s = per_k.get(k)
            if s is None:
                if len(per_k) >= 8:
                    per_k.clear()
                s = per_k[k] = _Scratch(self.dim, k)
            s.q[...] = query
            err = self._search(self._h, s.qaddr, self.dim, k, ef or 0, s.kaddr, s.daddr, s.faddr)
            if err:
                lib().raise_for(err)
            n = s.found.value
            if n < k:
                return s.keys[:n].copy(), s.dists[:n].copy()
            return s.keys.copy(), s.dists.copy()
        q = _buffers.float_rows(query, "query", one_row=True)
        keys, kaddr = _buffers.new_keys(k)
        dists, daddr = _buffers.new_floats(k)
        err = self._search(self._h, q.addr, q.dim, k, ef or 0, kaddr, daddr, None)
        if err:
            lib().raise_for(err)
        n = sum(1 for x in keys if x >= 0)
        if np is not None:
            return keys[:n], dists[:n]
        return list(keys[:n]), list(dists[:n])

    def search_batch(self, queries, k=10, ef=None, threads=None):
        """Searches many queries (one per row) on several threads (default: all CPUs) with
        the GIL released. Returns (keys, distances) of shape (len(queries), k): numpy arrays
        padded with key -1 and distance inf where fewer than k were found, or, without
        numpy, lists of lists holding only what was found."""
        rows = _buffers.float_rows(queries, "queries")
        n = rows.rows
        keys, kaddr = _buffers.new_keys(n * k)
        dists, daddr = _buffers.new_floats(n * k)
        found = (ctypes.c_size_t * max(n, 1))()
        if n:
            lib().check(lib().index_search_batch(self._h, rows.addr, n, rows.dim, k, ef or 0, threads or 0,
                                                 kaddr, daddr, ctypes.addressof(found)))
        if _buffers.np is not None:
            return keys.reshape(n, k), dists.reshape(n, k)
        return ([list(keys[i * k:i * k + found[i]]) for i in range(n)],
                [list(dists[i * k:i * k + found[i]]) for i in range(n)])

    def get_vector(self, key):
        """The vector stored under key (normalised under cosine); KeyError
        (DocumentNotFoundError) when absent."""
        if isinstance(key, bool) or not isinstance(key, numbers.Integral) or not 0 <= key <= 0xFFFFFFFF:
            raise error_for("document_not_found", "key %r is not in the index (keys are integers in [0, 2**32))" % (key,))
        out, addr = _buffers.new_floats(self.dim)
        found = ctypes.c_int32()
        lib().check(lib().index_get(self._h, int(key), addr, self.dim, ctypes.addressof(found)))
        if not found.value:
            raise error_for("document_not_found", "key %d is not in the index" % key)
        return out if _buffers.np is not None else list(out)

    def save(self, path):
        """Writes the index to path crash-safely (versioned, checksummed format)."""
        p, pn = utf8(os.fspath(path), "path")
        lib().check(lib().index_save(self._h, p, pn))

    def stats(self):
        """len, dim, metric, profile, m, ef_construction, ef_search, memory_bytes, kernel,
        quantization, rescore, mapped_bytes."""
        return lib().call_json("index_stats", self._h)

    def promote(self, profile):
        """Rebuilds the index with another profile ("quality", "fast", "instant", "exact")
        while it keeps answering; returns when the new index is in place."""
        b, n = utf8(profile, "profile")
        lib().check(lib().index_promote(self._h, b, n))


class HNSWIndex(_VectorIndex):
    """An HNSW graph over vectors with integer keys in [0, 2**32).

    HNSWIndex(dim, metric="cosine", profile="quality", m=None, ef_construction=None,
    ef_search=None, seed=None, threads=None, quantization=None, rescore=None): profile
    "quality" (M=16, efConstruction=200, ef=128), "fast" (16/32/96) or "instant" (8/24/48);
    m, ef_construction and ef_search override single parameters. quantization "sq8" (one
    byte a dimension) or "bq" (one bit, for 768 dimensions and more) walks the graph on
    codes and ranks the best ``rescore`` candidates (default 3·k for sq8; for bq 10·k at 768 dimensions or more, 20·k below) by the
    float32 vectors, which an index opened with load reads from the mapped file. The same
    vectors in the same order with the same seed give the same graph, whatever the number
    of threads."""

    _default_profile = "quality"


class FlatIndex(_VectorIndex):
    """An exact (brute-force) index: nothing to build, exact answers. Same methods as
    HNSWIndex; promote("quality") turns it into a graph."""

    _default_profile = "exact"

    def __init__(self, dim, metric="cosine", *, threads=None, _handle=None):
        super().__init__(dim, metric, "exact", threads=threads, _handle=_handle)
