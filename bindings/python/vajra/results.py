"""Result objects, built from the results JSON that every way into Vajra prints (the CLI's
--json, the HTTP API, the C library)."""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple


@dataclass(frozen=True)
class Side:
    """How one side (lexical or vector) ranked a hit: 1-based rank (0 = not retrieved), its
    raw score, and what it contributed to the final score."""

    rank: int
    score: float
    contribution: float

    @classmethod
    def from_json(cls, d):
        if d is None:
            return None
        return cls(d.get("rank", 0), d.get("score", 0.0), d.get("contribution", 0.0))


@dataclass(frozen=True)
class Snippet:
    """An excerpt of the content around the query words; highlights are (start, end) offsets
    into text, title_highlights into the hit's title. Offsets count characters (Python string
    indexes), not bytes."""

    text: str
    highlights: List[Tuple[int, int]]
    title_highlights: List[Tuple[int, int]]

    @classmethod
    def from_json(cls, d, title):
        if d is None:
            return None
        text = d.get("text", "")
        return cls(text, _char_ranges(text, d.get("highlights")), _char_ranges(title, d.get("title_highlights")))


def _char_ranges(text, ranges):
    """Byte ranges into text's UTF-8 as character ranges."""
    if not ranges:
        return []
    if text.isascii():
        return [(s, e) for s, e in ranges]
    b = text.encode("utf-8")
    return [(len(b[:s].decode("utf-8", "ignore")), len(b[:e].decode("utf-8", "ignore"))) for s, e in ranges]


@dataclass(frozen=True)
class Hit:
    """One result. ``score`` is BM25 in lexical mode, similarity in vector mode, the fused
    score in hybrid; ``lexical`` and ``vector`` say how each side ranked it (None for a side
    that did not run); ``explain`` is the score breakdown when asked for."""

    id: str
    score: float
    title: str
    metadata: Dict[str, Any] = field(default_factory=dict)
    snippet: Optional[Snippet] = None
    lexical: Optional[Side] = None
    vector: Optional[Side] = None
    explain: Optional[Dict[str, Any]] = None

    @classmethod
    def from_json(cls, d):
        title = d.get("title", "")
        return cls(d["id"], d.get("score", 0.0), title, d.get("metadata") or {},
                   Snippet.from_json(d.get("snippet"), title), Side.from_json(d.get("lexical")),
                   Side.from_json(d.get("vector")), d.get("explain"))


@dataclass(frozen=True)
class Fusion:
    """The fusion a hybrid search used, defaults filled in: the method ("rrf", "linear" or
    "relative"), the weight of the lexical side, RRF's rank constant and the candidates each
    side brought."""

    method: str
    lexical_weight: float
    rrf_k: float
    depth: int

    @classmethod
    def from_json(cls, d):
        if not d:
            return None
        return cls(d.get("method", ""), d.get("lexical_weight", 0.0), d.get("rrf_k", 0.0), d.get("depth", 0))


@dataclass(frozen=True)
class Results:
    """The answer to a search: hits best first, the mode used, the analysed query terms, the
    time taken in milliseconds and how many distinct documents the ranking was cut from.
    ``has_more`` says whether the next page (offset + k) has hits; ``total_matches`` is the
    number of documents in the full ranking when the search was asked to count (else None);
    ``fusion`` is the fusion a hybrid search used (else None); ``explanations`` explain the
    documents of ``explain_ids`` that are not hits of this page (dicts, as ``Hit.explain``).
    Iterating, len() and indexing go over the hits."""

    hits: List[Hit]
    mode: str
    terms: List[str]
    took_ms: float
    total_candidates: int
    has_more: bool = False
    total_matches: Optional[int] = None
    fusion: Optional[Fusion] = None
    explanations: List[Dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_json(cls, d):
        return cls([Hit.from_json(h) for h in d.get("hits") or []], d.get("mode", ""), d.get("terms") or [],
                   d.get("took_ms", 0.0), d.get("total_candidates", 0), bool(d.get("has_more", False)),
                   d.get("total_matches"), Fusion.from_json(d.get("fusion")), d.get("explanations") or [])

    def explanation(self, id):
        """The explanation of document id: its hit's ``explain``, or its entry in
        ``explanations``; None when the search explained neither."""
        for h in self.hits:
            if h.id == id and h.explain is not None:
                return h.explain
        for x in self.explanations:
            if x.get("id") == id:
                return x
        return None

    def __iter__(self):
        return iter(self.hits)

    def __len__(self):
        return len(self.hits)

    def __getitem__(self, i):
        return self.hits[i]

    @property
    def ids(self):
        """The hits' ids, best first."""
        return [h.id for h in self.hits]


@dataclass(frozen=True)
class Document:
    """A stored document; ``vector`` is its stored vector (normalised under cosine) or None."""

    id: str
    title: str = ""
    content: str = ""
    metadata: Dict[str, Any] = field(default_factory=dict)
    vector: Optional[List[float]] = field(default=None, repr=False)

    @classmethod
    def from_json(cls, d, vector=None):
        if vector is None:
            vector = d.get("vector")
        return cls(d["id"], d.get("title", ""), d.get("content", ""), d.get("metadata") or {}, vector)
