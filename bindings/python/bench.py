#!/usr/bin/env python3
"""Benchmarks of the vajra Python package, timed from Python, printing the JSON lines of the
peer harness (../shared/bench/peers), whose readers, metrics and record fields it reuses, so
that report.py --ours compares them with the Python peers (hnswlib-py, zvec, lancedb):

  python3 bench.py vector  --data ../../../shared/data/vectors/wiki-lsa-384-50k --M 16 --efc 200 --ef 50,100 --threads 2
  python3 bench.py lexical --data ../../../shared/data/scifact
  python3 bench.py hybrid  --data DIR [--vectors DIR/vectors] [--ef 100]

Needs numpy (Debian's python3 has it). Build the library first:
go build -buildmode=c-shared -o vajra/libvajra.so ./libvajra

vector lines add what only a binding has: binding_overhead_us (median time of a search on a
one-vector index, i.e. the cost of crossing from Python into the engine and back, to compare
with the Go bench's p50) and batch_qps (search_batch over all queries on --threads threads).
"""

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import vajra  # noqa: E402


def peers_lib(shared):
    for cand in [shared, os.environ.get("VAJRA_SHARED"), os.path.join(HERE, "..", "..", "..", "shared"),
                 os.path.join(HERE, "..", "..", "shared")]:
        if cand and os.path.isdir(os.path.join(cand, "bench", "peers", "lib")):
            sys.path.insert(0, os.path.join(cand, "bench", "peers", "lib"))
            import common
            return common
    sys.exit("bench.py: the peer harness (shared/bench/peers/lib) was not found: pass --shared DIR or set VAJRA_SHARED")


def version():
    return "%s-%s" % (vajra.__version__, vajra.library_info()["kernel"])


def binding_overhead_us(np, dim, k, calls=20000):
    """Median per-call time of HNSWIndex.search on a one-vector index: nearly all of it is the
    binding (argument conversion, ctypes call, result arrays)."""
    q = np.ones(dim, dtype=np.float32)
    with vajra.HNSWIndex(dim) as ix:
        ix.add([0], q)
        for _ in range(1000):
            ix.search(q, k)
        lat = []
        for _ in range(calls):
            t = time.perf_counter()
            ix.search(q, k)
            lat.append(time.perf_counter() - t)
    return round(statistics.median(lat) * 1e6, 2)


def bench_vector(a, C):
    import numpy as np
    base, query, gt, meta, metric = C.load_vectors(a.data, a.nq)
    n, dim = base.shape
    t0 = C.now()
    ix = vajra.HNSWIndex(dim, metric, "quality", m=a.M, ef_construction=a.efc, seed=a.seed, threads=a.threads)
    ix.add(np.arange(n, dtype=np.uint32), base)
    build_s = C.now() - t0
    overhead = binding_overhead_us(np, dim, a.k)
    ver = version()
    for ef in a.ef_list:
        ef = max(ef, a.k)
        for i in range(min(a.warmup, len(query))):
            ix.search(query[i], a.k, ef)
        found, lat = [], []
        for i in range(len(query)):
            q = query[i]
            t = C.now()
            keys, _ = ix.search(q, a.k, ef)
            ids = keys.tolist()
            lat.append(C.now() - t)
            found.append(ids)
        t = C.now()
        ix.search_batch(query, a.k, ef, threads=a.threads)
        batch_s = C.now() - t
        C.emit(C.vector_record("vajra-py", ver, a, meta, n, dim, build_s, ef, lat, C.recall_at_k(found, gt, a.k),
                               variant="hnsw quality (Python binding)", binding_overhead_us=overhead,
                               batch_qps=round(len(query) / batch_s, 1), batch_threads=a.threads))
    ix.close()


