#!/usr/bin/env python3
"""Reference data for the pure-Go BERT embedder, computed independently with PyTorch.

Run by hand (never by CI) with Debian's python3-torch (1.13); needs nothing else.

  tokens  writes golden WordPiece ids for a fixed list of tricky and ordinary sentences
          (and, with --corpus, for every passage of a BEIR corpus.jsonl) using a tokenizer
          written here from BERT's published algorithm, with the semantics of Hugging Face's
          fast tokenizer (tokenizer.json): BertNormalizer, BertPreTokenizer, WordPiece,
          special tokens matched in the raw text, [CLS] ... [SEP].
  model   builds a BERT encoder with random weights, writes it as a Hugging Face /
          sentence-transformers folder (model.safetensors written by a small writer below,
          config.json, tokenizer files, modules.json, 1_Pooling/config.json,
          sentence_bert_config.json) and reference.json: for each sentence its token ids,
          the mean-pooled L2-normalised embedding and the raw [CLS] embedding, computed in
          float64 from the stored weights with plain torch ops (padding masks as Hugging
          Face's BertModel applies them).

Examples (from the repository root):

  python3 internal/embed/bert/testdata/make_reference.py tokens \
      --vocab ../shared/data/tokenizer/minilm \
      --out internal/embed/wordpiece/testdata/minilm_golden.jsonl
  python3 internal/embed/bert/testdata/make_reference.py model --small \
      --vocab ../shared/data/tokenizer/minilm --out internal/embed/bert/testdata/tiny
  python3 internal/embed/bert/testdata/make_reference.py model \
      --vocab ../shared/data/tokenizer/minilm --out "$TMPDIR/minilm-random"
"""

import argparse
import gzip
import json
import math
import os
import random
import shutil
import struct
import sys
import unicodedata

# ---------------------------------------------------------------------------------------
# Tokenizer (independent of the Go code): BERT's BasicTokenizer + WordpieceTokenizer,
# with the choices of the Rust `tokenizers` BertNormalizer where the two differ: control
# characters are Unicode categories Cc, Cf and Co (unassigned code points are kept),
# accents are stripped before lowercasing, and lowercasing is per character (no
# final-sigma rule).
# ---------------------------------------------------------------------------------------

# The White_Space property, which Rust's char::is_whitespace follows.
WHITE_SPACE = set(
    [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F,
     0x205F, 0x3000] + list(range(0x2000, 0x200B)))


def is_whitespace(c):
    return ord(c) in WHITE_SPACE


def is_control(c):
    if c in "\t\n\r":
        return False
    return unicodedata.category(c) in ("Cc", "Cf", "Co")


