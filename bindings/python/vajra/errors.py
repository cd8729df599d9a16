"""Exceptions raised by Vajra, in-process and over HTTP alike.

Every error carries a stable ``code`` (the same codes as the HTTP API's problem documents)
and a message for people. The classes also derive from the built-in exception a Python
programmer would expect (ValueError for bad input, KeyError for a missing document, ...), so
existing ``except ValueError`` blocks keep working.
"""


class VajraError(Exception):
    """Base class: ``code`` is the stable error code, ``message`` the explanation, and
    ``status`` the HTTP status when the error came from a server (else None). From a server,
    ``field`` names the request member at fault as a path (``"filter.and[1].field"``,
    ``"query"``, ``"explain_ids[0]"``) and ``position`` is the byte offset in a filter's text
    of a syntax error or of a field no document has; both None when the answer has none."""

    code = "internal"

    def __init__(self, message, code=None, status=None, field=None, position=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.status = status
        self.field = field
        self.position = position

    def __str__(self):
        return "%s: %s" % (self.code, self.message)


class InvalidFieldError(VajraError, ValueError):
    """A field has a wrong type or value (an empty id, NaN in a vector, a bad option)."""

    code = "invalid_field"


class BadJSONError(InvalidFieldError):
    """The JSON sent was malformed."""

    code = "bad_json"


class UnknownFieldError(VajraError, ValueError):
    """A request named a field that does not exist."""

    code = "unknown_field"


class InvalidFilterError(VajraError, ValueError):
    """A filter that does not parse, or names a field no document has."""

    code = "invalid_filter"


class DimensionMismatchError(VajraError, ValueError):
    """A vector whose length differs from the collection's or the index's dimension."""

    code = "dimension_mismatch"


class DocumentNotFoundError(VajraError, KeyError):
    """No document (or key) with that id."""

    code = "document_not_found"


class CollectionNotFoundError(VajraError, LookupError):
    """No collection at that path or with that name."""

    code = "collection_not_found"


class CollectionExistsError(VajraError, FileExistsError):
    """A collection already exists there."""

    code = "collection_exists"


class ModeUnavailableError(VajraError, ValueError):
    """Vector or hybrid search on a collection without vectors."""

    code = "mode_unavailable"


class EmbedderError(VajraError):
    """The embedder could not embed the text (a service down or answering garbage)."""

    code = "embedder_failed"


class ClosedError(VajraError, ValueError):
    """A collection or index used after close (like I/O on a closed file)."""

    code = "closed"


class CorruptError(VajraError):
    """Damaged collection or index files."""

    code = "corrupt"


class LockedError(VajraError):
    """The collection is open in another process."""

    code = "locked"


class PayloadTooLargeError(VajraError, ValueError):
    """A request over the server's size limit."""

    code = "payload_too_large"


class AuthError(VajraError, PermissionError):
    """Missing or wrong API key (unauthorized), or a key that does not allow this (forbidden)."""

    code = "unauthorized"


class ReadOnlyError(VajraError, PermissionError):
    """A write to a read-only collection."""

    code = "read_only"


_BY_CODE = {
    "invalid_field": InvalidFieldError,
    "bad_json": BadJSONError,
    "unknown_field": UnknownFieldError,
    "invalid_filter": InvalidFilterError,
    "dimension_mismatch": DimensionMismatchError,
    "document_not_found": DocumentNotFoundError,
    "collection_not_found": CollectionNotFoundError,
    "collection_exists": CollectionExistsError,
    "mode_unavailable": ModeUnavailableError,
    "embedder_failed": EmbedderError,
    "closed": ClosedError,
    "corrupt": CorruptError,
    "locked": LockedError,
    "payload_too_large": PayloadTooLargeError,
    "unauthorized": AuthError,
    "forbidden": AuthError,
    "read_only": ReadOnlyError,
}


def error_for(code, message, status=None, field=None, position=None):
    """The exception for an error code (VajraError for codes this version does not know)."""
    return _BY_CODE.get(code, VajraError)(message, code=code, status=status, field=field, position=position)
