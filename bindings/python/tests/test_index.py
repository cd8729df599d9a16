import array
import threading
import unittest

import vajra
from tests.helpers import NO_NUMPY, TempDirTest, exact_neighbours, np, random_vectors


class IndexTest(TempDirTest):
    def check_index(self, ix, flat):
        base = random_vectors(300, 16)
        ix.add(list(range(10, 310)), base)
        self.assertEqual(len(ix), 300)
        hits = 0
        for q in base[:20]:
            keys, dists = ix.search(q, k=10, ef=64)
            want = {10 + i for i in exact_neighbours(base, q, 10)}
            hits += len(want & {int(k) for k in keys})
            self.assertAlmostEqual(float(dists[0]), 0.0, places=5)
        self.assertGreaterEqual(hits / 200, 1.0 if flat else 0.95)
        bk, bd = ix.search_batch(base[:20], k=10, ef=64, threads=2)
        for i, q in enumerate(base[:20]):
            keys, dists = ix.search(q, k=10, ef=64)
            self.assertEqual([int(x) for x in bk[i]], [int(x) for x in keys])
        v = ix.get_vector(12)
        self.assertEqual(len(v), 16)
        with self.assertRaises(KeyError):
            ix.get_vector(5)
        self.assertIn(12, ix)
        self.assertNotIn(5, ix)
        self.assertNotIn(-1, ix)
        self.assertNotIn("12", ix)
        self.assertEqual(ix.delete([10, 5]), 1)
        self.assertEqual(len(ix), 299)
        path = self.path("ix.vjh")
        ix.save(path)
        loaded = vajra.HNSWIndex.load(path)
        self.addCleanup(loaded.close)
        self.assertIsInstance(loaded, vajra.FlatIndex if flat else vajra.HNSWIndex)
        self.assertEqual(len(loaded), 299)
        self.assertEqual([int(k) for k in loaded.search(base[5], k=3)[0]], [int(k) for k in ix.search(base[5], k=3)[0]])
        st = loaded.stats()
        self.assertEqual((st["dim"], st["metric"], st["profile"]), (16, "cosine", "exact" if flat else "quality"))
        loaded.promote("instant")
        self.assertEqual(loaded.stats()["profile"], "instant")
        keys, dists = loaded.search(base[1], k=400)
        self.assertEqual(len(keys), 299)

    def test_hnsw(self):
        with vajra.HNSWIndex(16, seed=7, threads=2) as ix:
            self.assertIn("HNSWIndex", repr(ix))
            self.check_index(ix, flat=False)

    def test_quantized(self):
        for q in ("sq8", "bq"):
            with vajra.HNSWIndex(16, seed=7, threads=2, quantization=q, rescore=100) as ix:
                st = ix.stats()
                self.assertEqual((st["quantization"], st["rescore"]), (q, 100))
                self.check_index(ix, flat=False)
                path = self.path(q + ".vjh")
                ix.save(path)
                with vajra.HNSWIndex.load(path) as loaded:
                    st = loaded.stats()
                    self.assertEqual(st["quantization"], q)
                    self.assertGreater(st["mapped_bytes"], 0)
        with self.assertRaises(vajra.VajraError):
            vajra.HNSWIndex(4, quantization="pq")

    def test_flat(self):
        with vajra.FlatIndex(16) as ix:
            self.check_index(ix, flat=True)

    def test_profiles_and_metrics(self):
        for profile, m, efc in [("quality", 16, 200), ("fast", 16, 32), ("instant", 8, 24)]:
            with vajra.HNSWIndex(4, profile=profile) as ix:
                st = ix.stats()
                self.assertEqual((st["m"], st["ef_construction"]), (m, efc))
        with vajra.HNSWIndex(4, m=12, ef_construction=40, ef_search=30) as ix:
            st = ix.stats()
            self.assertEqual((st["m"], st["ef_construction"], st["ef_search"]), (12, 40, 30))
        with vajra.HNSWIndex(2, metric="l2") as ix:
            ix.add([1, 2], [[0, 0], [3, 4]])
            keys, dists = ix.search([0, 0], k=2)
            self.assertEqual([int(k) for k in keys], [1, 2])
            self.assertAlmostEqual(float(dists[1]), 25.0, places=4)
        with vajra.HNSWIndex(2, metric="ip") as ix:
            ix.add([1, 2], [[1, 0], [2, 0]])
            keys, dists = ix.search([1, 0], k=1)
            self.assertEqual((int(keys[0]), float(dists[0])), (2, -2.0))

    def test_plain_inputs(self):
        with vajra.HNSWIndex(3, profile="fast") as ix:
            ix.add(1, [1, 0, 0])
            rows = memoryview(array.array("f", [0, 1, 0, 0, 0, 1])).cast("B").cast("f", (2, 3))
            ix.add(array.array("I", [2, 3]), rows)
            ix.add((4,), memoryview(array.array("d", [1, 1, 0])))
            ro = bytes(array.array("f", [1, 0, 1]))
            ix.add([5], memoryview(ro).cast("f"))
            self.assertEqual(len(ix), 5)
            keys, _ = ix.search(array.array("f", [0, 0, 1]), k=1)
            self.assertEqual(int(keys[0]), 3)
            keys, _ = ix.search((0.0, 1.0, 0.0), k=1)
            self.assertEqual(int(keys[0]), 2)
            bk, bd = ix.search_batch([[0, 0, 1], [1, 0, 0]], k=2)
            self.assertEqual([int(bk[0][0]), int(bk[1][0])], [3, 1])

    @unittest.skipIf(np is None, NO_NUMPY)
    def test_numpy(self):
        rng = np.random.default_rng(3)
        base = rng.standard_normal((500, 32), dtype=np.float32)
        with vajra.HNSWIndex(32, profile="fast", seed=1) as ix:
            ix.add(np.arange(500, dtype=np.int64), base)
            keys, dists = ix.search(base[7], k=5)
            self.assertEqual((keys.dtype, dists.dtype, keys.shape), (np.int64, np.float32, (5,)))
            self.assertEqual(keys[0], 7)
            bk, bd = ix.search_batch(base[:50], k=5, threads=2)
            self.assertEqual(bk.shape, (50, 5))
            self.assertTrue((bk[:, 0] == np.arange(50)).all())
            # A strided view and float64 are converted; the results are the same.
            k2, _ = ix.search(np.asfortranarray(base)[7].astype(np.float64), k=5)
            self.assertTrue((k2 == keys).all())
            self.assertTrue(np.allclose(ix.get_vector(7), base[7] / np.linalg.norm(base[7]), atol=1e-6))
            with self.assertRaises(vajra.InvalidFieldError):
                ix.add(np.array([-1]), base[:1])
            with self.assertRaises(vajra.InvalidFieldError):
                ix.add(np.arange(2), base[:3])
        with vajra.FlatIndex(4) as ix:
            ix.add([1, 2], np.eye(2, 4, dtype=np.float32))
            bk, bd = ix.search_batch(np.eye(1, 4, dtype=np.float32), k=4)
            self.assertEqual(list(bk[0]), [1, 2, -1, -1])
            self.assertTrue(np.isinf(bd[0][2]))

    def test_bad_input_changes_nothing(self):
        with vajra.HNSWIndex(3) as ix:
            ix.add([1, 2], [[1, 0, 0], [0, 1, 0]])
            nan = float("nan")
            cases = [
                (vajra.DimensionMismatchError, lambda: ix.add([3], [1, 0])),
                (vajra.DimensionMismatchError, lambda: ix.search([1, 0], k=1)),
                (vajra.InvalidFieldError, lambda: ix.add([3], [nan, 0, 0])),
                (vajra.InvalidFieldError, lambda: ix.add([3, 4], [[1, 0, 0], [0, 0, 0]])),
                (vajra.InvalidFieldError, lambda: ix.search([nan, 0, 0], k=1)),
                (vajra.InvalidFieldError, lambda: ix.search_batch([[1, 0, 0], [nan, 0, 0]], k=1)),
                (vajra.InvalidFieldError, lambda: ix.add([-1], [1, 0, 0])),
                (vajra.InvalidFieldError, lambda: ix.add([2 ** 32], [1, 0, 0])),
                (vajra.InvalidFieldError, lambda: ix.add(["a"], [1, 0, 0])),
                (vajra.InvalidFieldError, lambda: ix.add([3, 4], [[1, 0, 0]])),
                (vajra.InvalidFieldError, lambda: ix.search([1, 0, 0], k=0)),
                (vajra.InvalidFieldError, lambda: ix.promote("ultra")),
                (vajra.InvalidFieldError, lambda: vajra.HNSWIndex(0)),
                (vajra.InvalidFieldError, lambda: vajra.HNSWIndex(3, metric="manhattan")),
                (vajra.CorruptError, lambda: vajra.HNSWIndex.load(self._garbage())),
            ]
            for exc, call in cases:
                with self.subTest(exc=exc.__name__):
                    with self.assertRaises(exc):
                        call()
            self.assertEqual(len(ix), 2)
            self.assertEqual(sorted(int(k) for k in ix.search([1, 1, 0], k=5)[0]), [1, 2])

    def _garbage(self):
        p = self.path("garbage.vjh")
        with open(p, "wb") as f:
            f.write(b"VJRAHNSW" + b"\0" * 64)
        return p

    def test_concurrent_searches_release_the_gil(self):
        base = random_vectors(200, 8)
        with vajra.HNSWIndex(8, profile="fast") as ix:
            ix.add(range(200), base)
            errors = []

            def work():
                try:
                    for q in base[:50]:
                        ix.search(q, k=3)
                    ix.search_batch(base, k=3, threads=2)
                except Exception as e:
                    errors.append(e)
            ts = [threading.Thread(target=work) for _ in range(4)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            self.assertEqual(errors, [])


if __name__ == "__main__":
    unittest.main()
