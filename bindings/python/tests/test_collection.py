import array
import threading
import unittest

import vajra
from tests.helpers import DOCS, NO_NUMPY, VECS, TempDirTest, np


def precomputed(path=None):
    if path is None:
        c = vajra.Collection.in_memory(embedder="precomputed", profile="fast", seed=1)
    else:
        c = vajra.Collection.create(path, embedder="precomputed", profile="fast", seed=1)
    c.upsert(DOCS, vectors=VECS)
    return c


class CollectionTest(TempDirTest):
    def test_in_memory_hash_embedder(self):
        with vajra.Collection.in_memory(embedder="hash") as c:
            rep = c.upsert([dict(d) for d in DOCS])
            self.assertEqual(rep, {"upserted": 3, "added": 3, "replaced": 0, "duplicates": 0})
            res = c.search("solar electricity", k=2)
            self.assertIsInstance(res, vajra.Results)
            self.assertEqual(res.mode, "hybrid")
            self.assertEqual(res[0].id, "a")
            self.assertEqual(len(res), 2)
            self.assertEqual(res.ids, [h.id for h in res])
            h = res[0]
            self.assertIsInstance(h.lexical, vajra.Side)
            self.assertEqual(h.lexical.rank, 1)
            self.assertGreater(h.vector.score, 0)
            self.assertEqual(h.metadata, {"year": 2021, "lang": "en"})
            self.assertEqual(h.title, "Solar power")
            self.assertIsNotNone(h.snippet)
            self.assertIn("electricity", [h.snippet.text[s:e] for s, e in h.snippet.highlights])
            self.assertEqual(h.title[slice(*h.snippet.title_highlights[0])], "Solar")
            self.assertGreaterEqual(res.took_ms, 0)
            self.assertEqual(res.terms, ["solar", "electr"])

    def test_modes_and_options(self):
        c = precomputed()
        self.addCleanup(c.close)
        cases = [
            (dict(query="electricity", mode="lexical"), ["a", "b"]),
            (dict(query="electricity", mode="lexical", filter="year >= 2020"), ["a"]),
            (dict(query="electricity", mode="lexical", filter={"field": "lang", "op": "=", "value": "en"}), ["a", "b"]),
            (dict(mode="vector", vector=[0, 0, 1, 0], k=2), ["c", "a"]),
            (dict(mode="vector", vector=array.array("f", [1, 0, 0, 0]), k=1), ["a"]),
            (dict(query="wind", vector=[1, 0, 0, 0], lexical_weight=1.0), ["b", "a", "c"]),
            (dict(query="wind", vector=[1, 0, 0, 0], lexical_weight=0.0, fusion="linear"), ["a", "b", "c"]),
            (dict(query="wind", vector=[1, 0, 0, 0], fusion={"method": "relative"}, rrf_k=10, depth=50, ef=64), ["b", "a", "c"]),
            (dict(query="electricity", mode="lexical", offset=1), ["b"]),
            (dict(query="electricity", mode="lexical", k=1), ["a"]),
        ]
        for kw, want in cases:
            with self.subTest(kw=kw):
                self.assertEqual(c.search(**kw).ids, want)
        res = c.search("wind", mode="lexical", explain=True, highlight=False)
        self.assertIsNone(res[0].snippet)
        self.assertEqual(res[0].explain["id"], "b")
        ex = c.explain("b", "wind", mode="lexical")
        self.assertEqual(ex["rank"], 1)
        self.assertEqual(ex["lexical"]["terms"][0]["term"], "wind")
        ex = c.explain("a", "wind", vector=[1, 0, 0, 0])
        self.assertEqual(ex["mode"], "hybrid")
        self.assertAlmostEqual(ex["vector"]["similarity"], 1.0, places=5)

    def test_paging_counting_and_fusion(self):
        c = precomputed()
        self.addCleanup(c.close)
        first = c.search("electricity", mode="lexical", k=1, count=True)
        self.assertEqual((first.ids, first.has_more, first.total_matches, first.fusion), (["a"], True, 2, None))
        last = c.search("electricity", mode="lexical", k=1, offset=1)
        self.assertEqual((last.ids, last.has_more, last.total_matches), (["b"], False, None))
        hyb = c.search("wind", vector=[1, 0, 0, 0], lexical_weight=0.25, fusion="linear")
        self.assertEqual(hyb.fusion, vajra.Fusion("linear", 0.25, 60.0, 100))
        self.assertFalse(hyb.has_more)

    def test_explain_ids(self):
        c = precomputed()
        self.addCleanup(c.close)
        res = c.search("electricity", mode="lexical", k=1, explain_ids=["b", "c"], highlight=False)
        self.assertIsNone(res[0].explain)
        self.assertEqual([x["id"] for x in res.explanations], ["b", "c"])
        self.assertEqual((res.explanation("b")["rank"], res.explanation("c")["rank"]), (2, 0))
        self.assertEqual(res.explanation("b")["lexical"]["fields"], ["title", "content"])
        self.assertIsNone(res.explanation("a"))
        self.assertEqual(res.explanation("b"), c.explain("b", "electricity", mode="lexical"))
        on_page = c.search("electricity", mode="lexical", k=2, explain_ids="a")
        self.assertEqual((on_page[0].explain["rank"], on_page[1].explain, on_page.explanations), (1, None, []))
        with self.assertRaises(vajra.DocumentNotFoundError):
            c.search("electricity", mode="lexical", explain_ids=["zz"])
        with self.assertRaises(vajra.InvalidFieldError):
            c.search("electricity", mode="lexical", explain_ids=[1])

    def test_stats_describe_metadata(self):
        c = precomputed()
        self.addCleanup(c.close)
        st = c.stats()
        self.assertEqual(st["metadata_fields"], ["lang", "year"])
        self.assertEqual(st["metadata"], [
            {"name": "lang", "documents": 3, "types": ["string"], "distinct": 2, "samples": ["en", "de"]},
            {"name": "year", "documents": 3, "types": ["number"], "distinct": 3, "min": 2019, "max": 2022,
             "samples": [2019, 2021, 2022]}])

    def test_query_with_nothing_to_embed(self):
        with vajra.Collection.in_memory(embedder="hash") as c:
            c.upsert([dict(d) for d in DOCS])
            with self.assertRaises(vajra.InvalidFieldError) as cm:
                c.search("?!")
            self.assertIn('the query "?!" has nothing to embed', str(cm.exception))

    @unittest.skipIf(np is None, NO_NUMPY)
    def test_numpy_vectors(self):
        c = vajra.Collection.in_memory(embedder="precomputed")
        self.addCleanup(c.close)
        c.upsert(DOCS, vectors=np.array(VECS, dtype=np.float32))
        c.upsert([{"id": "d", "title": "x", "content": "y"}], vectors=np.array([[0, 1, 0, 0]], dtype=np.float64))
        self.assertEqual(c.search(mode="vector", vector=np.array([0, 1, 0, 0], dtype=np.float32), k=1).ids, ["d"])
        self.assertEqual(c.search(mode="vector", vector=np.array([0, 0, 1, 0]), k=1).ids, ["c"])

    def test_documents_as_objects_and_vectors_in_documents(self):
        c = vajra.Collection.in_memory(embedder="precomputed")
        self.addCleanup(c.close)
        docs = [vajra.Document("x", "Title x", "content x", {"k": 1}, [1.0, 0.0]),
                {"_id": "y", "text": "content y", "vector": [0.0, 1.0], "source": "web"}]
        self.assertEqual(c.upsert(docs)["added"], 2)
        y = c.get("y")
        self.assertEqual((y.content, y.metadata), ("content y", {"source": "web"}))
        self.assertEqual(c["x"].metadata, {"k": 1})
        self.assertEqual(c.get("x").vector, [1.0, 0.0])
        self.assertEqual(c.upsert({"id": 7, "title": "seven", "vector": [1, 1]})["added"], 1)
        self.assertIn("7", c)
        self.assertNotIn("8", c)
        self.assertEqual(c.upsert([{"id": "x", "vector": [1, 0]}, {"id": "x", "vector": [0, 1]}]),
                         {"upserted": 1, "added": 0, "replaced": 1, "duplicates": 1})
        self.assertEqual(c.get("x").vector, [0.0, 1.0])

    def test_lifecycle_on_disk(self):
        path = self.path("coll")
        c = precomputed(path)
        self.assertEqual(c.delete(["b", "zz"]), {"deleted": 1, "missing": 1})
        self.assertEqual(c.delete("zz"), {"deleted": 0, "missing": 1})
        self.assertEqual(c.ids(), ["a", "c"])
        self.assertEqual(len(c), 2)
        st = c.stats()
        self.assertEqual((st["documents"], st["dimension"], st["profile"]), (2, 4, "fast"))
        c.promote("quality")
        c.flush()
        c.close()
        c.close()
        rep = vajra.check(path)
        self.assertTrue(rep["ok"], rep)
        self.assertEqual(rep["documents"], 2)
        with vajra.Collection.open(path, threads=1) as c:
            self.assertEqual(c.ids(), ["a", "c"])
            self.assertEqual(c.stats()["profile"], "quality")
            self.assertEqual(c.search(mode="vector", vector=[0, 0, 1, 0], k=1).ids, ["c"])
            with self.assertRaises(vajra.LockedError):
                vajra.Collection.open(path)
        with self.assertRaises(vajra.CollectionExistsError):
            vajra.Collection.create(path)
        with self.assertRaises(vajra.CollectionNotFoundError):
            vajra.Collection.open(self.path("none"))
        self.assertIn("coll", repr(vajra.Collection.open(path)))

    def test_lexical_only_and_options(self):
        c = vajra.Collection.create(self.path("lex"), k1=1.5, b=0.5, title_weight=1, sync="never",
                                    analysis={"stemmer": "none"})
        self.addCleanup(c.close)
        c.upsert(DOCS)
        st = c.stats()
        self.assertEqual((st["k1"], st["b"], st["title_weight"], st["embedder"]["kind"]), (1.5, 0.5, 1, "none"))
        res = c.search("turbines")
        self.assertEqual((res.mode, res.ids), ("lexical", ["b"]))
        self.assertEqual(c.search("turbine").ids, [])

    def test_library_info(self):
        info = vajra.library_info()
        self.assertEqual(info["abi"], 1)
        self.assertIn(info["kernel"], ("avx2", "generic"))

    def test_embed(self):
        c = vajra.Collection.in_memory(embedder="hash", dim=16)
        self.addCleanup(c.close)
        v = c.embed(["solar power", "wind"])
        self.assertEqual(len(v), 2)
        self.assertEqual(len(v[0]), 16)
        self.assertEqual(list(c.embed("solar power")[0]), list(v[0]))

    def test_threads(self):
        c = vajra.Collection.in_memory(embedder="hash")
        self.addCleanup(c.close)
        c.upsert([{"id": str(i), "title": "doc %d" % i, "content": "word%d common" % (i % 7)} for i in range(200)])
        errors = []

        def work(n):
            try:
                for i in range(30):
                    if n == 0:
                        c.upsert({"id": "w%d" % i, "title": "new", "content": "common"})
                    else:
                        self.assertTrue(c.search("common", k=5).hits)
            except Exception as e:
                errors.append(e)

        ts = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(c), 230)


if __name__ == "__main__":
    unittest.main()
