"""vajra.compat against the examples and documented behaviour of Vajra Search 0.2.1."""

import os
import subprocess
import sys
import unittest
from unittest import mock

from vajra.compat import (Document, DocumentCorpus, FlatVectorIndex, HybridSearchEngine,
                          IdentityEmbeddingMorphism, NativeHNSWIndex, PrecomputedEmbeddingMorphism,
                          SearchResult, TextEmbeddingMorphism, VajraSearch, VajraSearchOptimized, VajraSearchParallel,
                          VajraVectorSearch, VectorSearchResult, create_sample_corpus)
import vajra
from tests.helpers import NO_NUMPY, TempDirTest, np, random_vectors

HERE = os.path.dirname(os.path.abspath(__file__))


class Hashed:
    """A tiny deterministic embedder, as the original's vector example ships."""

    def __init__(self, dim=16):
        self.dim = dim

    def embed(self, text):
        v = [0.0] * self.dim
        for w in text.lower().split():
            v[sum(map(ord, w)) % self.dim] += 1.0
        return v if any(v) else [1.0] + [0.0] * (self.dim - 1)

    def embed_batch(self, texts):
        return [self.embed(t) for t in texts]


class CompatTest(TempDirTest):
    def test_readme_example(self):
        # The PyPI page's example.
        docs = [Document("1", "title", "content"), Document("2", "Solar energy", "Panels turn sunlight into power")]
        corpus = DocumentCorpus(docs)
        engine = VajraSearch(corpus, k1=1.5, b=0.75)
        results = engine.search("solar power", top_k=3)
        self.assertEqual(len(results), 1)
        r = results[0]
        self.assertIsInstance(r, SearchResult)
        self.assertEqual((r.rank, r.doc_id, r.title), (0, "2", "Solar energy"))
        self.assertGreater(r.score, 0)
        self.assertIs(r.document, corpus.get("2"))

    def test_document_and_corpus(self):
        d = Document("1", "t", "c", {"k": 1})
        self.assertEqual(d, Document("1", "other", "other"))
        self.assertEqual(len({d, Document("1", "x", "y")}), 1)
        self.assertEqual(Document.from_dict(d.to_dict()).metadata, {"k": 1})
        self.assertEqual(Document.from_dict({"_id": "2", "text": "x", "url": "u"}).metadata, {"url": "u"})
        corpus = create_sample_corpus()
        self.assertEqual(len(corpus), 10)
        corpus.add(Document("1", "Replaced", "duplicate ids replace instead of raising"))
        self.assertEqual(len(corpus), 10)
        self.assertEqual(corpus.get("1").title, "Replaced")
        path = self.path("c.jsonl")
        corpus.save_jsonl(path)
        with open(path, "a") as f:
            f.write("\n\n")
        again = DocumentCorpus.load_jsonl(path)
        self.assertEqual([x.id for x in again], [x.id for x in corpus])
        self.assertEqual(DocumentCorpus.load(path).get("5").title, corpus.get("5").title)
        with open(path, "a") as f:
            f.write("{not json\n")
        with self.assertRaisesRegex(ValueError, r"c\.jsonl:13"):
            DocumentCorpus.load_jsonl(path)

    def test_vajra_search_modes(self):
        corpus = create_sample_corpus()
        engine = VajraSearch(corpus)
        self.assertFalse(engine.vector_initialized)
        bm25 = engine.search("inverted index documents", top_k=3)
        self.assertEqual(bm25[0].doc_id, "10")
        self.assertEqual([r.rank for r in bm25], [0, 1, 2])
        vec = engine.search("nearest neighbours graph", top_k=3, mode="vector")
        self.assertTrue(engine.vector_initialized)
        self.assertEqual(len(vec), 3)
        hyb = engine.search("ranking function BM25", top_k=3, mode="hybrid", alpha=0.7)
        self.assertEqual(hyb[0].doc_id, "5")
        self.assertEqual(engine.search("x", top_k=0), [])
        with self.assertRaises(ValueError):
            engine.search("x", mode="semantic")
        ex = engine.explain_result("ranking function", "5")
        self.assertGreater(ex["total_score"], 0)
        self.assertEqual(set(ex["term_scores"]), set(ex["query_terms"]))
        engine.add_document(Document("11", "Tokenisation", "Splitting text into tokens before indexing."))
        engine.batch_add_documents([Document("11", "Tokenization", "Splitting text into tokens.")])
        self.assertEqual(engine.search("tokens", top_k=1)[0].title, "Tokenization")
        self.assertTrue(engine.remove_document("11"))
        self.assertEqual(engine.search("tokens", top_k=1), [])
        engine2 = VajraSearch(corpus, embedder=Hashed())
        self.assertEqual(len(engine2.search("search engines", top_k=2, mode="vector")), 2)
        self.assertEqual([r[0].doc_id for r in engine.search_batch(["monads", "inverted index"], top_k=1)], ["3", "10"])
        self.assertIs(VajraSearchOptimized, VajraSearch)
        par = VajraSearchParallel(corpus, max_workers=2)
        batch = par.search_batch(["category theory", "vector space"], top_k=2)
        self.assertEqual([b[0].doc_id for b in batch], [par.search("category theory", 1)[0].doc_id, par.search("vector space", 1)[0].doc_id])

    def test_native_hnsw_index(self):
        base = random_vectors(200, 8)
        ids = ["doc-%d" % i for i in range(200)]
        ix = NativeHNSWIndex(dimension=8, metric="cosine", M=16, ef_construction=200, ef_search=50)
        ix.add(ids, base, metadata=[{"i": i} for i in range(200)])
        res = ix.search(base[3], k=5)
        self.assertIsInstance(res[0], VectorSearchResult)
        self.assertEqual((res[0].id, res[0].metadata), ("doc-3", {"i": 3}))
        self.assertAlmostEqual(res[0].score, 1.0, places=5)
        self.assertEqual(len(res[0].vector), 8)
        batch = ix.search_batch(base[:4], k=2)
        self.assertEqual([b[0].id for b in batch], ids[:4])
        self.assertIsNone(ix.get_vector("nope"))
        self.assertEqual(len(ix.get_vector("doc-1")), 8)
        st = ix.stats()
        self.assertEqual((st["num_vectors"], st["M"], st["M0"], st["ef_construction"]), (200, 16, 32, 200))
        # Duplicate ids replace (the original raised ValueError).
        ix.add(["doc-3"], [base[4]])
        self.assertEqual(len(ix), 200)
        self.assertEqual({r.id for r in ix.search(base[4], k=2)}, {"doc-3", "doc-4"})
        path = self.path("ix.bin")
        ix.save(path)
        loaded = NativeHNSWIndex.load(path)
        self.assertEqual([r.id for r in loaded.search(base[9], k=3)], [r.id for r in ix.search(base[9], k=3)])
        self.assertEqual(loaded.search(base[9], k=1)[0].metadata, {"i": 9})
        self.assertEqual(loaded.ef_search, 50)
        fast = NativeHNSWIndex(8, profile="fast")
        self.assertEqual((fast.M, fast.ef_construction), (16, 32))
        with self.assertRaises(ValueError):
            NativeHNSWIndex(8, M=16, M0=20)
        before = len(ix)
        with self.assertRaises(vajra.DimensionMismatchError):
            ix.add(["new"], [[1.0, 2.0]])
        self.assertEqual((len(ix), ix.get_vector("new")), (before, None))

    def test_scores_by_metric(self):
        for metric, want in (("cosine", 1.0), ("ip", 25.0), ("l2", -0.0)):
            ix = NativeHNSWIndex(2, metric=metric)
            ix.add(["a", "b"], [[3, 4], [-1, 0]])
            self.assertAlmostEqual(ix.search([3, 4], k=1)[0].score, want, places=4)
        ix = NativeHNSWIndex(2, metric="l2")
        ix.add(["a"], [[3, 4]])
        self.assertAlmostEqual(ix.search([0, 0], k=1)[0].score, -5.0, places=4)

    def test_flat_vector_index(self):
        base = random_vectors(50, 4)
        ix = FlatVectorIndex(4)
        ix.add(list(range(50)), base)
        self.assertEqual(ix.search(base[7], k=1)[0].id, 7)
        self.assertEqual(ix.remove([7, 99]), 1)
        self.assertNotEqual(ix.search(base[7], k=1)[0].id, 7)
        path = self.path("flat.bin")
        ix.save(path)
        self.assertEqual(len(FlatVectorIndex.load(path)), 49)

    def test_vector_search_saves_documents(self):
        corpus = create_sample_corpus()
        vs = VajraVectorSearch(Hashed(), NativeHNSWIndex(16))
        vs.index_documents(corpus, batch_size=4, show_progress=False)
        self.assertEqual(vs.num_documents, 10)
        top = vs.search("monads functional programming", top_k=3)
        self.assertEqual(top[0].document.id, "3")
        self.assertNotIn("3", [r.document.id for r in vs.search("monads functional programming", top_k=3, exclude_ids=["3"])])
        self.assertEqual(vs.search_by_vector(Hashed().embed("monads functional programming"), top_k=1)[0].document.id, "3")
        path = self.path("vs.bin")
        vs.save(path)
        loaded = VajraVectorSearch.load(path, Hashed(), NativeHNSWIndex)
        # The original saved only the index: a loaded engine returned nothing.
        self.assertEqual([r.document.id for r in loaded.search("monads functional programming", top_k=3)],
                         [r.document.id for r in top])
        self.assertEqual(loaded.get_document("3").title, corpus.get("3").title)
        loaded.add_document(Document("42", "Monad transformers", "monads functional programming stacked"))
        loaded.clear_cache()
        self.assertIn("42", [r.document.id for r in loaded.search("monads functional programming", top_k=3)])
        self.assertEqual(len(corpus.documents), 10)

    def test_embedders(self):
        pre = PrecomputedEmbeddingMorphism({"a": [1, 0], "b": [0, 1]})
        self.assertEqual((pre.dimension, pre.embed("a")), (2, [1.0, 0.0]))
        with self.assertRaises(ValueError):
            pre.add("c", [1, 2, 3])
        with self.assertRaises(KeyError):
            pre.embed("zz")
        vs = VajraVectorSearch(pre, FlatVectorIndex(2))
        vs.index_documents([Document("a", "A", "x"), Document("b", "B", "y")])
        self.assertEqual(vs.search("b", top_k=1)[0].document.id, "b")
        ident = IdentityEmbeddingMorphism(2)
        self.assertEqual(ident.apply([1, 2]), [1.0, 2.0])
        text = TextEmbeddingMorphism("hash", dim=32)
        self.assertEqual((text.dimension, len(text.embed("solar power"))), (32, 32))
        with mock.patch.dict(os.environ, {"VAJRA_EMBED_URL": "", "VAJRA_MODEL_DIR": ""}):
            with self.assertRaisesRegex(vajra.EmbedderError, "model_dir="):
                TextEmbeddingMorphism("all-MiniLM-L6-v2").embed("x")
            # A folder without a model: a clear error from the engine's local embedder.
            with self.assertRaises(vajra.VajraError) as cm:
                TextEmbeddingMorphism("all-MiniLM-L6-v2", model_dir=self.tmp).embed("x")
            self.assertIn(self.tmp, cm.exception.message)
        engine = VajraSearch(create_sample_corpus(), embedder=TextEmbeddingMorphism("hash"))
        self.assertEqual(len(engine.search("graph", top_k=2, mode="hybrid")), 2)

    def test_hybrid_engine(self):
        corpus = create_sample_corpus()
        bm25 = VajraSearch(corpus)
        vec = VajraVectorSearch(Hashed(), NativeHNSWIndex(16))
        vec.index_documents(corpus)
        for method in ("rrf", "linear", "rsf"):
            with self.subTest(method):
                hy = HybridSearchEngine(bm25, vec, alpha=0.5, method=method, rrf_k=60)
                res = hy.search("BM25 ranking function", top_k=3)
                self.assertEqual([r.rank for r in res], [0, 1, 2])
                self.assertEqual(res[0].document.id, "5")
                det = hy.search_detailed("BM25 ranking function", top_k=3, bm25_weight=1.0)
                self.assertEqual(det[0]["bm25_rank"], 1)
                self.assertEqual(set(det[0]), {"document", "doc_id", "score", "rank", "bm25_score", "bm25_rank",
                                               "vector_score", "vector_rank"})
        with self.assertRaises(ValueError):
            HybridSearchEngine(bm25, vec, method="borda")

    def test_rsf_with_negative_scores(self):
        # Vector scores under "l2" are negative distances: the best is the largest (closest
        # to zero). The original divided by the maximum and inverted the order.
        class Side:
            def __init__(self, hits):
                self.hits = hits

            def search(self, query, top_k=10):
                return [SearchResult(Document(i, i, ""), s, r) for r, (i, s) in enumerate(self.hits[:top_k])]
        lex = Side([])
        vec = Side([("near", -1.0), ("mid", -2.0), ("far", -9.0)])
        hy = HybridSearchEngine(lex, vec, alpha=0.0, method="rsf")
        self.assertEqual([r.document.id for r in hy.search("q", top_k=3)], ["near", "mid", "far"])
        scores = [r.score for r in hy.search("q", top_k=3)]
        self.assertEqual(scores[0], 1.0)
        self.assertTrue(scores[0] > scores[1] > scores[2] >= 0)

    @unittest.skipIf(np is None, NO_NUMPY)
    def test_numpy_vectors(self):
        base = np.random.default_rng(1).standard_normal((100, 8)).astype(np.float32)
        ix = NativeHNSWIndex(8)
        ix.add(list(range(100)), base)
        self.assertEqual(ix.search(base[5], 1)[0].id, 5)
        self.assertEqual([b[0].id for b in ix.search_batch(base[:3], 1)], [0, 1, 2])

    def test_migration_example_runs_unchanged(self):
        script = os.path.join(HERE, "..", "examples", "migrate_from_vajra_search.py")
        env = dict(os.environ, PYTHONPATH=os.path.join(HERE, "..") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        out = subprocess.run([sys.executable, script], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        lines = out.stdout.splitlines()
        self.assertEqual(lines[0].split()[:3], ["bm25", "0", "1"])
        self.assertIn("vector 0 3", out.stdout)
        self.assertEqual(lines[-1], "index 5 vectors, M = 16")
        with open(script) as f:
            imports = [ln for ln in f if ln.startswith(("import ", "from "))]
        self.assertEqual([ln for ln in imports if "vajra" in ln], [
            "from vajra.compat import (Document, DocumentCorpus, HybridSearchEngine, NativeHNSWIndex,\n"])


if __name__ == "__main__":
    unittest.main()
