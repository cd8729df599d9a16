#!/usr/bin/env python3
"""PyTorch timing of a BERT model folder, for comparison with `vajra bench embed`.

Run by hand with Debian's python3-torch (1.13): the same model folder, the same texts and
token counts (tokenised by make_reference.py's tokenizer, truncated to the folder's
max_seq_length), float32, a fixed number of threads. Batches follow sentence-transformers:
texts sorted by length, each batch padded to its longest text, the BertModel forward with
padding masks (F.linear, matmul, softmax, erf GELU, layer_norm), mean pooling and L2
normalisation. Prints one JSON line per measurement.

  python3 internal/embed/bert/testdata/bench_torch.py --model DIR \
      --corpus ../shared/data/scifact/corpus.jsonl --threads 2 [--backend onednn] [--check]
"""

import argparse
import json
import math
import os
import statistics
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_reference  # noqa: E402


def load_safetensors(torch, path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        dt = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}[e["dtype"]]
        raw = bytearray(data[b:end])
        t = torch.frombuffer(raw, dtype=torch.int16 if dt != torch.float32 else torch.float32)
        if dt != torch.float32:
            t = t.view(dt)
        out[name] = t.reshape(e["shape"]).to(torch.float32)
    return out


def onednn_ops(torch, W):
    """Dense layers and attention products through oneDNN (torch's mkldnn ops) instead of
    the BLAS torch was linked with: Debian's python3-torch calls the system libblas, which
    is the unoptimised reference BLAS unless an optimised one is installed."""
    mk = torch._C._nn.mkldnn_linear
    packed = {name: w.to_mkldnn() for name, w in W.items() if w.dim() == 2 and "embeddings" not in name}

    def linear(t, name, bias):
        shape = t.shape
        y = mk(t.reshape(-1, shape[-1]).to_mkldnn(), packed[name], bias).to_dense()
        return y.reshape(*shape[:-1], y.shape[-1])

    def attention(q, k, v, additive, scale):
        # q, k, v: B × heads × L × d; one oneDNN product per sequence and head.
        B, nh, L, d = q.shape
        out = torch.empty_like(q)
        zl, zd = torch.zeros(L), torch.zeros(d)
        for b in range(B):
            for h in range(nh):
                s = mk(q[b, h].contiguous().to_mkldnn(), k[b, h].contiguous().to_mkldnn(), zl).to_dense()
                p = torch.softmax(s * scale + additive[b, 0], dim=-1)
                out[b, h] = mk(p.to_mkldnn(), v[b, h].t().contiguous().to_mkldnn(), zd).to_dense()
        return out

    return linear, attention


