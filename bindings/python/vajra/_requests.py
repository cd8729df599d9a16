"""Requests in the HTTP API's shapes, built the same way for the in-process engine and for
the HTTP client."""

import numbers
from collections.abc import Mapping

from .errors import error_for

_DOC_KEYS = ("id", "_id", "title", "content", "text", "metadata", "vector")


def search_request(query=None, mode=None, k=10, filter=None, lexical_weight=None, fusion=None, ef=None,
                   offset=0, rrf_k=None, depth=None, explain=False, highlight=True, explain_ids=None, count=False):
    """The search request dict: only the fields given, so the engine's defaults apply."""
    r = {}
    if query is not None:
        if not isinstance(query, str):
            raise error_for("invalid_field", "query: want a string, got %s" % type(query).__name__)
        r["query"] = query
    if mode is not None:
        r["mode"] = mode
    if k is not None:
        r["limit"] = _int(k, "k")
    if offset:
        r["offset"] = _int(offset, "offset")
    if filter is not None:
        r["filter"] = filter
    f = {}
    if isinstance(fusion, Mapping):
        f.update(fusion)
    elif fusion is not None:
        f["method"] = fusion
    if lexical_weight is not None:
        f["lexical_weight"] = _float(lexical_weight, "lexical_weight")
    if rrf_k is not None:
        f["rrf_k"] = _float(rrf_k, "rrf_k")
    if depth is not None:
        f["depth"] = _int(depth, "depth")
    if f:
        r["fusion"] = f
    if ef is not None:
        r["ef"] = _int(ef, "ef")
    if explain:
        r["explain"] = True
    if explain_ids is not None:
        if isinstance(explain_ids, str):
            explain_ids = [explain_ids]
        ids = list(explain_ids)
        for i, x in enumerate(ids):
            if not isinstance(x, str):
                raise error_for("invalid_field", "explain_ids[%d]: want a document id (a string), got %r" % (i, x))
        r["explain_ids"] = ids
    if count:
        r["count"] = True
    if highlight:
        r["highlight"] = True
    return r


def _int(v, what):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise error_for("invalid_field", "%s: want an integer, got %r" % (what, v))
    return int(v)


def _float(v, what):
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise error_for("invalid_field", "%s: want a number, got %r" % (what, v))
    return float(v)


def document_fields(d, i):
    """(document dict without vector, vector or None) of a dict or a document object.

    Dicts take the CLI's JSONL shape: ``id`` (or ``_id``), ``title``, ``content`` (or
    ``text``), ``metadata``, ``vector``; other keys are kept as metadata."""
    if isinstance(d, Mapping):
        get = d.get
        extra = {k: v for k, v in d.items() if k not in _DOC_KEYS}
    else:
        def get(name, default=None):
            return getattr(d, name, default)
        extra = {}
    doc_id = get("id")
    if doc_id is None:
        doc_id = get("_id")
    if isinstance(doc_id, numbers.Integral) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str):
        raise error_for("invalid_field", "document %d: field \"id\": want a string, got %r" % (i, doc_id))
    content = get("content")
    if content is None:
        content = get("text")
    out = {"id": doc_id, "title": get("title") or "", "content": content or ""}
    for name in ("title", "content"):
        if not isinstance(out[name], str):
            raise error_for("invalid_field", "document %r: field %r: want a string, got %s"
                            % (doc_id, name, type(out[name]).__name__))
    meta = get("metadata")
    if meta is not None and not isinstance(meta, Mapping):
        raise error_for("invalid_field", "document %r: field \"metadata\": want a mapping, got %s"
                        % (doc_id, type(meta).__name__))
    if meta or extra:
        out["metadata"] = dict(meta or {}, **extra)
    return out, get("vector")
