package wordpiece

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// testVocab is small enough to reason about every case by hand.
var testVocab = []string{
	"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", // 0-4
	"hello", "world", ",", "!", "un", // 5-9
	"##aff", "##able", "cafe", "café", "中", // 10-14
	"国", "i", "##̇", "σ", "ς", // 15-19
	"a", "##a", "ab", "##b", "[", // 20-24
	"]", "mask", "x", "##x", "-", // 25-29
}

func newTest(t *testing.T, mod func(*Options)) *Tokenizer {
	t.Helper()
	o := DefaultOptions()
	if mod != nil {
		mod(&o)
	}
	tok, err := New(testVocab, o)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestEncodeRules(t *testing.T) {
	cased := func(o *Options) { o.Lowercase, o.StripAccents = false, false }
	keepAccents := func(o *Options) { o.StripAccents = false }
	noClean := func(o *Options) { o.CleanText = false }
	noCJK := func(o *Options) { o.ChineseChars = false }
	short := func(o *Options) { o.MaxCharsPerWord = 3 }
	cases := []struct {
		name string
		mod  func(*Options)
		text string
		want []int32 // without [CLS] and [SEP]
	}{
		{"empty", nil, "", nil},
		{"spaces only", nil, " \t\n\u00a0\u3000", nil},
		{"words and punctuation", nil, "Hello, WORLD!", []int32{5, 7, 6, 8}},
		{"greedy pieces", nil, "unaffable", []int32{9, 10, 11}},
		{"piece missing makes the whole word unknown", nil, "unaffabley hello", []int32{1, 5}},
		{"longest first piece", nil, "abab", []int32{22, 21, 23}},
		{"accents stripped when lowercasing", nil, "Café CAFÉ", []int32{12, 12}},
		{"accents kept", keepAccents, "Café", []int32{13}},
		{"decomposed accent kept as its composed piece? no: NFD is not composition", keepAccents, "cafe\u0301", []int32{1}},
		{"cased vocabulary misses capitals", cased, "Hello", []int32{1}},
		{"CJK split into characters", nil, "中国", []int32{14, 15}},
		{"CJK kept together without the option", noCJK, "中国", []int32{1}},
		{"capital dotted I lowercases to i and a combining dot", keepAccents, "İ", []int32{16, 17}},
		{"capital dotted I with accents stripped", nil, "İ", []int32{16}},
		{"final sigma lowercases per character", keepAccents, "Σ", []int32{18}},
		{"control characters dropped", nil, "hel\x00lo\u200b wor\x07ld\ufffd", []int32{5, 6}},
		{"control characters kept without cleaning", noClean, "hel\x07lo", []int32{1}},
		{"invalid UTF-8 dropped", nil, "hel\xfflo", []int32{5}},
		{"line separator is a space", nil, "hello\u2028world", []int32{5, 6}},
		{"special tokens matched in raw text", nil, "x[MASK]x [mask]", []int32{27, 4, 27, 24, 26, 25}},
		{"special token never split", nil, "[MASK][SEP]", []int32{4, 3}},
		{"too long word", short, "abab ab", []int32{1, 22}},
		{"unicode punctuation isolated", nil, "a\u2014a", []int32{20, 1, 20}},
		{"ASCII symbols are punctuation", nil, "a-a", []int32{20, 29, 20}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok := newTest(t, c.mod)
			want := append(append([]int32{2}, c.want...), 3)
			if got := tok.Encode(c.text, 0); !slices.Equal(got, want) {
				t.Errorf("Encode(%q) = %v, want %v", c.text, got, want)
			}
		})
	}
}

func TestTruncation(t *testing.T) {
	tok := newTest(t, nil)
	text := strings.Repeat("hello world ", 50)
	for _, maxLen := range []int{3, 4, 10, 101, 102, 500} {
		got := tok.Encode(text, maxLen)
		want := min(maxLen, 102)
		if len(got) != want || got[0] != 2 || got[len(got)-1] != 3 {
			t.Errorf("maxLen %d: %d ids %v, want %d framed by [CLS] [SEP]", maxLen, len(got), got, want)
		}
		if maxLen > 3 && got[1] != 5 {
			t.Errorf("maxLen %d: truncation must keep the first pieces, got %v", maxLen, got[:3])
		}
	}
}

// TestChunkingChangesNothing checks that cutting long texts at spaces, which bounds the work
// of a huge text, gives the ids of the uncut text.
func TestChunkingChangesNothing(t *testing.T) {
	tok := newTest(t, nil)
	whole := *tok
	whole.chunkable = false
	var b strings.Builder
	words := []string{"hello", "Café", "unaffable", "中国", "[MASK]", "x\u0301", "a-a", "\u00a0", "\t"}
	for i := 0; b.Len() < 5*chunkBytes; i++ {
		b.WriteString(words[i*7%len(words)])
		b.WriteString([]string{" ", "\n", "  ", ""}[i%4])
	}
	text := b.String()
	if got, want := tok.Encode(text, 0), whole.Encode(text, 0); !slices.Equal(got, want) {
		t.Fatalf("chunked encoding differs: %d vs %d ids", len(got), len(want))
	}
}

func TestNewErrors(t *testing.T) {
	cases := []struct {
		name  string
		vocab []string
		mod   func(*Options)
		want  string
	}{
		{"empty vocabulary", nil, nil, "empty vocabulary"},
		{"no unknown token", []string{"[CLS]", "[SEP]"}, nil, `unknown token "[UNK]"`},
		{"template token missing", []string{"[UNK]", "[SEP]"}, nil, `template token "[CLS]"`},
		{"bad word limit", testVocab, func(o *Options) { o.MaxCharsPerWord = 0 }, "max characters per word"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := DefaultOptions()
			if c.mod != nil {
				c.mod(&o)
			}
			_, err := New(c.vocab, o)
			if !errors.Is(err, ErrBadTokenizer) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("New: %v, want ErrBadTokenizer mentioning %q", err, c.want)
			}
		})
	}
}
