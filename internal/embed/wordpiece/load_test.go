package wordpiece

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const tinyJSON = `{
  "added_tokens": [{"id": 0, "content": "[UNK]", "normalized": false},
                   {"id": 4, "content": "[NEW]", "normalized": false}],
  "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                 "strip_accents": null, "lowercase": false},
  "pre_tokenizer": {"type": "BertPreTokenizer"},
  "post_processor": {"type": "TemplateProcessing",
    "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
               {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
    "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]},
                       "[SEP]": {"id": "[SEP]", "ids": [2], "tokens": ["[SEP]"]}}},
  "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "Hé": 3}}
}`

func TestParseTokenizerJSON(t *testing.T) {
	tok, err := ParseTokenizerJSON([]byte(tinyJSON))
	if err != nil {
		t.Fatal(err)
	}
	o := tok.Options()
	if o.Lowercase || o.StripAccents || !o.CleanText || !o.ChineseChars {
		t.Fatalf("options %+v: cased, accents kept (strip_accents null follows lowercase)", o)
	}
	// [NEW] extends the vocabulary; "Hé" matches only because nothing is lowercased or stripped.
	if got, want := tok.Encode("Hé[NEW]hé", 0), []int32{1, 3, 4, 0, 2}; !slices.Equal(got, want) {
		t.Fatalf("Encode = %v, want %v", got, want)
	}
}

func TestParseTokenizerJSONErrors(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"not JSON", `{`, `[`, "bad tokenizer"},
		{"BPE model", `"type": "WordPiece"`, `"type": "BPE"`, `model type "BPE"`},
		{"other normalizer", `"type": "BertNormalizer"`, `"type": "NFKC"`, `normalizer type "NFKC"`},
		{"other pre-tokenizer", `"type": "BertPreTokenizer"`, `"type": "Metaspace"`, `pre-tokenizer "Metaspace"`},
		{"roberta template", `"type": "TemplateProcessing"`, `"type": "RobertaProcessing"`, `post-processor type "RobertaProcessing"`},
		{"pair sequence", `{"Sequence": {"id": "A", "type_id": 0}}`, `{"Sequence": {"id": "B", "type_id": 1}}`, "only one sequence A"},
		{"undefined special", `"special_tokens": {"[CLS]"`, `"special_tokens": {"[XX]"`, `does not define it`},
		{"lstrip", `"content": "[NEW]", "normalized": false`, `"content": "[NEW]", "lstrip": true`, "lstrip"},
		{"added id taken", `{"id": 4, "content": "[NEW]"`, `{"id": 3, "content": "[NEW]"`, `gives to "Hé"`},
		{"added id gap", `{"id": 4, "content": "[NEW]"`, `{"id": 9, "content": "[NEW]"`, "has id 9"},
		{"sparse ids", `"Hé": 3`, `"Hé": 7`, "not 0..3"},
		{"unknown missing", `"unk_token": "[UNK]"`, `"unk_token": "<unk>"`, `unknown token "<unk>"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(tinyJSON, c.from, c.to, 1)
			if src == tinyJSON {
				t.Fatalf("%q not found in the test document", c.from)
			}
			_, err := ParseTokenizerJSON([]byte(src))
			if !errors.Is(err, ErrBadTokenizer) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want ErrBadTokenizer mentioning %q", err, c.want)
			}
		})
	}
}

func TestLoadDirVocabOnly(t *testing.T) {
	dir := t.TempDir()
	vocab := strings.Join(testVocab, "\r\n") + "\r\n"
	if err := os.WriteFile(filepath.Join(dir, "vocab.txt"), []byte(vocab), 0o644); err != nil {
		t.Fatal(err)
	}
	tok, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tok.VocabSize() != len(testVocab) {
		t.Fatalf("vocabulary of %d tokens, want %d", tok.VocabSize(), len(testVocab))
	}
	if got, want := tok.Encode("Hello!", 0), []int32{2, 5, 8, 3}; !slices.Equal(got, want) {
		t.Fatalf("Encode = %v, want %v", got, want)
	}
	cfg := `{"do_lower_case": false, "tokenizer_class": "BertTokenizer"}`
	if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if tok, err = LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	if got, want := tok.Encode("Hello!", 0), []int32{2, 1, 8, 3}; !slices.Equal(got, want) {
		t.Fatalf("cased Encode = %v, want %v", got, want)
	}
	cfg = `{"tokenizer_class": "XLMRobertaTokenizer"}`
	if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err = LoadDir(dir); !errors.Is(err, ErrBadTokenizer) || !strings.Contains(err.Error(), "tokenizer_config.json") {
		t.Fatalf("LoadDir with an XLM-R config: %v", err)
	}
	if _, err := LoadDir(t.TempDir()); !errors.Is(err, ErrBadTokenizer) {
		t.Fatalf("LoadDir of an empty folder: %v", err)
	}
}
