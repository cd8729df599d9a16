"""The Vajra Search 0.2.1 API, backed by this engine, for code moving over.

Change the import line (``from vajra_search import ...`` or ``from vajra_bm25 import ...``
to ``from vajra.compat import ...``) and the rest of a script keeps working: ``Document``,
``DocumentCorpus``, ``VajraSearch``, ``NativeHNSWIndex``, ``FlatVectorIndex``,
``VajraVectorSearch``, ``HybridSearchEngine`` and the embedding morphisms keep their names,
arguments and result fields. Where the original misbehaved, this module does the right thing
and its docstrings say so:

- duplicate ids replace the earlier document or vector instead of raising ValueError;
- ``VajraVectorSearch.save`` keeps the documents (the original saved only the index, so a
  loaded engine found nothing until the documents were added again);
- relative score fusion ("rsf") is correct for negative scores (distances under "l2"/"ip");
- HNSW builds are reproducible (seeded) and multi-threaded.
"""

import json
import math
import os
import struct
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from . import _buffers
from .collection import Collection
from .errors import error_for
from .index import FlatIndex, HNSWIndex

__all__ = [
    "Document", "DocumentCorpus", "create_sample_corpus", "SearchResult", "VajraSearch",
    "VajraSearchOptimized", "VajraSearchParallel", "VectorSearchResult", "NativeHNSWIndex",
    "FlatVectorIndex", "VajraVectorSearch", "HybridSearchEngine", "EmbeddingMorphism",
    "PrecomputedEmbeddingMorphism", "IdentityEmbeddingMorphism", "TextEmbeddingMorphism",
]


# --- documents ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Document:
    """Document(id, title, content, metadata=None): equal and hashed by id."""

    id: str
    title: str
    content: str
    metadata: Optional[Dict[str, Any]] = field(default=None, compare=False, hash=False)

    def __eq__(self, other):
        return isinstance(other, Document) and self.id == other.id

    def __hash__(self):
        return hash(self.id)

    def to_dict(self):
        d = {"id": self.id, "title": self.title, "content": self.content}
        if self.metadata is not None:
            d["metadata"] = self.metadata
        return d

    @classmethod
    def from_dict(cls, data):
        """Accepts the original's keys, and also ``_id``/``text`` (BEIR); unknown keys go to
        metadata instead of raising (the original's ``cls(**data)`` raised on them)."""
        d = dict(data)
        doc_id = d.pop("id", d.pop("_id", None))
        if doc_id is None:
            raise ValueError("document without an id: %r" % (data,))
        title = d.pop("title", "") or ""
        content = d.pop("content", None)
        if content is None:
            content = d.pop("text", "")
        meta = d.pop("metadata", None)
        if d:
            meta = dict(meta or {}, **d)
        return cls(str(doc_id), title, content or "", meta)


class DocumentCorpus:
    """An ordered set of documents. Adding a document whose id is present replaces it."""

    def __init__(self, documents=None):
        self._docs = OrderedDict()
        for d in documents or []:
            self.add(d)

    def add(self, document):
        self._docs[document.id] = document

    def get(self, doc_id):
        """The document with this id, or None."""
        return self._docs.get(doc_id)

    def __len__(self):
        return len(self._docs)

    def __iter__(self):
        return iter(list(self._docs.values()))

    def __contains__(self, doc_id):
        return doc_id in self._docs

    @property
    def documents(self):
        return list(self._docs.values())

    def save_jsonl(self, path):
        """Writes one JSON object per line, crash-safely (temporary file, fsync, rename)."""
        _write_atomic(path, "".join(json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in self).encode("utf-8"))

    @classmethod
    def load_jsonl(cls, path):
        """Reads a JSONL file (blank lines skipped); a malformed line raises ValueError naming
        the file and line."""
        corpus = cls()
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    corpus.add(Document.from_dict(json.loads(line)))
                except (ValueError, TypeError, AttributeError) as e:
                    raise ValueError("%s:%d: %s" % (path, n, e)) from None
        return corpus

    @classmethod
    def load(cls, path, format=None):
        """load_jsonl for .jsonl files (PDF input is not supported here)."""
        if format not in (None, "jsonl") or (format is None and not str(path).endswith(".jsonl")):
            raise ValueError("only JSONL corpora are supported (got %s)" % (format or path))
        return cls.load_jsonl(path)


