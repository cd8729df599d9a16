package wordpiece

import (
	"encoding/json"
	"fmt"
	"math"
)

// tokenizerJSON holds the parts of a Hugging Face tokenizer.json that shape the ids of a
// single sequence. Truncation and padding are not among them: the model folder decides
// the maximum length, and sequences are never padded.
type tokenizerJSON struct {
	AddedTokens []struct {
		ID         int64  `json:"id"`
		Content    string `json:"content"`
		SingleWord bool   `json:"single_word"`
		LStrip     bool   `json:"lstrip"`
		RStrip     bool   `json:"rstrip"`
		Normalized bool   `json:"normalized"`
	} `json:"added_tokens"`
	Normalizer *struct {
		Type               string `json:"type"`
		CleanText          *bool  `json:"clean_text"`
		HandleChineseChars *bool  `json:"handle_chinese_chars"`
		StripAccents       *bool  `json:"strip_accents"`
		Lowercase          *bool  `json:"lowercase"`
	} `json:"normalizer"`
	PreTokenizer *struct {
		Type string `json:"type"`
	} `json:"pre_tokenizer"`
	PostProcessor *struct {
		Type          string            `json:"type"`
		Single        []json.RawMessage `json:"single"`
		SpecialTokens map[string]struct {
			Tokens []string `json:"tokens"`
		} `json:"special_tokens"`
		Cls []json.RawMessage `json:"cls"`
		Sep []json.RawMessage `json:"sep"`
	} `json:"post_processor"`
	Model *struct {
		Type                    string           `json:"type"`
		UnkToken                *string          `json:"unk_token"`
		ContinuingSubwordPrefix *string          `json:"continuing_subword_prefix"`
		MaxInputCharsPerWord    *int             `json:"max_input_chars_per_word"`
		Vocab                   map[string]int64 `json:"vocab"`
	} `json:"model"`
}

// ParseTokenizerJSON builds a tokenizer from a tokenizer.json whose normalizer is a
// BertNormalizer (or none), whose pre-tokenizer is a BertPreTokenizer and whose model is
// WordPiece. Anything else is refused with an error naming the unsupported part.
func ParseTokenizerJSON(data []byte) (*Tokenizer, error) {
	var j tokenizerJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadTokenizer, err)
	}
	if j.Model == nil {
		return nil, fmt.Errorf("no model: %w", ErrBadTokenizer)
	}
	if j.Model.Type != "WordPiece" {
		return nil, fmt.Errorf("model type %q: only WordPiece is supported: %w", j.Model.Type, ErrBadTokenizer)
	}
	o := Options{MaxCharsPerWord: 100, ContinuationPrefix: "##", Unknown: "[UNK]"}
	if m := j.Model; m.UnkToken != nil {
		o.Unknown = *m.UnkToken
	}
	if m := j.Model; m.ContinuingSubwordPrefix != nil {
		o.ContinuationPrefix = *m.ContinuingSubwordPrefix
	}
	if m := j.Model; m.MaxInputCharsPerWord != nil {
		o.MaxCharsPerWord = *m.MaxInputCharsPerWord
	}
	if n := j.Normalizer; n != nil {
		if n.Type != "BertNormalizer" {
			return nil, fmt.Errorf("normalizer type %q: only BertNormalizer is supported: %w", n.Type, ErrBadTokenizer)
		}
		o.CleanText = boolOr(n.CleanText, true)
		o.ChineseChars = boolOr(n.HandleChineseChars, true)
		o.Lowercase = boolOr(n.Lowercase, true)
		o.StripAccents = boolOr(n.StripAccents, o.Lowercase)
	}
	if p := j.PreTokenizer; p == nil || p.Type != "BertPreTokenizer" {
		typ := "none"
		if p != nil {
			typ = fmt.Sprintf("%q", p.Type)
		}
		return nil, fmt.Errorf("pre-tokenizer %s: only BertPreTokenizer is supported: %w", typ, ErrBadTokenizer)
	}
	vocab, err := denseVocab(j.Model.Vocab)
	if err != nil {
		return nil, err
	}
	for _, a := range j.AddedTokens {
		if a.SingleWord || a.LStrip || a.RStrip {
			return nil, fmt.Errorf("added token %q: single_word, lstrip and rstrip are not supported: %w", a.Content, ErrBadTokenizer)
		}
		switch {
		case a.ID >= 0 && a.ID < int64(len(vocab)):
			if vocab[a.ID] != a.Content {
				return nil, fmt.Errorf("added token %q has id %d, which the vocabulary gives to %q: %w", a.Content, a.ID, vocab[a.ID], ErrBadTokenizer)
			}
		case a.ID == int64(len(vocab)):
			vocab = append(vocab, a.Content)
		default:
			return nil, fmt.Errorf("added token %q has id %d; the vocabulary holds %d tokens: %w", a.Content, a.ID, len(vocab), ErrBadTokenizer)
		}
		if a.Normalized {
			o.NormalizedSpecial = append(o.NormalizedSpecial, a.Content)
		} else {
			o.Special = append(o.Special, a.Content)
		}
	}
	if o.Prefix, o.Suffix, err = template(&j); err != nil {
		return nil, err
	}
	return New(vocab, o)
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// denseVocab turns the token → id map into an id-ordered list; ids must be 0..n-1.
func denseVocab(m map[string]int64) ([]string, error) {
	if len(m) == 0 {
		return nil, fmt.Errorf("empty vocabulary: %w", ErrBadTokenizer)
	}
	vocab := make([]string, len(m))
	seen := make([]bool, len(m))
	for tok, id := range m {
		if id < 0 || id >= int64(len(m)) || seen[id] {
			return nil, fmt.Errorf("vocabulary ids are not 0..%d: token %q has id %d: %w", len(m)-1, tok, id, ErrBadTokenizer)
		}
		vocab[id], seen[id] = tok, true
	}
	return vocab, nil
}