def is_punctuation(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


CJK_RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
              (0x2B740, 0x2B81F), (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def is_cjk(c):
    cp = ord(c)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


class Tokenizer:
    def __init__(self, vocab, lowercase=True, strip_accents=None, max_chars=100,
                 specials=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")):
        self.vocab = vocab
        self.lowercase = lowercase
        self.strip_accents = lowercase if strip_accents is None else strip_accents
        self.max_chars = max_chars
        self.specials = [s for s in specials if s in vocab]

    def normalize(self, text):
        out = []
        for c in text:
            if ord(c) == 0 or ord(c) == 0xFFFD or is_control(c):
                continue
            out.append(" " if is_whitespace(c) else c)
        text = "".join(out)
        text = "".join(" " + c + " " if is_cjk(c) else c for c in text)
        if self.strip_accents:
            text = unicodedata.normalize("NFD", text)
            text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        if self.lowercase:
            text = "".join(c.lower() for c in text)
        return text

    def pre_tokenize(self, text):
        words, cur = [], []
        for c in text:
            if is_whitespace(c):
                if cur:
                    words.append("".join(cur))
                    cur = []
            elif is_punctuation(c):
                if cur:
                    words.append("".join(cur))
                    cur = []
                words.append(c)
            else:
                cur.append(c)
        if cur:
            words.append("".join(cur))
        return words

    def wordpiece(self, word):
        if len(word) > self.max_chars:
            return ["[UNK]"]
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                sub = word[start:end]
                if start > 0:
                    sub = "##" + sub
                if sub in self.vocab:
                    found = sub
                    break
                end -= 1
            if found is None:
                return ["[UNK]"]
            pieces.append(found)
            start = end
        return pieces

    def split_specials(self, text):
        """Leftmost-longest matches of the special tokens in the raw text."""
        parts, i, last = [], 0, 0
        while i < len(text):
            best = None
            for s in self.specials:
                if text.startswith(s, i) and (best is None or len(s) > len(best)):
                    best = s
            if best is None:
                i += 1
                continue
            if last < i:
                parts.append((False, text[last:i]))
            parts.append((True, best))
            i += len(best)
            last = i
        if last < len(text):
            parts.append((False, text[last:]))
        return parts

    def tokens(self, text):
        out = []
        for special, part in self.split_specials(text):
            if special:
                out.append(part)
                continue
            for w in self.pre_tokenize(self.normalize(part)):
                out.extend(self.wordpiece(w))
        return out

    def encode(self, text, max_len):
        ids = [self.vocab[t] for t in self.tokens(text)]
        ids = ids[:max_len - 2]
        return [self.vocab["[CLS]"]] + ids + [self.vocab["[SEP]"]]


def read_vocab(path):
    vocab = {}
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            # A repeated token keeps its last line, as both Hugging Face loaders do.
            vocab[line.rstrip("\n")] = i
    return vocab


# ---------------------------------------------------------------------------------------
# Sentences: hand-picked hard cases, then seeded template sentences.
# ---------------------------------------------------------------------------------------

LONG_PARAGRAPH = (
    "The mitochondrion is a double-membrane-bound organelle found in most eukaryotic "
    "organisms. Mitochondria generate most of the cell's supply of adenosine triphosphate "
    "(ATP), which is used as a source of chemical energy. They were first discovered by "
    "Albert von Kölliker in 1857 in the voluntary muscles of insects. ")

TRICKY = [
    "",
    " ",
    "\t\n\r ",
    "Hello, world!",
    "HELLO World hello WORLD",
    "Café naïve résumé façade Ångström Øresund straße",
    "ΟΔΟΣ Σίσυφος ΣΊΣΥΦΟΣ",
    "İstanbul IŞIK ıi",
    "我爱北京天安门",
    "中文和English混合的句子。",
    "日本語のテキストです、カタカナも。",
    "한국어 문장입니다.",
    "Привет, мир! Ёлка",
    "مرحبا بالعالم",
    "שָׁלוֹם עולם",
    "हिन्दी भाषा",
    "emoji 😀🎉 test 👍🏽",
    "zero\u200bwidth joiner\u200d and soft\u00adhyphen",
    "non\u00a0breaking\u2009thin\u3000ideographic space",
    "line\u2028separator\u2029paragraph",
    "ctrl\x00char\x07bell\x1b[31mred\x7f",
    "tab\tseparated\rcarriage\nnewline\x0bvtab\x0cff\x85nel",
    "replacement \ufffd char and private \ue000 use",
    "well... don't e-mail U.S.A. (parenthetical) [brackets] {braces}",
    "«guillemets» „German“ “smart quotes” ‘single’ — em dash – en dash",
    "a/b\\c|d_e~f`g^h@i#j$k%l&m*n+o=p<q>r?s;t:u'v\"w",
    "100% of $5 costs €10 or £3 or ¥7",
    "x² + y³ = z⁴ and ½ + ¾ ≠ ∞",
    "1,234.56 and 3.14159 and 10^-12",
    "ﬁnance ﬂow (ligatures) and Ｆｕｌｌｗｉｄｔｈ ＡＢＣ",
    "decomposed e\u0301 versus precomposed é, Å versus \u212b",
    "titlecase ǅ and roman Ⅷ and ß",
    "a" * 99,
    "b" * 100,
    "c" * 101,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "[MASK] token and [CLS] in text [SEP] end",
    "[mask] lowercase is not special; [UNK] is",
    "[MASK][MASK][SEP]",
    "[MAS] [PAD]",
    "##suffix and ## alone",
    "https://example.com/path?q=1&x=2#frag and a.b@c.org",
    "C++ and C# and F# and .NET",
    "<html><b>bold</b> &amp; entity</html>",
    "COVID-19 SARS-CoV-2 IL-6 TNF-α β-catenin",
    "p < 0.05; n = 1,024; 95% CI [0.8–1.2]",
    "Ω ohm and µ micro and Å angstrom",
    "The quick brown fox jumps over the lazy dog.",
    LONG_PARAGRAPH * 6,
    ("word " * 400).strip(),
    "\u00e9" * 150,
]

SUBJECTS = ["The study", "A new method", "Our model", "The patient", "This protein",
            "The committee", "A small village", "The algorithm", "Researchers", "The river",
            "An old library", "The vaccine", "Each neuron", "The startup", "My grandmother"]
VERBS = ["reduces", "increases", "describes", "predicts", "inhibits", "explains", "ignores",
         "measures", "supports", "contradicts", "encodes", "visits", "builds", "reveals"]
OBJECTS = ["the risk of heart disease", "gene expression in mice", "search quality",
           "the local economy", "memory consolidation during sleep", "the old bridge",
           "insulin resistance", "a hidden pattern", "public transport usage",
           "tumour growth", "the speed of light", "customer satisfaction", "rainfall"]
TAILS = ["", " in 2019", " by 45%", " (p < 0.01)", " according to Dr. Müller",
         " across 12 countries", " — surprisingly", " for children aged 5–12", " 很好",
         " at the café", " with IL-6 levels", "!", "?", " ...", " in São Paulo"]


def sentences(n_random, seed):
    rng = random.Random(seed)
    out = list(TRICKY)
    for _ in range(n_random):
        s = "%s %s %s%s." % (rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS),
                             rng.choice(TAILS))
        if rng.random() < 0.3:
            s += " " + "%s %s %s." % (rng.choice(SUBJECTS), rng.choice(VERBS),
                                      rng.choice(OBJECTS))
        if rng.random() < 0.1:
            s = s.upper()
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------
# tokens
# ---------------------------------------------------------------------------------------

def cmd_tokens(args):
    vocab = read_vocab(os.path.join(args.vocab, "vocab.txt"))
    tok = Tokenizer(vocab)
    texts = sentences(args.random, args.seed)
    if args.corpus:
        opener = gzip.open if args.corpus.endswith(".gz") else open
        with opener(args.corpus, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                texts.append((d.get("title", "") + " " + d.get("text", "")).strip())
    with open(args.out, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"text": t, "ids": tok.encode(t, args.max_len)},
                               ensure_ascii=True) + "\n")
    print("wrote %d golden encodings to %s" % (len(texts), args.out))


# ---------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------

def random_weights(torch, cfg, seed):
    g = torch.Generator().manual_seed(seed)
    H, I, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]

    def normal(*shape, std=1.0):
        return torch.randn(*shape, generator=g, dtype=torch.float32) * std

    w = {
        "embeddings.word_embeddings.weight": normal(V, H),
        "embeddings.position_embeddings.weight": normal(cfg["max_position_embeddings"], H),
        "embeddings.token_type_embeddings.weight": normal(cfg["type_vocab_size"], H),
        "embeddings.LayerNorm.weight": 1 + normal(H, std=0.1),
        "embeddings.LayerNorm.bias": normal(H, std=0.1),
    }
    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        for name, (out, inp) in [("attention.self.query", (H, H)), ("attention.self.key", (H, H)),
                                 ("attention.self.value", (H, H)),
                                 ("attention.output.dense", (H, H)),
                                 ("intermediate.dense", (I, H)), ("output.dense", (H, I))]:
            w[p + name + ".weight"] = normal(out, inp, std=1 / math.sqrt(inp))
            w[p + name + ".bias"] = normal(out, std=0.1)
        for name in ["attention.output.LayerNorm", "output.LayerNorm"]:
            w[p + name + ".weight"] = 1 + normal(H, std=0.1)
            w[p + name + ".bias"] = normal(H, std=0.1)
    # The pooler is part of every BertModel checkpoint; sentence embedders ignore it.
    w["pooler.dense.weight"] = normal(H, H, std=1 / math.sqrt(H))
    w["pooler.dense.bias"] = normal(H, std=0.1)
    return w