def _write_atomic(path, data):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        dfd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


_SAMPLE = [
    ("1", "Introduction to Category Theory",
     "Category theory is a general theory of mathematical structures and their relations. It studies objects and morphisms."),
    ("2", "Functors and Natural Transformations",
     "A functor is a mapping between categories that preserves structure. Natural transformations map between functors."),
    ("3", "Monads in Functional Programming",
     "Monads are a design pattern in functional programming that allow sequencing computations with context."),
    ("4", "Information Retrieval Basics",
     "Information retrieval is finding relevant documents in a large collection for a user's query."),
    ("5", "The BM25 Ranking Function",
     "BM25 is a probabilistic ranking function that scores documents by term frequency, inverse document frequency and length."),
    ("6", "Vector Space Models",
     "Vector space models represent documents and queries as vectors; similarity is often the cosine of the angle between them."),
    ("7", "Approximate Nearest Neighbour Search",
     "HNSW builds a navigable small world graph in layers to find nearest neighbours of a vector quickly."),
    ("8", "Hybrid Search",
     "Hybrid search fuses lexical and semantic rankings, for example with reciprocal rank fusion."),
    ("9", "Coalgebras and State Machines",
     "Coalgebras model systems with state and observation, such as automata and search processes."),
    ("10", "Inverted Indexes",
     "An inverted index maps each term to the list of documents containing it, the core data structure of search engines."),
]


def create_sample_corpus():
    """Ten short documents about category theory and search."""
    return DocumentCorpus(Document(i, t, c) for i, t, c in _SAMPLE)


# --- BM25 / lexical ------------------------------------------------------------------------

@dataclass
class SearchResult:
    """One hit: the document, its score and its 0-based rank, with ``doc_id`` and ``title``
    for convenience (the Rust-backed 0.2.x fields)."""

    document: Document
    score: float
    rank: int

    @property
    def doc_id(self):
        return self.document.id

    @property
    def title(self):
        return self.document.title


def _as_document(d):
    if isinstance(d, Document):
        return d
    if isinstance(d, dict):
        return Document.from_dict(d)
    return Document(str(d.id), getattr(d, "title", "") or "", getattr(d, "content", "") or "", getattr(d, "metadata", None))


def _docs_payload(docs):
    return [{"id": d.id, "title": d.title, "content": d.content, "metadata": d.metadata or {}} for d in docs]


