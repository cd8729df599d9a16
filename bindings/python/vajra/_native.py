"""Loading libvajra and calling it: the one module that speaks ctypes.

ctypes.CDLL releases the GIL for the duration of every call, so other Python threads run
while the engine works, and the engine's own threads (search_batch, index builds) run in
parallel with them.
"""

import ctypes
import json
import os
import threading

from .errors import VajraError, error_for

ABI_VERSION = 1


class _Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_char_p), ("message", ctypes.c_char_p)]


_ERR = ctypes.POINTER(_Error)
_H = ctypes.c_uint64
_P = ctypes.c_void_p  # every pointer argument is passed as an address
_S = ctypes.c_size_t
_I64 = ctypes.c_int64

_SIGNATURES = {
    "vajra_version": [_P, _P],
    "vajra_collection_create": [_P, _S, _P, _S, _P],
    "vajra_collection_open": [_P, _S, _P, _S, _P],
    "vajra_collection_close": [_H],
    "vajra_collection_upsert": [_H, _P, _S, _P, _S, _S, _P, _P],
    "vajra_collection_delete": [_H, _P, _S, _P, _P],
    "vajra_collection_get": [_H, _P, _S, _P, _P, _P, _P],
    "vajra_collection_search": [_H, _P, _S, _P, _S, _P, _P],
    "vajra_collection_explain": [_H, _P, _S, _P, _S, _P, _S, _P, _P],
    "vajra_collection_stats": [_H, _P, _P],
    "vajra_collection_ids": [_H, _P, _P],
    "vajra_collection_flush": [_H],
    "vajra_collection_embed": [_H, _P, _S, _P, _P, _P],
    "vajra_collection_promote": [_H, _P, _S],
    "vajra_check": [_P, _S, _P, _P],
    "vajra_index_create": [_P, _S, _P],
    "vajra_index_load": [_P, _S, _P],
    "vajra_index_close": [_H],
    "vajra_index_add": [_H, _P, _P, _S, _S],
    "vajra_index_delete": [_H, _P, _S, _P],
    "vajra_index_search": [_H, _P, _S, _S, _I64, _P, _P, _P],
    "vajra_index_search_batch": [_H, _P, _S, _S, _S, _I64, _I64, _P, _P, _P],
    "vajra_index_get": [_H, ctypes.c_uint32, _P, _S, _P],
    "vajra_index_save": [_H, _P, _S],
    "vajra_index_stats": [_H, _P, _P],
    "vajra_index_promote": [_H, _P, _S],
}


def _library_path():
    env = os.environ.get("VAJRA_LIBRARY")
    if env:
        return env
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "libvajra.so")


class _Lib:
    """The loaded library with typed functions."""

    def __init__(self, path):
        if not os.path.exists(path):
            raise ImportError(
                "libvajra not found at %s: build it with "
                "`go build -buildmode=c-shared -o vajra/libvajra.so ./libvajra` in bindings/python, "
                "or install the package with pip (which builds it)" % path
            )
        self.dll = ctypes.CDLL(path)
        for name, args in _SIGNATURES.items():
            f = getattr(self.dll, name)
            f.argtypes = args
            f.restype = _ERR
            setattr(self, "check_dir" if name == "vajra_check" else name[len("vajra_"):], f)
        self.dll.vajra_free.argtypes = [_P]
        self.dll.vajra_free.restype = None
        self.dll.vajra_error_free.argtypes = [_ERR]
        self.dll.vajra_error_free.restype = None
        self.free = self.dll.vajra_free
        self.error_free = self.dll.vajra_error_free

    def raise_for(self, err):
        """Raises the exception for a non-NULL vajra_error, freeing it."""
        code = err.contents.code.decode("utf-8", "replace")
        message = err.contents.message.decode("utf-8", "replace")
        self.error_free(err)
        raise error_for(code, message)

    def check(self, err):
        if err:
            self.raise_for(err)

    def take(self, ptr, n):
        """Copies and frees an output buffer."""
        try:
            return ctypes.string_at(ptr.value, n.value) if ptr.value else b""
        finally:
            self.free(ptr)

    def call_json(self, name, *args):
        """Calls a function whose last two arguments receive a JSON output, and decodes it."""
        out, n = ctypes.c_void_p(), ctypes.c_size_t()
        self.check(getattr(self, name)(*args, ctypes.addressof(out), ctypes.addressof(n)))
        return json.loads(self.take(out, n))

    def call_handle(self, name, *args):
        """Calls a function whose last argument receives a handle."""
        h = ctypes.c_uint64()
        self.check(getattr(self, name)(*args, ctypes.addressof(h)))
        return h.value


_lib = None
_lib_lock = threading.Lock()


def lib():
    """The library, loaded on first use."""
    global _lib
    if _lib is None:
        with _lib_lock:
            if _lib is None:
                loaded = _Lib(_library_path())
                v = loaded.call_json("version")
                if v.get("abi") != ABI_VERSION:
                    raise ImportError("libvajra at %s speaks ABI %s, this package %d: rebuild it"
                                      % (_library_path(), v.get("abi"), ABI_VERSION))
                _lib = loaded
    return _lib


def utf8(s, what):
    """s as (bytes, length) for a pointer + length argument."""
    if not isinstance(s, str):
        raise error_for("invalid_field", "%s: want a string, got %s" % (what, type(s).__name__))
    b = s.encode("utf-8", "surrogatepass")
    return b, len(b)


def dumps(v, what):
    """JSON bytes of v, with a clear error for values JSON cannot hold."""
    try:
        b = json.dumps(v, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError) as e:
        raise error_for("invalid_field", "%s: %s" % (what, e)) from None
    return b


__all__ = ["lib", "utf8", "dumps", "VajraError"]
