"""vajra.Client against a real `vajra serve` on a free loopback port, and its retries against
a stub server."""

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

import vajra
from tests.helpers import DOCS, NO_NUMPY, VECS, np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vajra_binary(tmp):
    """The vajra command with serve: VAJRA_BIN, or built from this checkout; None if neither."""
    path = os.environ.get("VAJRA_BIN")
    if not path:
        path = os.path.join(tmp, "vajra")
        try:
            # Pure Go, as the vajra binary is meant to be built (and as .ci/run already built it).
            subprocess.run(["go", "build", "-o", path, "./cmd/vajra"], cwd=ROOT, check=True, capture_output=True,
                           timeout=600, env=dict(os.environ, CGO_ENABLED="0"))
        except (OSError, subprocess.SubprocessError):
            return None
    out = subprocess.run([path, "serve", "--help"], capture_output=True, text=True, timeout=30)
    if "unknown command" in (out.stdout + out.stderr):
        return None
    return path


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vajra-serve-")
        binary = vajra_binary(cls.tmp)
        if binary is None:
            shutil.rmtree(cls.tmp, True)
            raise unittest.SkipTest("no vajra binary with the serve command (set VAJRA_BIN or build from a checkout with Go)")
        port = free_port()
        cls.url = "http://127.0.0.1:%d" % port
        cls.proc = subprocess.Popen([binary, "serve", "--data", os.path.join(cls.tmp, "data"), "--addr",
                                     "127.0.0.1:%d" % port, "--api-key", "admin-key", "--read-key", "read-key"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(cls.url + "/readyz", timeout=1).read()
                break
            except OSError:
                if cls.proc.poll() is not None or time.monotonic() > deadline:
                    err = cls.proc.stderr.read().decode(errors="replace") if cls.proc.poll() is not None else ""
                    cls.tearDownClass()
                    raise RuntimeError("vajra serve did not become ready: " + err)
                time.sleep(0.1)
        cls.client = vajra.Client(cls.url, api_key="admin-key")

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "proc", None) is not None and cls.proc.poll() is None:
            cls.proc.send_signal(signal.SIGTERM)
            try:
                cls.proc.wait(30)
            except subprocess.TimeoutExpired:
                cls.proc.kill()
                cls.proc.wait()
        if getattr(cls, "proc", None) is not None:
            cls.proc.stderr.close()
        shutil.rmtree(cls.tmp, True)

    def collection(self, name, **kw):
        c = self.client.create_collection(name, **kw)
        self.addCleanup(self.client.drop_collection, name)
        return c

    def test_round_trip_matches_in_process(self):
        remote = self.collection("docs", embedder="precomputed", profile="fast")
        local = vajra.Collection.in_memory(embedder="precomputed", profile="fast")
        self.addCleanup(local.close)
        self.assertEqual(remote.upsert(DOCS, vectors=VECS)["upserted"], 3)
        local.upsert(DOCS, vectors=VECS)
        self.assertTrue(self.client.health())
        self.assertTrue(self.client.ready())
        self.assertIn("docs", [c["name"] for c in self.client.collections()])
        for kw in [dict(query="electricity", mode="lexical"), dict(query="electricity", mode="lexical", filter="year >= 2020"),
                   dict(query="electricity", mode="lexical", filter={"field": "lang", "op": "=", "value": "en"}),
                   dict(mode="vector", vector=[0, 0, 1, 0], k=2), dict(query="wind", vector=[1, 0, 0, 0], lexical_weight=1.0),
                   dict(query="wind", vector=[1, 0, 0, 0], fusion="linear", lexical_weight=0.2)]:
            with self.subTest(kw=kw):
                r, l = remote.search(**kw), local.search(**kw)
                self.assertEqual(r.ids, l.ids)
                self.assertEqual([h.score for h in r], [h.score for h in l])
                self.assertEqual(r.mode, l.mode)
                self.assertEqual(r[0].snippet, l[0].snippet)
        doc = remote.get("a")
        self.assertEqual((doc.title, doc.metadata), ("Solar power", {"year": 2021, "lang": "en"}))
        self.assertEqual(len(doc.vector), 4)
        self.assertIn("a", remote)
        self.assertEqual(remote.explain("b", "wind", mode="lexical")["rank"], 1)
        for args, kw in [(("b", "wind"), dict(mode="lexical")), (("c", "electricity"), dict(mode="lexical")),
                         (("a", "wind"), dict(vector=[1, 0, 0, 0], depth=2))]:
            with self.subTest(explain=args, kw=kw):
                self.assertEqual(remote.explain(*args, **kw), local.explain(*args, **kw))
        with self.assertRaises(vajra.DocumentNotFoundError):
            remote.explain("zz", "wind", mode="lexical")
        page = remote.search("electricity", mode="lexical", k=1, count=True, explain_ids=["b"])
        self.assertEqual((page.has_more, page.total_matches, [x["id"] for x in page.explanations]), (True, 2, ["b"]))
        self.assertEqual(remote.search("wind", vector=[1, 0, 0, 0]).fusion, vajra.Fusion("rrf", 0.5, 60.0, 100))
        self.assertEqual(remote.stats()["metadata"], local.stats()["metadata"])
        st = remote.stats()
        self.assertEqual((st["documents"], st["dimension"], st["profile"]), (3, 4, "fast"))
        self.assertEqual(remote.delete(["b", "zz"])["deleted"], 1)
        self.assertEqual(remote.delete(filter="lang = de")["deleted"], 1)
        self.assertEqual(remote.ids(), ["a"])
        self.assertEqual(len(remote), 1)

    @unittest.skipIf(np is None, NO_NUMPY)
    def test_numpy(self):
        remote = self.collection("np", embedder="precomputed")
        remote.upsert(DOCS, vectors=np.array(VECS, dtype=np.float32))
        self.assertEqual(remote.search(mode="vector", vector=np.array([0, 0, 1, 0], np.float32), k=1).ids, ["c"])

    def test_errors_are_the_in_process_classes(self):
        remote = self.collection("errs", embedder="precomputed")
        remote.upsert(DOCS, vectors=VECS)
        reader = vajra.Client(self.url, api_key="read-key")
        wrong = vajra.Client(self.url, api_key="wrong")
        for c in (reader, wrong, self.client):
            self.addCleanup(c.close)
        cases = [
            ("bad filter", vajra.InvalidFilterError, 400, lambda: remote.search("x", mode="lexical", filter="year >=")),
            ("unknown document", vajra.DocumentNotFoundError, 404, lambda: remote.get("zz")),
            ("wrong dimension", vajra.DimensionMismatchError, 400, lambda: remote.upsert({"id": "x", "vector": [1, 0]})),
            ("query dimension", vajra.DimensionMismatchError, 400, lambda: remote.search(mode="vector", vector=[1, 0])),
            ("collection exists", vajra.CollectionExistsError, 409, lambda: self.client.create_collection("errs")),
            ("no collection", vajra.CollectionNotFoundError, 404, lambda: self.client.collection("nope").stats()),
            ("wrong key", vajra.AuthError, 401, wrong.collections),
            ("read key writes", vajra.AuthError, 403, lambda: reader.collection("errs").upsert({"id": "x", "vector": VECS[0]})),
            ("bad name", vajra.InvalidFieldError, 400, lambda: self.client.create_collection("..")),
            ("NaN", vajra.InvalidFieldError, None, lambda: remote.search(mode="vector", vector=[float("nan"), 0, 0, 0])),
        ]
        for name, exc, status, call in cases:
            with self.subTest(name):
                with self.assertRaises(exc) as cm:
                    call()
                self.assertEqual(cm.exception.status, status)
        for body, field, position in [(dict(filter="year >= 2000 AND colour = red"), "filter", 17),
                                      (dict(filter={"or": [{"field": "colour", "op": "exists"}]}), "filter.or[0].field", None),
                                      (dict(explain_ids=["zz"]), "explain_ids[0]", None)]:
            with self.subTest(body=body):
                with self.assertRaises(vajra.VajraError) as cm:
                    remote.search("electricity", mode="lexical", **body)
                self.assertEqual((cm.exception.field, cm.exception.position), (field, position))
        self.assertEqual(reader.collection("errs").search("electricity", mode="lexical").ids, ["a", "b"])
        self.assertEqual(remote.stats()["documents"], 3)


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 503, then drops a connection, then 200; counts requests."""

    plan = []
    seen = []

    def do_GET(self):
        self.seen.append(self.path)
        step = self.plan.pop(0) if self.plan else "ok"
        if step == "503":
            self.send_response(503)
            self.send_header("Content-Type", "application/problem+json")
            self.end_headers()
            self.wfile.write(b'{"code": "internal", "status": 503, "title": "busy"}')
        elif step == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif step == "problem":
            body = json.dumps({"type": "about:blank", "title": "Not Found", "status": 404, "code": "collection_not_found",
                               "detail": "no collection named \"x\""}).encode()
            self.send_response(404)
            self.send_header("Content-Type", "application/problem+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            body = b'{"collections": []}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *a):
        pass


class RetryTest(unittest.TestCase):
    def setUp(self):
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
        t = threading.Thread(target=self.srv.serve_forever, daemon=True)
        t.start()
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        self.url = "http://127.0.0.1:%d" % self.srv.server_address[1]
        _Flaky.seen.clear()

    def test_retries_503_and_dropped_connections(self):
        _Flaky.plan[:] = ["503", "drop", "ok"]
        c = vajra.Client(self.url, retries=3, backoff=0.001)
        self.assertEqual(c.collections(), [])
        self.assertEqual(len(_Flaky.seen), 3)

    def test_gives_up(self):
        _Flaky.plan[:] = ["503"] * 5
        c = vajra.Client(self.url, retries=2, backoff=0.001)
        with self.assertRaises(vajra.VajraError) as cm:
            c.collections()
        self.assertEqual(cm.exception.status, 503)
        self.assertEqual(len(_Flaky.seen), 3)

    def test_problem_json(self):
        _Flaky.plan[:] = ["problem"]
        with self.assertRaises(vajra.CollectionNotFoundError) as cm:
            vajra.Client(self.url).collection("x").stats()
        self.assertEqual((cm.exception.status, cm.exception.message), (404, 'no collection named "x"'))

    def test_nobody_listening(self):
        c = vajra.Client("http://127.0.0.1:%d" % free_port(), retries=1, backoff=0.001)
        with self.assertRaises(vajra.VajraError) as cm:
            c.collections()
        self.assertEqual(cm.exception.code, "unavailable")
        self.assertFalse(c.health())

    def test_bad_url(self):
        with self.assertRaises(vajra.InvalidFieldError):
            vajra.Client("localhost:7700")


if __name__ == "__main__":
    unittest.main()