def load_aligned_vectors(C, vec_dir, data_dir):
    """Rows of VECDIR/base.fvecs and query.fvecs by document and query id (the harness's
    alignment rule: line order of corpus.jsonl and queries.jsonl, or base_ids.txt/query_ids.txt)."""
    import numpy as np
    base = C.read_vecs(os.path.join(vec_dir, "base.fvecs"), np.float32)
    query = C.read_vecs(os.path.join(vec_dir, "query.fvecs"), np.float32)

    def ids(name, jsonl):
        p = os.path.join(vec_dir, name)
        if os.path.exists(p):
            with open(p) as f:
                return [line.strip() for line in f if line.strip()]
        return [str(d["_id"]) for d in C.read_jsonl(os.path.join(data_dir, jsonl))]
    doc_ids, q_ids = ids("base_ids.txt", "corpus.jsonl"), ids("query_ids.txt", "queries.jsonl")
    if len(doc_ids) != len(base) or len(q_ids) != len(query):
        sys.exit("bench.py: %s does not align with %s" % (vec_dir, data_dir))
    return dict(zip(doc_ids, base)), dict(zip(q_ids, query))


def bench_text(a, C, mode):
    import numpy as np
    doc_ids, _, queries, qrels = C.load_beir(a.data, a.split)
    docs = [{"id": str(d["_id"]), "title": d.get("title") or "", "content": d.get("text") or ""}
            for d in C.read_jsonl(os.path.join(a.data, "corpus.jsonl"))]
    dvec = qvec = None
    variant = "bm25 (Python binding)"
    if mode == "hybrid":
        if a.vectors:
            dvec, qvec = load_aligned_vectors(C, a.vectors, a.data)
            variant = "precomputed vectors (Python binding)"
        else:
            variant = "hash embedder (Python binding)"
    t0 = C.now()
    if mode == "lexical":
        c = vajra.Collection.in_memory(threads=a.threads)
        c.upsert(docs)
    elif dvec is not None:
        c = vajra.Collection.in_memory(embedder="precomputed", profile="quality", threads=a.threads)
        c.upsert(docs, vectors=np.stack([dvec[d["id"]] for d in docs]))
    else:
        c = vajra.Collection.in_memory(embedder="hash", profile="quality", threads=a.threads)
        c.upsert(docs)
    build_s = C.now() - t0
    texts = {text: qid for qid, text in queries}

    def search(text, n):
        kw = dict(k=n, highlight=False)
        if mode == "lexical":
            return c.search(text, mode="lexical", **kw).ids
        vec = qvec[texts[text]] if qvec is not None else None
        return c.search(text, mode="hybrid", ef=a.ef, depth=a.candidates, vector=vec, **kw).ids
    lat, ndcg, rec100 = C.run_lexical(search, queries, qrels, a.k, a.depth, a.warmup, a.warmup_s)
    extra = {}
    if mode == "hybrid":
        st = c.stats()
        extra = dict(M=16, efc=200, ef=a.ef, dim=st["dimension"], metric=st["metric"])
    C.emit(C.lexical_record("vajra-py", version(), a, len(docs), build_s, lat, ndcg, rec100, mode=mode,
                            variant=variant, **extra))
    c.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["vector", "lexical", "hybrid"])
    ap.add_argument("--data", required=True)
    ap.add_argument("--shared", help="the shared folder holding bench/peers (default: VAJRA_SHARED or ../shared)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--M", type=int, default=16)
    ap.add_argument("--efc", type=int, default=200)
    ap.add_argument("--ef", default=None, help="vector: comma-separated ef values (default 50,100); hybrid: one ef (default 100)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--nq", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=None)
    ap.add_argument("--warmup-s", type=float, default=2.0)
    ap.add_argument("--depth", type=int, default=100)
    ap.add_argument("--candidates", type=int, default=100)
    ap.add_argument("--split", default="test")
    ap.add_argument("--vectors", help="hybrid: aligned vectors (VECDIR with base.fvecs, query.fvecs)")
    a = ap.parse_args()
    C = peers_lib(a.shared)
    if a.mode == "vector":
        a.ef_list = [int(x) for x in (a.ef or "50,100").split(",") if x.strip()]
        a.warmup = 200 if a.warmup is None else a.warmup
        bench_vector(a, C)
    else:
        a.ef = int(a.ef or 100)
        a.warmup = 1000 if a.warmup is None else a.warmup
        bench_text(a, C, a.mode)


if __name__ == "__main__":
    main()
