"""Vectors and keys as memory the engine can read: float32 numpy arrays and other
buffer-protocol objects are passed by address without copying; anything else (lists,
float64 arrays, read-only buffers) is converted once."""

import array
import ctypes
import numbers

from .errors import error_for

try:
    import numpy as np
except ImportError:  # numpy is optional
    np = None

if array.array("I").itemsize != 4:
    raise ImportError("array('I') is not 32 bits on this platform")


def _bad(what, message):
    return error_for("invalid_field", "%s: %s" % (what, message))


class Floats:
    """rows x dim float32 values at addr; keep holds what keeps the memory alive."""

    __slots__ = ("addr", "rows", "dim", "keep")

    def __init__(self, addr, rows, dim, keep):
        self.addr, self.rows, self.dim, self.keep = addr, rows, dim, keep


_addressof = ctypes.addressof
_c_char = ctypes.c_char


def np_address(a):
    """The address of a C-contiguous numpy array's data (taking a writable buffer through
    ctypes is several times faster than a.ctypes.data)."""
    if not a.size:
        return 0
    if a.flags.writeable:
        return _addressof(_c_char.from_buffer(a))
    return a.ctypes.data


def _shape(what, n, shape, one_row):
    if len(shape) == 1:
        if one_row or n == 0:
            return (1 if n else 0), n
        raise _bad(what, "want a matrix (one row per vector), got a flat sequence of %d values" % n)
    if len(shape) == 2:
        return shape[0], shape[1]
    raise _bad(what, "want one vector or a matrix, got %d dimensions" % len(shape))


def _address(mv):
    """The address of a writable contiguous memoryview, and the object pinning it."""
    if mv.nbytes == 0:
        return 0, None
    c = (ctypes.c_char * mv.nbytes).from_buffer(mv)
    return ctypes.addressof(c), c


def float_rows(data, what="vectors", one_row=False):
    """data as Floats. one_row: data is a single vector (a flat sequence is one row)."""
    if np is not None and isinstance(data, np.ndarray):
        if data.dtype != np.float32 or not data.flags.c_contiguous:
            if data.dtype.kind not in "fiu":
                raise _bad(what, "want numbers, got an array of %s" % data.dtype)
            data = np.ascontiguousarray(data, dtype=np.float32)
        rows, dim = _shape(what, data.size, data.shape, one_row)
        return Floats(np_address(data), rows, dim, data)
    if isinstance(data, (bytes, bytearray, memoryview, array.array)) or _has_buffer(data):
        mv = memoryview(data)
        if mv.format in ("f", "<f", "=f") and mv.c_contiguous:
            rows, dim = _shape(what, mv.nbytes // 4, mv.shape, one_row)
            if mv.readonly:
                copy = array.array("f")
                copy.frombytes(mv.tobytes())
                mv = memoryview(copy)
            addr, pin = _address(mv)
            return Floats(addr, rows, dim, (data, mv, pin))
        if mv.format in ("d", "<d", "=d") and mv.c_contiguous:
            rows, dim = _shape(what, mv.nbytes // 8, mv.shape, one_row)
            copy = array.array("f", mv.cast("B").cast("d"))
            addr, pin = _address(memoryview(copy))
            return Floats(addr, rows, dim, (copy, pin))
        raise _bad(what, "want float32 or float64 values, got a buffer of format %r" % mv.format)
    return _from_sequence(data, what, one_row)


def _has_buffer(x):
    try:
        memoryview(x)
    except TypeError:
        return False
    return True


def _from_sequence(data, what, one_row):
    try:
        items = list(data)
    except TypeError:
        raise _bad(what, "want a vector or a matrix, got %s" % type(data).__name__) from None
    flat = array.array("f")
    if not items:
        return Floats(0, 0, 0, flat)
    if isinstance(items[0], numbers.Real):
        rows, dim = _shape(what, len(items), (len(items),), one_row)
        _extend(flat, items, what, 0)
    else:
        rows, dim = len(items), None
        for i, row in enumerate(items):
            try:
                row = list(row)
            except TypeError:
                raise _bad(what, "row %d is a %s, not a sequence of numbers" % (i, type(row).__name__)) from None
            if dim is None:
                dim = len(row)
            elif len(row) != dim:
                raise error_for("dimension_mismatch", "%s: row %d has %d values, row 0 has %d" % (what, i, len(row), dim))
            _extend(flat, row, what, i)
    addr, pin = _address(memoryview(flat))
    return Floats(addr, rows, dim, (flat, pin))


def _extend(flat, row, what, i):
    try:
        flat.extend(float(x) for x in row)
    except (TypeError, ValueError) as e:
        raise _bad(what, "row %d: %s" % (i, e)) from None


class Keys:
    __slots__ = ("addr", "n", "keep")

    def __init__(self, addr, n, keep):
        self.addr, self.n, self.keep = addr, n, keep


def uint32_keys(keys, what="keys"):
    """Integer keys in [0, 2**32) as Keys."""
    if np is not None and isinstance(keys, np.ndarray):
        keys = keys.reshape(-1)
        if keys.dtype != np.uint32 or not keys.flags.c_contiguous:
            if keys.dtype.kind not in "iu":
                raise _bad(what, "want integers, got an array of %s" % keys.dtype)
            if keys.size and (keys.min() < 0 or keys.max() > 0xFFFFFFFF):
                raise _bad(what, "keys must be in [0, 2**32)")
            keys = np.ascontiguousarray(keys, dtype=np.uint32)
        return Keys(np_address(keys), keys.size, keys)
    if isinstance(keys, numbers.Integral):
        keys = [keys]
    out = array.array("I")
    for k in keys:
        if not isinstance(k, numbers.Integral) or isinstance(k, bool):
            raise _bad(what, "want integer keys, got %r" % (k,))
        if not 0 <= k <= 0xFFFFFFFF:
            raise _bad(what, "key %d is outside [0, 2**32)" % k)
        out.append(int(k))
    addr, pin = _address(memoryview(out))
    return Keys(addr, len(out), (out, pin))


def new_keys(n):
    """A zeroed int64 output array of n entries and its address."""
    if np is not None:
        a = np.empty(n, dtype=np.int64)
        return a, np_address(a)
    a = (ctypes.c_int64 * n)()
    return a, ctypes.addressof(a)


def new_floats(n):
    """A float32 output array of n entries and its address."""
    if np is not None:
        a = np.empty(n, dtype=np.float32)
        return a, np_address(a)
    a = (ctypes.c_float * n)()
    return a, ctypes.addressof(a)
