package bert

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Pooling turns a sequence's token vectors into one vector.
type Pooling string

// Poolings sentence-transformers models use.
const (
	PoolMean Pooling = "mean" // average of every token's vector, [CLS] and [SEP] included
	PoolCLS  Pooling = "cls"  // the vector of the first token
)

// Pipeline is what a sentence-transformers folder adds around the encoder.
type Pipeline struct {
	// TransformerDir is the folder holding the encoder (the model folder itself, or its
	// 0_Transformer sub-folder in older layouts).
	TransformerDir string
	Pooling        Pooling
	// Normalize scales every embedding to unit length (a Normalize module).
	Normalize bool
	// MaxSeqLength caps the tokens per text (sentence_bert_config.json; 0 when unset).
	MaxSeqLength int
	// DoLowerCase lowercases texts before tokenising (sentence_bert_config.json).
	DoLowerCase bool
}

type stModule struct {
	Idx  int    `json:"idx"`
	Name string `json:"name"`
	Path string `json:"path"`
	Type string `json:"type"`
}

const (
	stTransformer = "sentence_transformers.models.Transformer"
	stPooling     = "sentence_transformers.models.Pooling"
	stNormalize   = "sentence_transformers.models.Normalize"
)

// readOptional reads a file that may be absent (nil, nil).
func readOptional(p string) ([]byte, error) {
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}

// LoadPipeline reads the sentence-transformers files of dir. Without modules.json the
// folder is a plain Hugging Face model, which sentence-transformers runs with mean
// pooling and no normalisation.
func LoadPipeline(dir string) (Pipeline, error) {
	p := Pipeline{TransformerDir: dir, Pooling: PoolMean}
	mp := filepath.Join(dir, "modules.json")
	data, err := readOptional(mp)
	if err != nil {
		return Pipeline{}, err
	}
	if data != nil {
		if p, err = parseModules(dir, data); err != nil {
			return Pipeline{}, fmt.Errorf("%s: %w", mp, err)
		}
	}
	sp := filepath.Join(p.TransformerDir, "sentence_bert_config.json")
	if data, err = readOptional(sp); err != nil {
		return Pipeline{}, err
	}
	if data != nil {
		var c struct {
			MaxSeqLength *int `json:"max_seq_length"`
			DoLowerCase  bool `json:"do_lower_case"`
		}
		if err := json.Unmarshal(data, &c); err != nil {
			return Pipeline{}, fmt.Errorf("%s: %w: %w", sp, ErrUnsupported, err)
		}
		if c.MaxSeqLength != nil {
			if *c.MaxSeqLength < 3 || *c.MaxSeqLength > maxPositions {
				return Pipeline{}, fmt.Errorf("%s: max_seq_length %d outside [3, %d]: %w", sp, *c.MaxSeqLength, maxPositions, ErrUnsupported)
			}
			p.MaxSeqLength = *c.MaxSeqLength
		}
		p.DoLowerCase = c.DoLowerCase
	}
	return p, nil
}

func parseModules(dir string, data []byte) (Pipeline, error) {
	var mods []stModule
	if err := json.Unmarshal(data, &mods); err != nil {
		return Pipeline{}, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	p := Pipeline{Pooling: PoolMean}
	var seen []string
	for i, m := range mods {
		switch m.Type {
		case stTransformer:
			if i != 0 {
				return Pipeline{}, fmt.Errorf("module %d is a Transformer; it must come first: %w", i, ErrUnsupported)
			}
			sub, err := localPath(dir, m.Path)
			if err != nil {
				return Pipeline{}, err
			}
			p.TransformerDir = sub
		case stPooling:
			if len(seen) != 1 {
				return Pipeline{}, fmt.Errorf("module %d is a Pooling after %v; it must follow the Transformer: %w", i, seen, ErrUnsupported)
			}
			sub, err := localPath(dir, m.Path)
			if err != nil {
				return Pipeline{}, err
			}
			if p.Pooling, err = loadPooling(filepath.Join(sub, "config.json")); err != nil {
				return Pipeline{}, err
			}
		case stNormalize:
			if len(seen) != 2 || seen[1] != stPooling {
				return Pipeline{}, fmt.Errorf("module %d is a Normalize after %v; only Transformer, Pooling, Normalize is supported: %w", i, seen, ErrUnsupported)
			}
			p.Normalize = true
		default:
			return Pipeline{}, fmt.Errorf("module %d (%q) has type %q; only Transformer, Pooling and Normalize are supported: %w", i, m.Name, m.Type, ErrUnsupported)
		}
		seen = append(seen, m.Type)
	}
	if len(seen) == 0 || seen[0] != stTransformer {
		return Pipeline{}, fmt.Errorf("no Transformer module: %w", ErrUnsupported)
	}
	if p.TransformerDir == "" {
		p.TransformerDir = dir
	}
	return p, nil
}

// localPath resolves a module path inside dir, refusing paths that leave it.
func localPath(dir, p string) (string, error) {
	if p == "" {
		return dir, nil
	}
	if !filepath.IsLocal(p) {
		return "", fmt.Errorf("module path %q leaves the model folder: %w", p, ErrUnsupported)
	}
	return filepath.Join(dir, p), nil
}

func loadPooling(path string) (Pooling, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("pooling config: %w", err)
	}
	var c map[string]any
	if err := json.Unmarshal(data, &c); err != nil {
		return "", fmt.Errorf("%s: %w: %w", path, ErrUnsupported, err)
	}
	var modes []Pooling
	for key, v := range c {
		on, _ := v.(bool)
		switch key {
		case "pooling_mode_cls_token":
			if on {
				modes = append(modes, PoolCLS)
			}
		case "pooling_mode_mean_tokens":
			if on {
				modes = append(modes, PoolMean)
			}
		case "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
			"pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken":
			if on {
				return "", fmt.Errorf("%s: %s: only mean and cls pooling are supported: %w", path, key, ErrUnsupported)
			}
		}
	}
	if len(modes) != 1 {
		return "", fmt.Errorf("%s: %d pooling modes on (%v); exactly one of mean and cls is supported: %w", path, len(modes), modes, ErrUnsupported)
	}
	return modes[0], nil
}
