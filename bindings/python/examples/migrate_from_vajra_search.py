"""A script written for Vajra Search 0.2.1. Moving it to Vajra changed one line: the import.

    # before:  from vajra_search import (...)
"""
from vajra.compat import (Document, DocumentCorpus, HybridSearchEngine, NativeHNSWIndex,
                          VajraSearch, VajraVectorSearch)

import hashlib
import math


class TinyEmbedder:
    """A small deterministic embedder, so that the example runs offline: hashed words."""

    dimension = 64

    def embed(self, text):
        v = [0.0] * self.dimension
        for word in text.lower().split():
            word = word.strip(".,;:!?")
            h = int(hashlib.md5(word.encode()).hexdigest(), 16)
            v[h % self.dimension] += 1.0 if (h >> 8) & 1 else -1.0
        n = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / n for x in v]

    def embed_batch(self, texts):
        return [self.embed(t) for t in texts]


docs = [
    Document("1", "Solar power", "Solar panels convert sunlight into electricity."),
    Document("2", "Wind power", "Wind turbines convert the wind's energy into electricity."),
    Document("3", "Coffee culture", "Vienna's coffee houses are a social institution."),
    Document("4", "Hydroelectricity", "Dams turn the energy of falling water into electricity."),
    Document("5", "Tea ceremony", "The Japanese tea ceremony is a ritual of preparing matcha."),
]
corpus = DocumentCorpus(docs)

# BM25
engine = VajraSearch(corpus, k1=1.5, b=0.75)
for r in engine.search("electricity from sunlight", top_k=3):
    print("bm25", r.rank, r.doc_id, round(r.score, 4), r.title)

# Vector search with a custom embedder and the native HNSW index
embedder = TinyEmbedder()
index = NativeHNSWIndex(dimension=embedder.dimension, metric="cosine", M=16, ef_construction=200, ef_search=50)
vector_engine = VajraVectorSearch(embedder, index)
vector_engine.index_documents(docs, show_progress=False)
for r in vector_engine.search("coffee houses in Vienna", top_k=2):
    print("vector", r.rank, r.document.id, round(r.score, 4), r.document.title)

# Hybrid: reciprocal rank fusion of both
hybrid = HybridSearchEngine(engine, vector_engine, alpha=0.5, method="rrf", rrf_k=60)
for r in hybrid.search("energy into electricity", top_k=3):
    print("hybrid", r.rank, r.document.id, round(r.score, 4), r.document.title)
for d in hybrid.search_detailed("tea", top_k=2):
    print("detail", d["doc_id"], d["bm25_rank"], d["vector_rank"], round(d["score"], 4))

stats = index.stats()
print("index", stats["num_vectors"], "vectors, M =", stats["M"])
