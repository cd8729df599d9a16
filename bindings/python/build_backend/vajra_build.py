"""A PEP 517 build backend for the vajra package, standard library only.

The wheel holds the Python package and libvajra.so, which this backend compiles with
`go build -buildmode=c-shared` from the repository's Go sources (so Go and a C compiler must
be installed). The library is loaded with ctypes, not as a CPython extension, so the wheel is
tagged py3-none-<platform>.
"""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sysconfig
import tempfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "vajra"


def _version():
    with open(os.path.join(HERE, NAME, "__init__.py"), encoding="utf-8") as f:
        m = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if not m:
        raise RuntimeError("no __version__ in vajra/__init__.py")
    return m.group(1)


def _tag():
    return "py3-none-" + re.sub(r"[^A-Za-z0-9]", "_", sysconfig.get_platform())


def _metadata():
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n"
            "Summary: BM25, HNSW and hybrid search with the Vajra engine in-process\n"
            "Requires-Python: >=3.8\nProvides-Extra: numpy\nRequires-Dist: numpy; extra == \"numpy\"\n" % (NAME, _version()))


def _wheel_file():
    return "Wheel-Version: 1.0\nGenerator: vajra_build\nRoot-Is-Purelib: false\nTag: %s\n" % _tag()


def build_library(out):
    """Compiles libvajra.so to out."""
    subprocess.check_call(["go", "build", "-buildmode=c-shared", "-o", out, "./libvajra"], cwd=HERE)
    header = out[:-len(".so")] + ".h"
    if os.path.exists(header):
        os.remove(header)


def _write_wheel(wheel_directory, files):
    """files: (archive name, bytes) pairs; adds the dist-info and returns the wheel's name."""
    dist_info = "%s-%s.dist-info" % (NAME, _version())
    files = list(files) + [(dist_info + "/METADATA", _metadata().encode()),
                           (dist_info + "/WHEEL", _wheel_file().encode())]
    record = []
    name = "%s-%s-%s.whl" % (NAME, _version(), _tag())
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for arc, data in files:
            z.writestr(zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append("%s,sha256=%s,%d" % (arc, digest, len(data)))
        record.append(dist_info + "/RECORD,,")
        z.writestr(zipfile.ZipInfo(dist_info + "/RECORD", date_time=(2020, 1, 1, 0, 0, 0)), "\n".join(record) + "\n")
    return name


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    tmp = tempfile.mkdtemp(prefix="vajra-build-")
    try:
        lib = os.path.join(tmp, "libvajra.so")
        build_library(lib)
        files = []
        for fn in sorted(os.listdir(os.path.join(HERE, NAME))):
            if fn.endswith(".py"):
                with open(os.path.join(HERE, NAME, fn), "rb") as f:
                    files.append(("%s/%s" % (NAME, fn), f.read()))
        with open(lib, "rb") as f:
            files.append(("%s/libvajra.so" % NAME, f.read()))
        return _write_wheel(wheel_directory, files)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """An editable install: the library is built into the source tree, and a .pth file puts
    the source tree on sys.path."""
    build_library(os.path.join(HERE, NAME, "libvajra.so"))
    return _write_wheel(wheel_directory, [("__editable__.%s.pth" % NAME, (HERE + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    raise RuntimeError("vajra has no source distribution: libvajra is built from the whole repository's Go "
                       "sources; install from a checkout (pip install ./bindings/python)")