class VajraSearch:
    """VajraSearch(corpus, k1=1.5, b=0.75): BM25 over title + content, plus vector and hybrid
    modes. The vector side is built on the first vector or hybrid search, with ``embedder``
    (any object with ``embed_batch(texts)``, or a TextEmbeddingMorphism) or, by default,
    the engine's built-in hashing embedder (offline and deterministic; the original loaded
    all-MiniLM-L6-v2 through sentence-transformers). Adding or removing documents updates
    the index in place instead of rebuilding it, and a duplicate id replaces the document
    instead of raising."""

    def __init__(self, corpus, k1=1.5, b=0.75, embedding_model=None, embedder=None, **_ignored):
        self.corpus = corpus if isinstance(corpus, DocumentCorpus) else DocumentCorpus(corpus)
        self.k1, self.b = k1, b
        self._embedder = embedder
        if embedder is None and embedding_model is not None:
            self._embedder = TextEmbeddingMorphism(embedding_model)
        self._lock = threading.Lock()
        self._c = self._build(vectors=False)

    def _build(self, vectors):
        kind = None
        if vectors:
            kind = "hash"
            if self._embedder is not None:
                kind = "precomputed"
                if isinstance(self._embedder, TextEmbeddingMorphism):
                    kind = self._embedder.embedder_options()
        c = Collection.in_memory(embedder=kind, k1=self.k1, b=self.b, title_weight=1)
        self._upsert(c, list(self.corpus), vectors)
        return c

    def _upsert(self, c, docs, vectors):
        if not docs:
            return
        payload = _docs_payload(docs)
        if vectors and self._embedder is not None and not isinstance(self._embedder, TextEmbeddingMorphism):
            c.upsert(payload, vectors=self._embedder.embed_batch([d.content for d in docs]))
        else:
            c.upsert(payload)

    @property
    def vector_available(self):
        return True

    @property
    def vector_initialized(self):
        return self._c.stats()["embedder"]["kind"] != "none"

    def _ensure_vectors(self):
        with self._lock:
            if not self.vector_initialized:
                old, self._c = self._c, self._build(vectors=True)
                old.close()

    def search(self, query, top_k=10, mode="bm25", alpha=0.5):
        """The top_k documents for query: mode "bm25", "vector" or "hybrid" (reciprocal rank
        fusion; alpha is the BM25 side's weight)."""
        if mode not in ("bm25", "vector", "hybrid"):
            raise ValueError("mode must be 'bm25', 'vector' or 'hybrid', got %r" % (mode,))
        if top_k <= 0:
            return []
        if mode != "bm25":
            self._ensure_vectors()
        kw = {"mode": {"bm25": "lexical"}.get(mode, mode), "k": top_k, "highlight": False}
        if mode == "hybrid":
            kw["lexical_weight"] = alpha
        vector = None
        if mode != "bm25" and self._embedder is not None and not isinstance(self._embedder, TextEmbeddingMorphism):
            vector = self._embedder.embed(query)
            res = self._c.search(None if mode == "vector" else query, vector=vector, **kw)
        else:
            res = self._c.search(query, **kw)
        out = []
        for h in res:
            if mode == "bm25" and h.score <= 0:
                continue
            out.append(SearchResult(self.corpus.get(h.id) or Document(h.id, h.title, "", h.metadata), h.score, len(out)))
        return out

    def search_batch(self, queries, top_k=10, mode="bm25", alpha=0.5):
        """search for each query, on several threads (the engine releases the GIL)."""
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
            return list(ex.map(lambda q: self.search(q, top_k, mode, alpha), queries))

    def explain_result(self, query, doc_id):
        """{"total_score", "term_scores": {term: score}, "query_terms"} of doc_id's BM25 score."""
        ex = self._c.explain(doc_id, query, mode="lexical")
        lex = ex.get("lexical") or {}
        terms = {t["term"]: t["contribution"] for t in lex.get("terms") or []}
        return {"total_score": ex.get("score", 0.0), "term_scores": terms, "query_terms": list(terms)}

    def add_document(self, doc):
        self.batch_add_documents([doc])

    def batch_add_documents(self, docs):
        docs = [_as_document(d) for d in docs]
        for d in docs:
            self.corpus.add(d)
        self._upsert(self._c, docs, self.vector_initialized)

    def remove_document(self, doc_id):
        """Removes a document; returns whether it was present."""
        present = doc_id in self.corpus
        if present:
            del self.corpus._docs[doc_id]
        self._c.delete([doc_id])
        return present


VajraSearchOptimized = VajraSearch


class VajraSearchParallel(VajraSearch):
    """VajraSearch with search_batch on max_workers threads."""

    def __init__(self, corpus, k1=1.5, b=0.75, max_workers=4, **kwargs):
        super().__init__(corpus, k1, b, **kwargs)
        self.max_workers = max_workers

    def search_batch(self, queries, top_k=10, mode="bm25", alpha=0.5):
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=self.max_workers) as ex:
            return list(ex.map(lambda q: self.search(q, top_k, mode, alpha), queries))


# --- embedders -----------------------------------------------------------------------------

class EmbeddingMorphism:
    """Base class: embed(text) -> vector, embed_batch(texts) -> vectors, dimension."""

    def embed(self, item):
        return self.embed_batch([item])[0]

    def embed_batch(self, items):
        raise NotImplementedError

    @property
    def dimension(self):
        raise NotImplementedError

    def apply(self, item):
        return self.embed(item)


class PrecomputedEmbeddingMorphism(EmbeddingMorphism):
    """Vectors looked up by key (a document id, or the text itself)."""

    def __init__(self, embeddings):
        self._vectors = {}
        self._dim = None
        for k, v in dict(embeddings).items():
            self.add(k, v)

    def add(self, key, vector):
        v = [float(x) for x in vector]
        if self._dim is None:
            self._dim = len(v)
        elif len(v) != self._dim:
            raise ValueError("vector for %r has %d values, the others %d" % (key, len(v), self._dim))
        self._vectors[key] = v

    def embed(self, item):
        try:
            return self._vectors[item]
        except KeyError:
            raise KeyError("no precomputed vector for %r" % (item,)) from None

    def embed_batch(self, items):
        return [self.embed(i) for i in items]

    @property
    def dimension(self):
        return self._dim or 0


