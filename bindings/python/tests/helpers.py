"""Shared fixtures for the tests."""

import math
import os
import random
import shutil
import tempfile
import unittest

try:
    import numpy as np
except ImportError:
    np = None

NO_NUMPY = "numpy is not installed for this interpreter"

DOCS = [
    {"id": "a", "title": "Solar power", "content": "Panels turn sunlight into electricity.",
     "metadata": {"year": 2021, "lang": "en"}},
    {"id": "b", "title": "Wind power", "content": "Turbines turn wind into electricity.",
     "metadata": {"year": 2019, "lang": "en"}},
    {"id": "c", "title": "Kaffeehaus", "content": "Wiener Kaffeehauskultur und Melange.",
     "metadata": {"year": 2022, "lang": "de"}},
]
VECS = [[1, 0, 0, 0], [0.9, 0.1, 0, 0], [0, 0, 1, 0]]


def random_vectors(n, dim, seed=1):
    rnd = random.Random(seed)
    return [[rnd.gauss(0, 1) for _ in range(dim)] for _ in range(n)]


def exact_neighbours(base, q, k):
    def cos_dist(v):
        dot = sum(x * y for x, y in zip(v, q))
        return 1 - dot / (math.sqrt(sum(x * x for x in v)) * math.sqrt(sum(x * x for x in q)))
    return sorted(range(len(base)), key=lambda i: cos_dist(base[i]))[:k]


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vajra-py-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)
