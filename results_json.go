package vajra

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Results are encoded by hand: a search answered over HTTP spends more time in reflection-based
// encoding than in the search itself. The output is byte for byte what encoding/json writes
// for the same values (results_json_test.go checks it against encoding/json on random results).

// jsonEncoder appends JSON to buf; err records the first value encoding/json would refuse.
type jsonEncoder struct {
	buf []byte
	err error
}

func (e *jsonEncoder) raw(s string) { e.buf = append(e.buf, s...) }

func (e *jsonEncoder) int(n int64)   { e.buf = strconv.AppendInt(e.buf, n, 10) }
func (e *jsonEncoder) uint(n uint64) { e.buf = strconv.AppendUint(e.buf, n, 10) }

// float writes f as encoding/json does for a float of the given bit size.
func (e *jsonEncoder) float(f float64, bits int) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if e.err == nil {
			e.err = &json.UnsupportedValueError{Str: strconv.FormatFloat(f, 'g', -1, bits)}
		}
		e.raw("null")
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	start := len(e.buf)
	e.buf = strconv.AppendFloat(e.buf, f, format, -1, bits)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(e.buf) - start
		if n >= 4 && e.buf[len(e.buf)-4] == 'e' && e.buf[len(e.buf)-3] == '-' && e.buf[len(e.buf)-2] == '0' {
			e.buf[len(e.buf)-2] = e.buf[len(e.buf)-1]
			e.buf = e.buf[:len(e.buf)-1]
		}
	}
}

const hexDigits = "0123456789abcdef"

// str writes s quoted and escaped as encoding/json does by default (HTML characters escaped,
// invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped).
func (e *jsonEncoder) str(s string) {
	b := append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	e.buf = append(b, '"')
}

// value writes a metadata value as encoding/json writes what it decodes into an any; other
// types go through encoding/json itself.
func (e *jsonEncoder) value(v any) {
	switch x := v.(type) {
	case nil:
		e.raw("null")
	case string:
		e.str(x)
	case bool:
		e.raw(strconv.FormatBool(x))
	case float64:
		e.float(x, 64)
	case map[string]any:
		e.object(x)
	case []any:
		e.raw("[")
		for i, y := range x {
			if i > 0 {
				e.raw(",")
			}
			e.value(y)
		}
		e.raw("]")
	default:
		b, err := json.Marshal(x)
		if err != nil {
			if e.err == nil {
				e.err = err
			}
			e.raw("null")
			return
		}
		e.buf = append(e.buf, b...)
	}
}