def encoder(torch, W, cfg, backend="blas"):
    F = torch.nn.functional
    H, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    dh, eps = H // nh, cfg["layer_norm_eps"]
    if backend == "onednn":
        dense, attend = onednn_ops(torch, W)
    else:
        def dense(t, name, bias):
            return F.linear(t, W[name], bias)

        def attend(q, k, v, additive, scale):
            s = torch.matmul(q, k.transpose(-1, -2)) * scale + additive
            return torch.matmul(torch.softmax(s, dim=-1), v)

    def run(ids, mask):
        B, L = ids.shape
        x = (W["embeddings.word_embeddings.weight"][ids]
             + W["embeddings.token_type_embeddings.weight"][0]
             + W["embeddings.position_embeddings.weight"][:L])
        x = F.layer_norm(x, (H,), W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"], eps)
        additive = (1.0 - mask)[:, None, None, :] * torch.finfo(torch.float32).min
        for i in range(cfg["num_hidden_layers"]):
            p = "encoder.layer.%d." % i

            def lin(t, name):
                return dense(t, p + name + ".weight", W[p + name + ".bias"])

            def heads(t):
                return t.view(B, L, nh, dh).permute(0, 2, 1, 3)

            q, k, v = (heads(lin(x, "attention.self." + n)) for n in ("query", "key", "value"))
            ctx = attend(q, k, v, additive, 1 / math.sqrt(dh)).permute(0, 2, 1, 3).reshape(B, L, H)
            x = F.layer_norm(lin(ctx, "attention.output.dense") + x, (H,),
                             W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"], eps)
            o = lin(F.gelu(lin(x, "intermediate.dense")), "output.dense")
            x = F.layer_norm(o + x, (H,), W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"], eps)
        m = mask[:, :, None]
        return F.normalize((x * m).sum(1) / m.sum(1).clamp(min=1e-9), p=2, dim=1)

    return run


def batches(torch, seqs, size):
    for s in range(0, len(seqs), size):
        chunk = seqs[s:s + size]
        L = max(len(x) for x in chunk)
        ids = torch.zeros(len(chunk), L, dtype=torch.long)
        mask = torch.zeros(len(chunk), L)
        for b, x in enumerate(chunk):
            ids[b, :len(x)] = torch.tensor(x)
            mask[b, :len(x)] = 1
        yield ids, mask


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--corpus", required=True, help="BEIR corpus.jsonl; title + text of each passage")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--passages", type=int, default=1000, help="passages timed at batch 32")
    ap.add_argument("--passages-b1", type=int, default=200, help="passages timed at batch 1")
    ap.add_argument("--queries", type=int, default=200, help="10-word queries timed one by one")
    ap.add_argument("--backend", choices=["blas", "onednn"], default="blas",
                    help="products through torch's BLAS (F.linear, matmul) or through oneDNN")
    ap.add_argument("--check", action="store_true",
                    help="compare the backend's embeddings of the first passages with the reference.json of --model")
    args = ap.parse_args()

    import torch
    torch.set_num_threads(args.threads)
    cfg = json.load(open(os.path.join(args.model, "config.json")))
    max_len = json.load(open(os.path.join(args.model, "sentence_bert_config.json")))["max_seq_length"]
    tok = make_reference.Tokenizer(make_reference.read_vocab(os.path.join(args.model, "vocab.txt")))
    W = load_safetensors(torch, os.path.join(args.model, "model.safetensors"))
    run = encoder(torch, W, cfg, args.backend)

    texts = []
    with open(args.corpus, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            texts.append((d.get("title", "") + " " + d.get("text", "")).strip())
    seqs = [tok.encode(t, max_len) for t in texts[:max(args.passages, args.passages_b1)]]

    def report(**kv):
        kv.update(engine="pytorch", torch=torch.__version__, backend=args.backend, threads=args.threads, model=args.model)
        print(json.dumps(kv), flush=True)

    with torch.inference_mode():
        if args.check:
            ref = json.load(open(os.path.join(args.model, "reference.json")))["cases"]
            got = torch.cat([run(ids, mask) for ids, mask in batches(torch, [c["ids"] for c in ref], 16)])
            want = torch.tensor([c["mean_normalized"] for c in ref], dtype=torch.float64)
            report(bench="check", sentences=len(ref), max_abs_diff=(got.double() - want).abs().max().item(),
                   min_cosine=torch.nn.functional.cosine_similarity(got.double(), want, dim=1).min().item())
        for ids, mask in batches(torch, seqs[:8], 8):  # warm-up
            run(ids, mask)
        for size, n in ((32, args.passages), (1, args.passages_b1)):
            chunk = sorted(seqs[:n], key=len, reverse=True)
            c0, t0 = time.process_time(), time.perf_counter()
            for ids, mask in batches(torch, chunk, size):
                run(ids, mask)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            report(bench="embed", batch=size, sentences=n,
                   tokens=sum(len(x) for x in chunk), seconds=round(dt, 3),
                   sentences_per_s=round(n / dt, 2), cpu_s=round(cpu, 3),
                   sentences_per_cpu_s=round(n / cpu, 2))
        # The first 10 words of passages, one at a time, as `vajra bench embed` times them.
        qs = [tok.encode(" ".join(texts[i % len(texts)].split()[:10]), max_len) for i in range(args.queries)]
        lat = []
        for q in qs:
            ids, mask = next(batches(torch, [q], 1))
            t0 = time.perf_counter()
            run(ids, mask)
            lat.append(time.perf_counter() - t0)
        report(bench="query", words=10, tokens=round(statistics.mean(len(q) for q in qs), 1), nq=args.queries,
               p50_ms=round(1000 * statistics.median(lat), 3),
               p99_ms=round(1000 * sorted(lat)[int(0.99 * (len(lat) - 1))], 3))


if __name__ == "__main__":
    sys.exit(main())
