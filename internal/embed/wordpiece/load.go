package wordpiece

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxFileBytes bounds the tokenizer files read, far above any real vocabulary (the
// tokenizer.json of a 250,000-token multilingual model is about 17 MB).
const maxFileBytes = 256 << 20

// LoadDir loads the tokenizer of a Hugging Face model folder: tokenizer.json when present,
// otherwise vocab.txt with the settings of tokenizer_config.json (BertTokenizer's defaults
// when that file is absent too).
func LoadDir(dir string) (*Tokenizer, error) {
	p := filepath.Join(dir, "tokenizer.json")
	data, err := readFile(p)
	if err == nil {
		t, err := ParseTokenizerJSON(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return t, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	vp := filepath.Join(dir, "vocab.txt")
	vdata, err := readFile(vp)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has neither tokenizer.json nor vocab.txt: %w", dir, ErrBadTokenizer)
	}
	if err != nil {
		return nil, err
	}
	o := DefaultOptions()
	cp := filepath.Join(dir, "tokenizer_config.json")
	cdata, err := readFile(cp)
	switch {
	case err == nil:
		if o, err = ParseTokenizerConfig(cdata); err != nil {
			return nil, fmt.Errorf("%s: %w", cp, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	t, err := New(ParseVocab(vdata), o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", vp, err)
	}
	return t, nil
}

func readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFileBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d a tokenizer file may hold: %w", p, st.Size(), maxFileBytes, ErrBadTokenizer)
	}
	data := make([]byte, st.Size())
	if _, err := f.ReadAt(data, 0); err != nil && st.Size() > 0 {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return data, nil
}

// ParseVocab reads a vocab.txt: one token a line, the line number (from 0) being its id.
// Line ends may be \n or \r\n.
func ParseVocab(data []byte) []string {
	data = bytes.TrimSuffix(data, []byte("\n"))
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// tokenizerConfig holds the tokenizer_config.json fields a BertTokenizer reads.
type tokenizerConfig struct {
	DoLowerCase          *bool           `json:"do_lower_case"`
	StripAccents         *bool           `json:"strip_accents"`
	TokenizeChineseChars *bool           `json:"tokenize_chinese_chars"`
	UnkToken             json.RawMessage `json:"unk_token"`
	ClsToken             json.RawMessage `json:"cls_token"`
	SepToken             json.RawMessage `json:"sep_token"`
	PadToken             json.RawMessage `json:"pad_token"`
	MaskToken            json.RawMessage `json:"mask_token"`
	TokenizerClass       string          `json:"tokenizer_class"`
}

// ParseTokenizerConfig turns a tokenizer_config.json into Options for a vocab.txt.
func ParseTokenizerConfig(data []byte) (Options, error) {
	var c tokenizerConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return Options{}, fmt.Errorf("%w: %w", ErrBadTokenizer, err)
	}
	switch c.TokenizerClass {
	case "", "BertTokenizer", "BertTokenizerFast":
	default:
		return Options{}, fmt.Errorf("tokenizer_class %q: only BertTokenizer is supported: %w", c.TokenizerClass, ErrBadTokenizer)
	}
	o := DefaultOptions()
	if c.DoLowerCase != nil {
		o.Lowercase = *c.DoLowerCase
	}
	o.StripAccents = o.Lowercase
	if c.StripAccents != nil {
		o.StripAccents = *c.StripAccents
	}
	if c.TokenizeChineseChars != nil {
		o.ChineseChars = *c.TokenizeChineseChars
	}
	names := []struct {
		raw json.RawMessage
		dst *string
		def string
	}{{c.UnkToken, &o.Unknown, "[UNK]"}, {c.ClsToken, nil, "[CLS]"}, {c.SepToken, nil, "[SEP]"},
		{c.PadToken, nil, "[PAD]"}, {c.MaskToken, nil, "[MASK]"}}
	o.Special = o.Special[:0]
	for i, n := range names {
		s, err := tokenName(n.raw, n.def)
		if err != nil {
			return Options{}, err
		}
		if n.dst != nil {
			*n.dst = s
		}
		switch i {
		case 1:
			o.Prefix = []string{s}
		case 2:
			o.Suffix = []string{s}
		}
		o.Special = append(o.Special, s)
	}
	return o, nil
}

// tokenName reads a special token given either as a string or as an AddedToken object.
func tokenName(raw json.RawMessage, def string) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return def, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var obj struct {
		Content string `json:"content"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil || obj.Content == "" {
		return "", fmt.Errorf("special token %s is neither a string nor an object with content: %w", raw, ErrBadTokenizer)
	}
	return obj.Content, nil
}
