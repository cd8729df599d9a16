package wordpiece

import "unicode"

// The character classes of BERT tokenisation. They follow the Rust tokenizers crate (the
// implementation behind tokenizer.json), which differs from the original Python
// BertTokenizer only in corner cases: unassigned code points are kept, not dropped.

// isSpace reports the Unicode White_Space property; tab, newline and carriage return are
// spaces too, although they are also control characters.
func isSpace(r rune) bool { return unicode.IsSpace(r) }

// isControl reports the characters the cleaning step drops: categories Cc, Cf and Co,
// except tab, newline and carriage return, which become spaces.
func isControl(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co)
}

// isPunct reports the characters that always form a word of their own: ASCII punctuation
// (which includes symbols such as $, + and ^) and every Unicode punctuation category.
func isPunct(r rune) bool {
	if r < 0x80 {
		return r >= 33 && r <= 47 || r >= 58 && r <= 64 || r >= 91 && r <= 96 || r >= 123 && r <= 126
	}
	return unicode.IsPunct(r)
}

// isCJK reports the CJK ideograph blocks that get spaces around them, so that each
// ideograph is a word. Hiragana, katakana and hangul are not among them: those scripts
// mark words with spaces.
func isCJK(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF,
		r >= 0x3400 && r <= 0x4DBF,
		r >= 0x20000 && r <= 0x2A6DF,
		r >= 0x2A700 && r <= 0x2B73F,
		r >= 0x2B740 && r <= 0x2B81F,
		r >= 0x2B920 && r <= 0x2CEAF, // sic: the Rust tokenizer starts this block at 2B920
		r >= 0xF900 && r <= 0xFAFF,
		r >= 0x2F800 && r <= 0x2FA1F:
		return true
	}
	return false
}