class IdentityEmbeddingMorphism(EmbeddingMorphism):
    """Items are already vectors of the given dimension."""

    def __init__(self, dimension):
        self._dim = dimension

    def embed(self, item):
        v = [float(x) for x in item]
        if len(v) != self._dim:
            raise ValueError("vector has %d values, want %d" % (len(v), self._dim))
        return v

    def embed_batch(self, items):
        return [self.embed(i) for i in items]

    @property
    def dimension(self):
        return self._dim


class TextEmbeddingMorphism(EmbeddingMorphism):
    """Text embeddings from the engine's embedders, in place of sentence-transformers:

    - ``model_dir`` (or the VAJRA_MODEL_DIR environment variable): a sentence-transformers
      BERT model folder, such as all-MiniLM-L6-v2's, run by the engine itself (no PyTorch);
    - ``url`` (or VAJRA_EMBED_URL): an OpenAI-compatible /v1/embeddings server serving
      model_name (Ollama, llama.cpp, vLLM, TEI);
    - model_name "hash": the built-in hashing embedder (offline, deterministic, ``dim`` 384
      by default)."""

    def __init__(self, model_name="all-MiniLM-L6-v2", normalize=True, device=None, url=None, api_key=None, dim=None,
                 model_dir=None):
        self.model_name = model_name
        self.normalize = normalize
        self.model_dir = model_dir or os.environ.get("VAJRA_MODEL_DIR")
        self.url = url or os.environ.get("VAJRA_EMBED_URL")
        self.api_key = api_key
        self.dim = dim
        self._c = None
        self._lock = threading.Lock()

    def embedder_options(self):
        if self.model_name == "hash":
            return {"kind": "hash", "dim": self.dim or 384}
        if self.model_dir:
            return {"kind": "local", "model_dir": self.model_dir}
        if not self.url:
            raise error_for("embedder_failed", "model %r needs its model folder (model_dir= or VAJRA_MODEL_DIR) or an "
                            "OpenAI-compatible embeddings server (url= or VAJRA_EMBED_URL); model_name=\"hash\" is "
                            "the built-in embedder" % self.model_name)
        o = {"kind": "openai", "model": self.model_name, "url": self.url}
        if self.api_key:
            o["api_key"] = self.api_key
        if self.dim:
            o["dim"] = self.dim
        return o

    def _collection(self):
        with self._lock:
            if self._c is None:
                self._c = Collection.in_memory(embedder=self.embedder_options())
        return self._c

    def embed_batch(self, texts):
        return self._collection().embed(list(texts))

    def embed(self, text):
        return self.embed_batch([text])[0]

    @property
    def dimension(self):
        if self.model_name == "hash":
            return self.dim or 384
        return len(self.embed("dimension"))


# --- vector indexes ------------------------------------------------------------------------

@dataclass
class VectorSearchResult:
    """A vector hit: id, score (1 - cosine distance, dot product for "ip", minus the
    Euclidean distance for "l2": larger is closer), the stored vector and its metadata."""

    id: Any
    score: float
    vector: Any = None
    metadata: Optional[Dict[str, Any]] = None


_MAGIC = b"VJRACOMPAT1\n"