// object writes a map with its keys sorted, as encoding/json does.
func (e *jsonEncoder) object(m map[string]any) {
	if m == nil {
		e.raw("null")
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.raw("{")
	for i, k := range keys {
		if i > 0 {
			e.raw(",")
		}
		e.str(k)
		e.raw(":")
		e.value(m[k])
	}
	e.raw("}")
}

// strs writes a list of strings (null when nil).
func (e *jsonEncoder) strs(ss []string) {
	if ss == nil {
		e.raw("null")
		return
	}
	e.raw("[")
	for i, s := range ss {
		if i > 0 {
			e.raw(",")
		}
		e.str(s)
	}
	e.raw("]")
}

func (e *jsonEncoder) ranges(rs [][2]int) {
	if rs == nil {
		e.raw("null")
		return
	}
	e.raw("[")
	for i, r := range rs {
		if i > 0 {
			e.raw(",")
		}
		e.raw("[")
		e.int(int64(r[0]))
		e.raw(",")
		e.int(int64(r[1]))
		e.raw("]")
	}
	e.raw("]")
}

func (e *jsonEncoder) side(s *Side) {
	e.raw(`{"rank":`)
	e.int(int64(s.Rank))
	e.raw(`,"score":`)
	e.float(s.Score, 64)
	e.raw(`,"contribution":`)
	e.float(s.Contribution, 64)
	e.raw("}")
}

func (e *jsonEncoder) hit(h *Hit) {
	e.raw(`{"id":`)
	e.str(h.ID)
	e.raw(`,"score":`)
	e.float(h.Score, 64)
	e.raw(`,"title":`)
	e.str(h.Title)
	if len(h.Metadata) > 0 {
		e.raw(`,"metadata":`)
		e.object(h.Metadata)
	}
	if s := h.Snippet; s != nil {
		e.raw(`,"snippet":{"text":`)
		e.str(s.Text)
		e.raw(`,"highlights":`)
		e.ranges(s.Highlights)
		if len(s.TitleHighlights) > 0 {
			e.raw(`,"title_highlights":`)
			e.ranges(s.TitleHighlights)
		}
		e.raw("}")
	}
	if h.Lexical != nil {
		e.raw(`,"lexical":`)
		e.side(h.Lexical)
	}
	if h.Vector != nil {
		e.raw(`,"vector":`)
		e.side(h.Vector)
	}
	if h.Explain != nil {
		e.raw(`,"explain":`)
		e.explanation(h.Explain)
	}
	e.raw("}")
}

func (e *jsonEncoder) explanation(x *Explanation) {
	e.raw(`{"id":`)
	e.str(x.ID)
	e.raw(`,"mode":`)
	e.str(string(x.Mode))
	e.raw(`,"score":`)
	e.float(x.Score, 64)
	e.raw(`,"rank":`)
	e.int(int64(x.Rank))
	if l := x.Lexical; l != nil {
		e.raw(`,"lexical":{"score":`)
		e.float(l.Score, 64)
		e.raw(`,"docs":`)
		e.uint(l.Docs)
		e.raw(`,"field_weights":`)
		if l.FieldWeights == nil {
			e.raw("null")
		} else {
			e.raw("[")
			for i, w := range l.FieldWeights {
				if i > 0 {
					e.raw(",")
				}
				e.int(int64(w))
			}
			e.raw("]")
		}
		e.raw(`,"fields":`)
		e.strs(l.Fields)
		e.raw(`,"terms":`)
		if l.Terms == nil {
			e.raw("null")
		} else {
			e.raw("[")
			for i := range l.Terms {
				if i > 0 {
					e.raw(",")
				}
				e.term(&l.Terms[i])
			}
			e.raw("]")
		}
		e.raw("}")
	}
	if v := x.Vector; v != nil {
		e.raw(`,"vector":{"metric":`)
		e.str(v.Metric)
		e.raw(`,"similarity":`)
		e.float(v.Similarity, 64)
		e.raw("}")
	}
	if x.LexicalSide != nil {
		e.raw(`,"lexical_side":`)
		e.side(x.LexicalSide)
	}
	if x.VectorSide != nil {
		e.raw(`,"vector_side":`)
		e.side(x.VectorSide)
	}
	e.raw("}")
}

func (e *jsonEncoder) term(t *TermExplanation) {
	e.raw(`{"term":`)
	e.str(t.Term)
	e.raw(`,"weight":`)
	e.float(float64(t.Weight), 32)
	e.raw(`,"tf":`)
	e.uint(uint64(t.TF))
	e.raw(`,"field_tf":`)
	if t.FieldTF == nil {
		e.raw("null")
	} else {
		e.raw("[")
		for i, n := range t.FieldTF {
			if i > 0 {
				e.raw(",")
			}
			e.uint(uint64(n))
		}
		e.raw("]")
	}
	e.raw(`,"df":`)
	e.uint(t.DF)
	e.raw(`,"idf":`)
	e.float(t.IDF, 64)
	e.raw(`,"dl":`)
	e.uint(uint64(t.DL))
	e.raw(`,"avg_dl":`)
	e.float(t.AvgDL, 64)
	e.raw(`,"k1":`)
	e.float(t.K1, 64)
	e.raw(`,"b":`)
	e.float(t.B, 64)
	e.raw(`,"contribution":`)
	e.float(t.Contribution, 64)
	e.raw("}")
}

// appendJSON appends the JSON of r (see MarshalJSON) to dst.
func (r *Results) appendJSON(dst []byte) ([]byte, error) {
	e := jsonEncoder{buf: dst}
	e.raw(`{"hits":[`)
	for i := range r.Hits {
		if i > 0 {
			e.raw(",")
		}
		e.hit(&r.Hits[i])
	}
	e.raw(`],"mode":`)
	e.str(string(r.Mode))
	e.raw(`,"terms":[`)
	for i, t := range r.Terms {
		if i > 0 {
			e.raw(",")
		}
		e.str(t)
	}
	e.raw(`],"total_candidates":`)
	e.int(int64(r.TotalCandidates))
	e.raw(`,"has_more":`)
	e.raw(strconv.FormatBool(r.HasMore))
	if r.TotalMatches != nil {
		e.raw(`,"total_matches":`)
		e.int(int64(*r.TotalMatches))
	}
	if f := r.Fusion; f != nil {
		e.raw(`,"fusion":{"method":`)
		e.str(string(f.Method))
		e.raw(`,"lexical_weight":`)
		e.float(f.LexicalWeight, 64)
		e.raw(`,"rrf_k":`)
		e.float(f.RRFK, 64)
		e.raw(`,"depth":`)
		e.int(int64(f.Depth))
		e.raw("}")
	}
	if len(r.Explanations) > 0 {
		e.raw(`,"explanations":[`)
		for i := range r.Explanations {
			if i > 0 {
				e.raw(",")
			}
			e.explanation(&r.Explanations[i])
		}
		e.raw("]")
	}
	e.raw(`,"took_ms":`)
	e.float(float64(r.Took.Nanoseconds())/1e6, 64)
	e.raw("}")
	if e.err != nil {
		return nil, e.err
	}
	return e.buf, nil
}
