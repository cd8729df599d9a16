package wordpiece

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzEncode checks the invariants of any encoding: framed by [CLS] ... [SEP], ids inside
// the vocabulary, truncation keeps a prefix, and cutting long texts at spaces changes
// nothing.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", "Hello, world!", "Café 中国 İ Σ", "[MASK]x[SEP]", "a\x00b\u200bc", "\xff\xfe", "unaffable"} {
		f.Add(s, uint8(5))
	}
	o := DefaultOptions()
	tok, err := New(testVocab, o)
	if err != nil {
		f.Fatal(err)
	}
	whole := *tok
	whole.chunkable = false
	f.Fuzz(func(t *testing.T, text string, maxLen uint8) {
		all := tok.Encode(text, 0)
		if len(all) < 2 || all[0] != 2 || all[len(all)-1] != 3 {
			t.Fatalf("Encode(%q) = %v: not framed by [CLS] [SEP]", text, all)
		}
		for _, id := range all {
			if id < 0 || int(id) >= tok.VocabSize() {
				t.Fatalf("id %d outside the vocabulary", id)
			}
		}
		if m := int(maxLen); m > 2 {
			cut := tok.Encode(text, m)
			n := min(m, len(all))
			want := append(slices.Clone(all[:n-1]), 3)
			if !slices.Equal(cut, want) {
				t.Fatalf("Encode(%q, %d) = %v, want %v", text, m, cut, want)
			}
		}
		long := strings.Repeat(text+" ", chunkBytes/(len(text)+1)+2)
		if got, want := tok.Encode(long, 0), whole.Encode(long, 0); !slices.Equal(got, want) {
			t.Fatalf("chunking changed the encoding of %q repeated", text)
		}
	})
}

// FuzzParseTokenizerJSON feeds arbitrary bytes to the tokenizer.json parser: it must return
// a usable tokenizer or an ErrBadTokenizer error, never panic.
func FuzzParseTokenizerJSON(f *testing.F) {
	f.Add([]byte(`{"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2,"a":3}},"pre_tokenizer":{"type":"BertPreTokenizer"},"post_processor":{"type":"BertProcessing","cls":["[CLS]",1],"sep":["[SEP]",2]}}`))
	f.Add([]byte(`{"model":{"type":"WordPiece","vocab":{"[UNK]":0}},"pre_tokenizer":{"type":"BertPreTokenizer"},"added_tokens":[{"id":1,"content":"[X]","normalized":true}]}`))
	f.Add([]byte(`{"model":{"type":"BPE"}}`))
	if data, err := os.ReadFile(filepath.Join("..", "bert", "testdata", "tiny", "tokenizer.json")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := ParseTokenizerJSON(data)
		if err != nil {
			if !errors.Is(err, ErrBadTokenizer) {
				t.Fatalf("error %v does not wrap ErrBadTokenizer", err)
			}
			return
		}
		for _, id := range tok.Encode("Hello, wörld! [MASK] 中", 16) {
			if id < 0 || int(id) >= tok.VocabSize() {
				t.Fatalf("id %d outside the vocabulary", id)
			}
		}
	})
}

// FuzzParseTokenizerConfig feeds arbitrary bytes to the tokenizer_config.json parser.
func FuzzParseTokenizerConfig(f *testing.F) {
	f.Add([]byte(`{"do_lower_case": false, "unk_token": {"content": "[UNK]"}, "tokenizer_class": "BertTokenizer"}`))
	f.Add([]byte(`{"strip_accents": true, "cls_token": "<s>"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := ParseTokenizerConfig(data)
		if err != nil {
			if !errors.Is(err, ErrBadTokenizer) {
				t.Fatalf("error %v does not wrap ErrBadTokenizer", err)
			}
			return
		}
		if _, err := New(testVocab, o); err != nil && !errors.Is(err, ErrBadTokenizer) {
			t.Fatalf("New: %v", err)
		}
	})
}