class _CompatIndex:
    """Ids of any hashable kind mapped to the engine's integer keys."""

    def _init_ids(self):
        self._key_of = {}
        self._ids = []
        self._meta = {}

    def _keys_for(self, ids):
        keys = []
        for i in ids:
            k = self._key_of.get(i)
            if k is None:
                k = len(self._ids)
                self._ids.append(i)
                self._key_of[i] = k
            keys.append(k)
        return keys

    def add(self, ids, vectors, metadata=None):
        """Adds vectors under ids. An id already present is replaced (the original raised
        ValueError on duplicates). metadata: optional list of dicts, one per id."""
        ids = list(ids)
        if metadata is not None and len(metadata) != len(ids):
            raise ValueError("%d metadata entries for %d ids" % (len(metadata), len(ids)))
        before = len(self._ids)
        keys = self._keys_for(ids)
        try:
            self._index.add(keys, vectors)
        except Exception:
            # Nothing was added: forget the ids this call introduced.
            for i in self._ids[before:]:
                del self._key_of[i]
            del self._ids[before:]
            raise
        if metadata is not None:
            for i, m in zip(ids, metadata):
                self._meta[i] = m

    def _score(self, d):
        if self.metric == "cosine":
            return 1.0 - float(d)
        if self.metric == "l2":
            return -math.sqrt(max(float(d), 0.0))
        return -float(d)

    def _results(self, keys, dists, k, include_vectors=True):
        out = []
        for key, d in zip(list(keys)[:k], list(dists)[:k]):
            key = int(key)
            if key < 0:
                break
            i = self._ids[key]
            vec = self._index.get_vector(key) if include_vectors else None
            out.append(VectorSearchResult(i, self._score(d), vec, self._meta.get(i)))
        return out

    def search(self, query, k=10):
        """The k nearest ids, best first, as VectorSearchResult."""
        keys, dists = self._index.search(query, k, self._ef(k))
        return self._results(keys, dists, k)

    def search_batch(self, queries, k=10):
        """search for each query, on all CPUs with the GIL released."""
        keys, dists = self._index.search_batch(queries, k, self._ef(k))
        return [self._results(ks, ds, k) for ks, ds in zip(keys, dists)]

    def get_vector(self, id):
        """The stored vector of id (normalised under cosine), or None."""
        k = self._key_of.get(id)
        if k is None:
            return None
        try:
            return self._index.get_vector(k)
        except KeyError:
            return None

    def remove(self, ids):
        """Removes ids; returns how many were present."""
        keys = [self._key_of[i] for i in ids if i in self._key_of]
        n = self._index.delete(keys)
        for i in ids:
            if i in self._key_of:
                self._meta.pop(i, None)
        return n

    def __len__(self):
        return len(self._index)

    @property
    def size(self):
        return len(self._index)

    def save(self, path):
        """One file: the ids and metadata, then the engine's checksummed index; written
        crash-safely."""
        d = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-index-")
        os.close(fd)
        try:
            self._index.save(tmp)
            with open(tmp, "rb") as f:
                blob = f.read()
        finally:
            os.unlink(tmp)
        head = json.dumps({"class": type(self).__name__, "params": self._params(), "ids": self._ids,
                           "metadata": [[self._key_of[i], m] for i, m in self._meta.items()]}).encode("utf-8")
        _write_atomic(path, _MAGIC + struct.pack("<Q", len(head)) + head + blob)

    @classmethod
    def load(cls, path):
        with open(path, "rb") as f:
            data = f.read()
        if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + 8:
            raise ValueError("%s: not a saved index" % path)
        (n,) = struct.unpack_from("<Q", data, len(_MAGIC))
        start = len(_MAGIC) + 8
        head = json.loads(data[start:start + n])
        d = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-index-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data[start + n:])
            index = (FlatIndex if head["class"] == "FlatVectorIndex" else HNSWIndex).load(tmp)
        finally:
            os.unlink(tmp)
        self = cls.__new__(cls)
        self._restore(head["params"], index)
        self._init_ids()
        self._keys_for(_tuple_ids(head["ids"]))
        for k, m in head["metadata"]:
            self._meta[self._ids[k]] = m
        return self


def _tuple_ids(ids):
    return [tuple(i) if isinstance(i, list) else i for i in ids]


