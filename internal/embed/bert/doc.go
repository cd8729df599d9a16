// Package bert owns the BERT sentence encoder behind the local embedder: it loads a
// Hugging Face or sentence-transformers model folder (config.json, model.safetensors, the
// WordPiece tokenizer, modules.json and 1_Pooling/config.json) and computes sentence
// embeddings in pure Go, the way sentence-transformers does: token, position and type
// embeddings with LayerNorm, then per layer multi-head self-attention, residual and
// LayerNorm, an erf-GELU feed-forward, residual and LayerNorm; then mean or [CLS] pooling
// and, when the folder asks for it, L2 normalisation.
//
// Sequences of a batch are packed one after another without padding: the dense layers
// run over all their tokens at once, and attention runs per sequence and head over that
// sequence's tokens only, which is what a padding mask computes, without the wasted work.
// A sequence's embedding does not depend on the other sequences of its batch, nor on the
// number of threads: each value is computed by the same operations in the same order.
//
// Supported: BERT encoders (model_type "bert", absolute positions, hidden_act "gelu") of
// any size, such as all-MiniLM-L6-v2 and L12, bge-small/base-en, e5-small/base and
// gte-small, with weights in F32, F16 or BF16. Anything else is refused with an error
// naming what is missing or unsupported. The package does not download models, does not
// train, and reads no ONNX files.
package bert