// template reads the tokens the post-processor puts around a single sequence.
func template(j *tokenizerJSON) (prefix, suffix []string, err error) {
	p := j.PostProcessor
	if p == nil {
		return nil, nil, nil
	}
	switch p.Type {
	case "BertProcessing":
		cls, err1 := processingToken(p.Cls, "cls")
		sep, err2 := processingToken(p.Sep, "sep")
		if err1 != nil {
			return nil, nil, err1
		}
		if err2 != nil {
			return nil, nil, err2
		}
		return []string{cls}, []string{sep}, nil
	case "TemplateProcessing":
	default:
		return nil, nil, fmt.Errorf("post-processor type %q: only TemplateProcessing and BertProcessing are supported: %w", p.Type, ErrBadTokenizer)
	}
	seq := false
	for _, raw := range p.Single {
		var piece struct {
			SpecialToken *struct {
				ID     string `json:"id"`
				TypeID int    `json:"type_id"`
			} `json:"SpecialToken"`
			Sequence *struct {
				ID     string `json:"id"`
				TypeID int    `json:"type_id"`
			} `json:"Sequence"`
		}
		if err := json.Unmarshal(raw, &piece); err != nil {
			return nil, nil, fmt.Errorf("post-processor template: %w: %w", ErrBadTokenizer, err)
		}
		switch {
		case piece.Sequence != nil:
			if seq || piece.Sequence.ID != "A" || piece.Sequence.TypeID != 0 {
				return nil, nil, fmt.Errorf("post-processor template: sequence %q with type %d: only one sequence A of type 0 is supported: %w", piece.Sequence.ID, piece.Sequence.TypeID, ErrBadTokenizer)
			}
			seq = true
		case piece.SpecialToken != nil:
			if piece.SpecialToken.TypeID != 0 {
				return nil, nil, fmt.Errorf("post-processor template: special token %q of type %d: only type 0 is supported: %w", piece.SpecialToken.ID, piece.SpecialToken.TypeID, ErrBadTokenizer)
			}
			st, ok := p.SpecialTokens[piece.SpecialToken.ID]
			if !ok || len(st.Tokens) == 0 {
				return nil, nil, fmt.Errorf("post-processor template names special token %q but does not define it: %w", piece.SpecialToken.ID, ErrBadTokenizer)
			}
			if seq {
				suffix = append(suffix, st.Tokens...)
			} else {
				prefix = append(prefix, st.Tokens...)
			}
		default:
			return nil, nil, fmt.Errorf("post-processor template piece %s: %w", raw, ErrBadTokenizer)
		}
	}
	if !seq {
		return nil, nil, fmt.Errorf("post-processor template has no sequence: %w", ErrBadTokenizer)
	}
	return prefix, suffix, nil
}

// processingToken reads BertProcessing's ["[CLS]", 101] pairs.
func processingToken(pair []json.RawMessage, name string) (string, error) {
	var tok string
	var id float64
	if len(pair) != 2 || json.Unmarshal(pair[0], &tok) != nil || json.Unmarshal(pair[1], &id) != nil ||
		id < 0 || id != math.Trunc(id) {
		return "", fmt.Errorf("post-processor %s is not a [token, id] pair: %w", name, ErrBadTokenizer)
	}
	return tok, nil
}