class NativeHNSWIndex(_CompatIndex):
    """NativeHNSWIndex(dimension, metric="cosine", M=16, M0=None, ef_construction=200,
    ef_search=50, profile=None): an HNSW index over ids of any hashable kind.

    profile "quality", "fast" or "instant" picks the engine's build profile instead of M and
    ef_construction. M0 (the level-0 degree) is always 2*M; another value raises ValueError.
    Builds are multi-threaded and reproducible (``seed``)."""

    def __init__(self, dimension, metric="cosine", M=16, M0=None, ef_construction=200, ef_search=50,
                 profile=None, seed=None, threads=None):
        if M0 is not None and M0 != 2 * M:
            raise ValueError("M0 must be 2*M (%d) in this engine, got %r" % (2 * M, M0))
        self.dimension, self.metric = dimension, metric
        self.M, self.ef_construction, self.ef_search, self.profile = M, ef_construction, ef_search, profile
        if profile is None:
            self._index = HNSWIndex(dimension, metric, "quality", m=M, ef_construction=ef_construction,
                                    ef_search=ef_search, seed=seed, threads=threads)
        else:
            self._index = HNSWIndex(dimension, metric, profile, seed=seed, threads=threads)
            st = self._index.stats()
            self.M, self.ef_construction, self.ef_search = st["m"], st["ef_construction"], st["ef_search"]
        self._init_ids()

    @property
    def M0(self):
        return 2 * self.M

    def _ef(self, k):
        return max(k, self.ef_search)

    def _params(self):
        return {"dimension": self.dimension, "metric": self.metric, "M": self.M,
                "ef_construction": self.ef_construction, "ef_search": self.ef_search, "profile": self.profile}

    def _restore(self, p, index):
        self.dimension, self.metric, self.M = p["dimension"], p["metric"], p["M"]
        self.ef_construction, self.ef_search, self.profile = p["ef_construction"], p["ef_search"], p["profile"]
        self._index = index

    def stats(self):
        st = self._index.stats()
        return {"num_vectors": st["len"], "dimension": st["dim"], "metric": st["metric"], "M": st["m"],
                "M0": 2 * st["m"], "ef_construction": st["ef_construction"], "ef_search": self.ef_search,
                "profile": st["profile"], "memory_bytes": st["memory_bytes"]}


class FlatVectorIndex(_CompatIndex):
    """FlatVectorIndex(dimension, metric="cosine", normalize=True): exact search."""

    def __init__(self, dimension, metric="cosine", normalize=True):
        self.dimension, self.metric, self.normalize = dimension, metric, normalize
        self._index = FlatIndex(dimension, metric)
        self._init_ids()

    def _ef(self, k):
        return 0

    def _params(self):
        return {"dimension": self.dimension, "metric": self.metric, "normalize": self.normalize}

    def _restore(self, p, index):
        self.dimension, self.metric, self.normalize = p["dimension"], p["metric"], p.get("normalize", True)
        self._index = index

    def stats(self):
        st = self._index.stats()
        return {"num_vectors": st["len"], "dimension": st["dim"], "metric": st["metric"],
                "memory_bytes": st["memory_bytes"]}


# --- vector search over documents --------------------------------------------------------

class VajraVectorSearch:
    """VajraVectorSearch(embedder, index, cache_size=1000): documents embedded (content only,
    as in the original) into a NativeHNSWIndex or FlatVectorIndex. save() keeps the documents
    beside the index (the original lost them)."""

    def __init__(self, embedder, index, cache_size=1000):
        self.embedder, self.index = embedder, index
        self.cache_size = cache_size
        self._docs = OrderedDict()
        self._cache = OrderedDict()
        self._lock = threading.Lock()

    def _embed_docs(self, docs):
        if isinstance(self.embedder, PrecomputedEmbeddingMorphism):
            return [self.embedder.embed(d.id) if d.id in self.embedder._vectors else self.embedder.embed(d.content)
                    for d in docs]
        return self.embedder.embed_batch([d.content for d in docs])

    def index_documents(self, documents, batch_size=256, show_progress=True):
        docs = [_as_document(d) for d in documents]
        for lo in range(0, len(docs), batch_size):
            batch = docs[lo:lo + batch_size]
            self.index.add([d.id for d in batch], self._embed_docs(batch))
            for d in batch:
                self._docs[d.id] = d

    def add_document(self, document):
        self.index_documents([document])

    def get_document(self, doc_id):
        return self._docs.get(doc_id)

    @property
    def num_documents(self):
        return len(self._docs)

    def _query_vector(self, query):
        with self._lock:
            v = self._cache.get(query)
            if v is not None:
                self._cache.move_to_end(query)
                return v
        v = self.embedder.embed(query)
        with self._lock:
            self._cache[query] = v
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return v

    def clear_cache(self):
        with self._lock:
            self._cache.clear()

    def search(self, query, top_k=10, exclude_ids=None):
        return self.search_by_vector(self._query_vector(query), top_k, exclude_ids)

    def search_by_vector(self, vector, top_k=10, exclude_ids=None):
        exclude = set(exclude_ids or ())
        hits = self.index.search(vector, top_k + len(exclude))
        out = []
        for h in hits:
            if h.id in exclude or h.id not in self._docs:
                continue
            out.append(SearchResult(self._docs[h.id], h.score, len(out)))
            if len(out) == top_k:
                break
        return out

    def save(self, path):
        """Writes the index to path and the documents to path + ".docs.jsonl"."""
        self.index.save(path)
        DocumentCorpus(self._docs.values()).save_jsonl(path + ".docs.jsonl")

    @classmethod
    def load(cls, path, embedder, index_class=None):
        index = (index_class or NativeHNSWIndex).load(path)
        self = cls(embedder, index)
        docs_path = path + ".docs.jsonl"
        if os.path.exists(docs_path):
            for d in DocumentCorpus.load_jsonl(docs_path):
                self._docs[d.id] = d
        return self


