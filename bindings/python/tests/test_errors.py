"""Bad input raises a clear, typed exception and changes nothing."""

import math
import unittest

import vajra
from tests.helpers import DOCS, NO_NUMPY, VECS, TempDirTest, np


class BadInputTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.c = vajra.Collection.create(self.path("c"), embedder="precomputed", profile="fast", sync="never")
        self.c.upsert(DOCS, vectors=VECS)
        self.addCleanup(self.c.close)

    def state(self):
        return self.c.ids(), self.c.stats()["documents"], self.c.search("electricity", mode="lexical").ids

    def test_bad_input(self):
        before = self.state()
        nan = float("nan")
        c = self.c
        cases = [
            ("wrong dimension", vajra.DimensionMismatchError, lambda: c.upsert({"id": "x", "vector": [1, 0, 0]})),
            ("ragged rows", vajra.DimensionMismatchError, lambda: c.upsert([{"id": "x"}, {"id": "y"}], vectors=[[1, 0, 0, 0], [1, 0]])),
            ("NaN in vector", vajra.InvalidFieldError, lambda: c.upsert({"id": "x", "vector": [1, nan, 0, 0]})),
            ("infinity in vector", vajra.InvalidFieldError, lambda: c.upsert({"id": "x", "vector": [math.inf, 0, 0, 0]})),
            ("zero vector under cosine", vajra.InvalidFieldError, lambda: c.upsert({"id": "x", "vector": [0, 0, 0, 0]})),
            ("vector count", vajra.InvalidFieldError, lambda: c.upsert([{"id": "x"}, {"id": "y"}], vectors=[[1, 0, 0, 0]])),
            ("missing vector", vajra.InvalidFieldError, lambda: c.upsert({"id": "x", "title": "no vector"})),
            ("some vectors missing", vajra.InvalidFieldError, lambda: c.upsert([{"id": "x", "vector": [1, 0, 0, 0]}, {"id": "y"}])),
            ("empty id", vajra.InvalidFieldError, lambda: c.upsert({"id": "", "vector": [1, 0, 0, 0]})),
            ("id of a wrong type", vajra.InvalidFieldError, lambda: c.upsert({"id": 1.5, "vector": [1, 0, 0, 0]})),
            ("title of a wrong type", vajra.InvalidFieldError, lambda: c.upsert({"id": "x", "title": 3, "vector": [1, 0, 0, 0]})),
            ("metadata not JSON", vajra.InvalidFieldError, lambda: c.upsert({"id": "x", "metadata": {"f": object()}, "vector": [1, 0, 0, 0]})),
            ("metadata NaN", vajra.InvalidFieldError, lambda: c.upsert({"id": "x", "metadata": {"f": nan}, "vector": [1, 0, 0, 0]})),
            ("vector of strings", vajra.InvalidFieldError, lambda: c.upsert({"id": "x", "vector": ["a", "b", "c", "d"]})),
            ("unknown id", vajra.DocumentNotFoundError, lambda: c.get("nope")),
            ("unknown id is a KeyError", KeyError, lambda: c["nope"]),
            ("explain unknown id", vajra.DocumentNotFoundError, lambda: c.explain("nope", "wind", mode="lexical")),
            ("bad filter", vajra.InvalidFilterError, lambda: c.search("x", mode="lexical", filter="year >=")),
            ("unknown filter field", vajra.InvalidFilterError, lambda: c.search("x", mode="lexical", filter="colour = red")),
            ("bad filter tree", vajra.InvalidFilterError, lambda: c.search("x", mode="lexical", filter={"field": "year"})),
            ("query dimension", vajra.DimensionMismatchError, lambda: c.search(mode="vector", vector=[1, 0])),
            ("query NaN", vajra.InvalidFieldError, lambda: c.search(mode="vector", vector=[nan, 0, 0, 0])),
            ("text query on precomputed vectors", vajra.ModeUnavailableError, lambda: c.search("wind", mode="vector")),
            ("unknown mode", vajra.InvalidFieldError, lambda: c.search("x", mode="fuzzy")),
            ("k too large", vajra.InvalidFieldError, lambda: c.search("x", mode="lexical", k=5000)),
            ("k not an integer", vajra.InvalidFieldError, lambda: c.search("x", mode="lexical", k=2.5)),
            ("negative offset", vajra.InvalidFieldError, lambda: c.search("x", mode="lexical", offset=-1)),
            ("lexical weight", vajra.InvalidFieldError, lambda: c.search("x", vector=[1, 0, 0, 0], lexical_weight=1.5)),
            ("unknown fusion", vajra.InvalidFieldError, lambda: c.search("x", vector=[1, 0, 0, 0], fusion="borda")),
            ("query not a string", vajra.InvalidFieldError, lambda: c.search(42)),
            ("bad profile", vajra.InvalidFieldError, lambda: c.promote("ultra")),
            ("bad embedder", vajra.InvalidFieldError, lambda: vajra.Collection.in_memory(embedder="bert")),
            ("bad sync", vajra.InvalidFieldError, lambda: vajra.Collection.create(self.path("d"), sync="sometimes")),
            ("unknown option", TypeError, lambda: vajra.Collection.in_memory(colour="red")),
            ("empty path", vajra.InvalidFieldError, lambda: vajra.Collection.create("")),
        ]
        for name, exc, call in cases:
            with self.subTest(name):
                with self.assertRaises(exc) as cm:
                    call()
                if isinstance(cm.exception, vajra.VajraError):
                    self.assertTrue(cm.exception.message)
                    self.assertIn(cm.exception.code, str(cm.exception))
        self.assertEqual(self.state(), before)

    def test_error_names_the_field(self):
        with self.assertRaises(vajra.DimensionMismatchError) as cm:
            self.c.upsert({"id": "x", "vector": [1, 0, 0]})
        self.assertIn('"x"', cm.exception.message)
        with self.assertRaises(vajra.InvalidFilterError) as cm:
            self.c.search("x", mode="lexical", filter="colour = red")
        self.assertIn("colour", cm.exception.message)

    @unittest.skipIf(np is None, NO_NUMPY)
    def test_bad_numpy_input(self):
        before = self.state()
        with self.assertRaises(vajra.InvalidFieldError):
            self.c.upsert([{"id": "x"}], vectors=np.array([[1, np.nan, 0, 0]], dtype=np.float32))
        with self.assertRaises(vajra.InvalidFieldError):
            self.c.upsert([{"id": "x"}], vectors=np.array([["a", "b", "c", "d"]]))
        with self.assertRaises(vajra.DimensionMismatchError):
            self.c.upsert([{"id": "x"}], vectors=np.ones((1, 5), dtype=np.float32))
        self.assertEqual(self.state(), before)

    def test_closed(self):
        c = vajra.Collection.in_memory()
        c.close()
        for name, call in [("search", lambda: c.search("x")), ("upsert", lambda: c.upsert({"id": "x"})),
                           ("get", lambda: c.get("x")), ("stats", c.stats), ("delete", lambda: c.delete(["x"]))]:
            with self.subTest(name):
                with self.assertRaises(vajra.ClosedError):
                    call()
        ix = vajra.HNSWIndex(2)
        ix.close()
        with self.assertRaises(vajra.ClosedError):
            ix.search([1, 0])
        with self.assertRaises(ValueError):
            ix.add([1], [1, 0])

    def test_error_classes(self):
        e = vajra.errors.error_for("dimension_mismatch", "m", status=400)
        self.assertIsInstance(e, vajra.DimensionMismatchError)
        self.assertIsInstance(e, ValueError)
        self.assertEqual((e.code, e.status, str(e)), ("dimension_mismatch", 400, "dimension_mismatch: m"))
        self.assertIs(type(vajra.errors.error_for("something_new", "m")), vajra.VajraError)
        self.assertIsInstance(vajra.errors.error_for("forbidden", "m"), PermissionError)


if __name__ == "__main__":
    unittest.main()
