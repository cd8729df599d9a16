// Package wordpiece owns the WordPiece tokenizer of BERT-family models: it turns text into
// the token ids a BERT encoder reads, exactly as Hugging Face's fast tokenizer does for a
// tokenizer.json with a BertNormalizer, a BertPreTokenizer and a WordPiece model, and as
// BertTokenizer does for a bare vocab.txt.
//
// The pipeline, in order:
//   - special tokens ([CLS], [MASK], ...) written in the raw text are matched first,
//     leftmost and longest, and kept whole;
//   - normalisation: control characters (Unicode Cc, Cf, Co, plus NUL and U+FFFD) are
//     dropped and every White_Space character becomes a space; CJK ideographs get spaces
//     around them; accents are stripped (NFD, then nonspacing marks dropped) when
//     configured, which by default follows lowercasing; letters are lowercased one
//     character at a time (so a final capital sigma becomes σ, not ς, as in the Rust
//     tokenizer);
//   - pre-tokenisation: words split at spaces, and every punctuation character (ASCII
//     punctuation or Unicode P*) becomes a word of its own;
//   - WordPiece: each word becomes its greedy longest-match-first pieces, continuation
//     pieces prefixed with "##"; a word longer than MaxCharsPerWord characters, or with a
//     part no piece matches, becomes [UNK];
//   - the template adds [CLS] before and [SEP] after, after truncating the pieces so the
//     whole sequence fits the maximum length.
//
// The package does not pad (the encoder packs sequences of different lengths without
// padding), does not decode ids back to text and does not handle sentence pairs.
package wordpiece