# --- hybrid fusion ------------------------------------------------------------------------

class HybridSearchEngine:
    """HybridSearchEngine(bm25_engine, vector_engine, alpha=0.5, method="rrf", rrf_k=60):
    fuses a VajraSearch (BM25) and a VajraVectorSearch; alpha is the BM25 weight. Methods:
    "rrf" (weighted reciprocal rank fusion), "linear" (min-max normalised scores), "rsf"
    (scores relative to each list's best and worst; correct for negative scores, where the
    original divided by the maximum and inverted the order)."""

    def __init__(self, bm25_engine, vector_engine, alpha=0.5, method="rrf", rrf_k=60):
        if method not in ("rrf", "linear", "rsf"):
            raise ValueError("method must be 'rrf', 'linear' or 'rsf', got %r" % (method,))
        if not 0.0 <= alpha <= 1.0:
            raise ValueError("alpha must be in [0, 1], got %r" % (alpha,))
        self.bm25_engine, self.vector_engine = bm25_engine, vector_engine
        self.alpha, self.method, self.rrf_k = alpha, method, rrf_k

    def search_detailed(self, query, top_k=10, bm25_weight=None):
        """Fused results as dicts: document, doc_id, score, rank (0-based), bm25_score,
        bm25_rank, vector_score, vector_rank (ranks 1-based, None when absent)."""
        a = self.alpha if bm25_weight is None else bm25_weight
        fetch = 2 * top_k
        lex = self.bm25_engine.search(query, top_k=fetch)
        vec = self.vector_engine.search(query, top_k=fetch)
        table = OrderedDict()
        for side, hits in (("bm25", lex), ("vector", vec)):
            for r, h in enumerate(hits, 1):
                e = table.setdefault(h.document.id, {"document": h.document, "bm25_score": None, "bm25_rank": None,
                                                     "vector_score": None, "vector_rank": None})
                e[side + "_score"], e[side + "_rank"] = h.score, r
        lnorm = _normaliser(self.method, [h.score for h in lex])
        vnorm = _normaliser(self.method, [h.score for h in vec])
        for e in table.values():
            s = 0.0
            for side, w, norm in (("bm25", a, lnorm), ("vector", 1 - a, vnorm)):
                if e[side + "_rank"] is None:
                    continue
                if self.method == "rrf":
                    s += w / (self.rrf_k + e[side + "_rank"])
                else:
                    s += w * norm(e[side + "_score"])
            e["score"] = s
        ordered = sorted(table.values(), key=lambda e: (-e["score"], e["document"].id))[:top_k]
        for i, e in enumerate(ordered):
            e["rank"] = i
            e["doc_id"] = e["document"].id
        return ordered

    def search(self, query, top_k=10, bm25_weight=None):
        return [SearchResult(e["document"], e["score"], e["rank"]) for e in self.search_detailed(query, top_k, bm25_weight)]


def _normaliser(method, scores):
    if not scores:
        return lambda s: 0.0
    best, worst = max(scores), min(scores)
    if method == "linear":
        span = best - worst
        return (lambda s: 1.0) if span == 0 else (lambda s: (s - worst) / span)
    # Relative to the best: s/best for non-negative scores, min-max once scores spread wider
    # than |best| (negative similarities), so the order is always kept.
    den = max(abs(best), best - worst)
    return (lambda s: 1.0) if den == 0 else (lambda s: 1.0 - (best - s) / den)