def write_safetensors(torch, path, tensors, dtype):
    """The safetensors layout: u64 header length, JSON header, raw little-endian data."""
    tdtype = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}[dtype]
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].to(tdtype).contiguous()
        # bfloat16 has no numpy dtype: reinterpret as int16 to get the raw bytes.
        raw = t.view(torch.int16).numpy().tobytes() if dtype != "F32" else t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def forward(torch, w, cfg, batch_ids, dtype):
    """BERT encoder on a padded batch; returns last hidden states and the mask."""
    F = torch.nn.functional
    H, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    dh, eps = H // nh, cfg["layer_norm_eps"]
    B, L = len(batch_ids), max(len(x) for x in batch_ids)
    ids = torch.zeros(B, L, dtype=torch.long)
    mask = torch.zeros(B, L, dtype=dtype)
    for b, x in enumerate(batch_ids):
        ids[b, :len(x)] = torch.tensor(x)
        mask[b, :len(x)] = 1
    W = {k: v.to(dtype) for k, v in w.items()}
    x = (W["embeddings.word_embeddings.weight"][ids]
         + W["embeddings.position_embeddings.weight"][:L][None]
         + W["embeddings.token_type_embeddings.weight"][0][None, None])
    x = F.layer_norm(x, (H,), W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"], eps)
    additive = (1.0 - mask)[:, None, None, :] * torch.finfo(dtype).min

    def linear(t, name):
        return t @ W[name + ".weight"].T + W[name + ".bias"]

    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i

        def heads(t):
            return t.view(B, L, nh, dh).permute(0, 2, 1, 3)

        q = heads(linear(x, p + "attention.self.query"))
        k = heads(linear(x, p + "attention.self.key"))
        v = heads(linear(x, p + "attention.self.value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(dh) + additive
        ctx = (torch.softmax(scores, dim=-1) @ v).permute(0, 2, 1, 3).reshape(B, L, H)
        a = linear(ctx, p + "attention.output.dense")
        x = F.layer_norm(a + x, (H,), W[p + "attention.output.LayerNorm.weight"],
                         W[p + "attention.output.LayerNorm.bias"], eps)
        h = F.gelu(linear(x, p + "intermediate.dense"))
        o = linear(h, p + "output.dense")
        x = F.layer_norm(o + x, (H,), W[p + "output.LayerNorm.weight"],
                         W[p + "output.LayerNorm.bias"], eps)
    return x, mask


def embed(torch, w, cfg, all_ids, dtype, batch=16):
    mean, cls = [], []
    for s in range(0, len(all_ids), batch):
        x, mask = forward(torch, w, cfg, all_ids[s:s + batch], dtype)
        m = mask[:, :, None]
        pooled = (x * m).sum(1) / torch.clamp(m.sum(1), min=1e-9)
        mean.append(torch.nn.functional.normalize(pooled, p=2, dim=1))
        cls.append(x[:, 0])
    return torch.cat(mean), torch.cat(cls)


def tokenizer_json(vocab_list, max_len):
    specials = [t for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] if t in vocab_list]
    ids = {t: i for i, t in enumerate(vocab_list)}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": ids[t], "content": t, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True} for t in specials],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [ids["[CLS]"]], "tokens": ["[CLS]"]},
                               "[SEP]": {"id": "[SEP]", "ids": [ids["[SEP]"]], "tokens": ["[SEP]"]}},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": ids},
    }


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def cmd_model(args):
    import torch
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    vocab_dir = args.vocab
    full_vocab = read_vocab(os.path.join(vocab_dir, "vocab.txt"))
    texts = sentences(args.random, args.seed)
    max_len = args.max_seq_length

    if args.small:
        cfg_shape = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                         intermediate_size=256, max_position_embeddings=512)
    else:
        cfg_shape = dict(hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
                         intermediate_size=1536, max_position_embeddings=512)

    if args.small:
        # Keep only the pieces the sentences use (plus the specials), in the original order.
        # Greedy longest-match WordPiece over this subset gives the same pieces as over the
        # full vocabulary for these sentences, so the tokenisation is unchanged; only the
        # ids are renumbered. This keeps the committed weights small.
        full_tok = Tokenizer(full_vocab)
        used = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
        for t in texts:
            used.update(full_tok.tokens(t))
        vocab_list = [t for t, _ in sorted(full_vocab.items(), key=lambda kv: kv[1]) if t in used]
    else:
        vocab_list = [t for t, _ in sorted(full_vocab.items(), key=lambda kv: kv[1])]
    vocab = {t: i for i, t in enumerate(vocab_list)}
    tok = Tokenizer(vocab)
    all_ids = [tok.encode(t, max_len) for t in texts]

    cfg = {
        "_name_or_path": args.name,
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "model_type": "bert",
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "type_vocab_size": 2,
        "vocab_size": len(vocab_list),
        **cfg_shape,
    }
    w = random_weights(torch, cfg, args.seed)
    # The reference uses exactly the values stored (after rounding to the file's dtype).
    tdtype = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}[args.dtype]
    w = {k: v.to(tdtype).to(torch.float32) for k, v in w.items()}

    out = args.out
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "1_Pooling"))
    os.makedirs(os.path.join(out, "2_Normalize"))
    write_safetensors(torch, os.path.join(out, "model.safetensors"), w, args.dtype)
    write_json(os.path.join(out, "config.json"), cfg)
    with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
        for t in vocab_list:
            f.write(t + "\n")
    if args.small:
        with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
            json.dump(tokenizer_json(vocab_list, max_len), f, ensure_ascii=False)
    else:
        for name in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]:
            shutil.copy(os.path.join(vocab_dir, name), os.path.join(out, name))
    write_json(os.path.join(out, "modules.json"), [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    write_json(os.path.join(out, "1_Pooling", "config.json"), {
        "word_embedding_dimension": cfg["hidden_size"],
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
    })
    write_json(os.path.join(out, "sentence_bert_config.json"),
               {"max_seq_length": max_len, "do_lower_case": False})

    with torch.no_grad():
        mean64, cls64 = embed(torch, w, cfg, all_ids, torch.float64)
        mean32, _ = embed(torch, w, cfg, all_ids, torch.float32)
    diff32 = (mean32.double() - mean64).abs().max().item()
    cos32 = torch.nn.functional.cosine_similarity(mean32.double(), mean64, dim=1).min().item()
    ref = {
        "about": "float64 PyTorch reference of the random BERT in this folder; see make_reference.py",
        "torch_version": torch.__version__,
        "seed": args.seed,
        "max_seq_length": max_len,
        "torch_float32_max_abs_diff": diff32,
        "torch_float32_min_cosine": cos32,
        "cases": [{"text": t, "ids": ids,
                   "mean_normalized": [float("%.9g" % v) for v in m.tolist()],
                   "cls": [float("%.9g" % v) for v in c.tolist()]}
                  for t, ids, m, c in zip(texts, all_ids, mean64, cls64)],
    }
    with open(os.path.join(out, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(ref, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")
    print("wrote %s: %d sentences, vocab %d, torch float32 vs float64: max |diff| %.3g, "
          "min cosine %.9f" % (out, len(texts), len(vocab_list), diff32, cos32))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tokens")
    t.add_argument("--vocab", required=True, help="folder holding vocab.txt")
    t.add_argument("--out", required=True)
    t.add_argument("--corpus", help="BEIR corpus.jsonl whose passages (title + text) to add")
    t.add_argument("--max-len", type=int, default=512)
    t.add_argument("--random", type=int, default=250)
    t.add_argument("--seed", type=int, default=12)
    m = sub.add_parser("model")
    m.add_argument("--vocab", required=True, help="folder with the real tokenizer files")
    m.add_argument("--out", required=True)
    m.add_argument("--small", action="store_true", help="2 layers, hidden 64, trimmed vocabulary")
    m.add_argument("--dtype", choices=["F32", "F16", "BF16"], default="F32")
    m.add_argument("--max-seq-length", type=int, default=256)
    m.add_argument("--random", type=int, default=250)
    m.add_argument("--seed", type=int, default=12)
    m.add_argument("--name", default="random-bert")
    args = ap.parse_args()
    {"tokens": cmd_tokens, "model": cmd_model}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
