"""Vajra: BM25 lexical, HNSW vector and hybrid search, with the engine in this process.

    import vajra
    with vajra.Collection.in_memory(embedder="hash") as c:
        c.upsert([{"id": "1", "title": "Solar power", "content": "Panels turn light into power."}])
        for hit in c.search("solar", k=5):
            print(hit.id, hit.score, hit.title)

Collection (documents, three search modes, durable on disk), HNSWIndex and FlatIndex
(vectors with integer keys, numpy-friendly), Client (the same over a `vajra serve` HTTP
server), and vajra.compat (the Vajra Search 0.2.1 names for people moving over). Errors are
VajraError subclasses carrying the HTTP API's stable codes.

The engine runs Go threads inside this process: they do not survive fork(), so use the
"spawn" (or "forkserver") start method with multiprocessing, or import vajra only in the
child processes.
"""

from .client import Client, RemoteCollection
from .collection import Collection, check
from .errors import (AuthError, BadJSONError, ClosedError, CollectionExistsError, CollectionNotFoundError,
                     CorruptError, DimensionMismatchError, DocumentNotFoundError, EmbedderError,
                     InvalidFieldError, InvalidFilterError, LockedError, ModeUnavailableError,
                     PayloadTooLargeError, ReadOnlyError, UnknownFieldError, VajraError)
from .index import FlatIndex, HNSWIndex
from .results import Document, Fusion, Hit, Results, Side, Snippet

__version__ = "0.1.0"


def library_info():
    """The loaded engine library: its ABI version, Go version and distance kernels."""
    from ._native import lib
    return lib().call_json("version")


__all__ = [
    "Collection", "Client", "RemoteCollection", "HNSWIndex", "FlatIndex", "Document", "Fusion", "Hit", "Results", "Side",
    "Snippet", "check",
    "library_info", "VajraError", "InvalidFieldError", "BadJSONError", "UnknownFieldError", "InvalidFilterError",
    "DimensionMismatchError", "DocumentNotFoundError", "CollectionNotFoundError", "CollectionExistsError",
    "ModeUnavailableError", "EmbedderError", "ClosedError", "CorruptError", "LockedError",
    "PayloadTooLargeError", "AuthError", "ReadOnlyError",
]
