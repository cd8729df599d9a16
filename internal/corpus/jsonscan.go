package corpus

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is a small, strict JSON scanner for the top level of a JSONL line. It accepts
// exactly what encoding/json accepts (RFC 8259 values, nesting up to maxDepth) so the two
// can be compared, and it never allocates while validating.

// maxDepth mirrors encoding/json's nesting limit, counting the line's object as level 1.
const maxDepth = 10000

func syntaxErr(msg string, off int) error {
	return fmt.Errorf("%w JSON: %s at column %d", ErrSyntax, msg, off+1)
}

func describe(b []byte, i int) string {
	if i >= len(b) {
		return "end of line"
	}
	if c := b[i]; c >= 0x20 && c < utf8.RuneSelf {
		return fmt.Sprintf("character %q", c)
	}
	return fmt.Sprintf("byte 0x%02x", b[i])
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isHex(c byte) bool { return c-'0' < 10 || (c|0x20)-'a' < 6 }

func hexVal(c byte) rune {
	if c-'0' < 10 {
		return rune(c - '0')
	}
	return rune((c|0x20)-'a') + 10
}

// scanString validates the string starting at b[i] == '"' and returns the index just past
// its closing quote and whether it contains escapes.
func scanString(b []byte, i int) (end int, escaped bool, err error) {
	for j := i + 1; j < len(b); {
		c := b[j]
		switch {
		case c == '"':
			return j + 1, escaped, nil
		case c == '\\':
			escaped = true
			if j+1 >= len(b) {
				return 0, false, syntaxErr("unterminated string", i)
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(b) || !isHex(b[j+2]) || !isHex(b[j+3]) || !isHex(b[j+4]) || !isHex(b[j+5]) {
					return 0, false, syntaxErr(`invalid \u escape`, j)
				}
				j += 6
			default:
				return 0, false, syntaxErr(fmt.Sprintf("invalid escape %q", "\\"+string(rune(b[j+1]))), j)
			}
		case c < 0x20:
			return 0, false, syntaxErr("control character in string", j)
		default:
			j++
		}
	}
	return 0, false, syntaxErr("unterminated string", i)
}

// u4 decodes the \uXXXX escape at s[0:6], or returns -1 when s does not start with one.
func u4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	return hexVal(s[2])<<12 | hexVal(s[3])<<8 | hexVal(s[4])<<4 | hexVal(s[5])
}

// appendUnquoted appends the decoded body of a string validated by scanString (quotes
// excluded). Invalid surrogates become U+FFFD, exactly as encoding/json decodes them.
func appendUnquoted(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			j := i + 1
			for j < len(s) && s[j] != '\\' {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		switch s[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := u4(s[i:])
			i += 6
			if utf16.IsSurrogate(r) {
				if dec := utf16.DecodeRune(r, u4(s[i:])); dec != utf8.RuneError {
					i += 6
					dst = utf8.AppendRune(dst, dec)
					continue
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, s[i+1])
		}
		i += 2
	}
	return dst
}

// scanNumber validates the number starting at b[i] and returns its end and whether it is
// an integer (no fraction, no exponent).
func scanNumber(b []byte, i int) (end int, integer bool, err error) {
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i]-'1' < 9:
		for i < len(b) && b[i]-'0' < 10 {
			i++
		}
	default:
		return 0, false, syntaxErr("invalid number", start)
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		integer = false
		i++
		if i >= len(b) || b[i]-'0' >= 10 {
			return 0, false, syntaxErr("invalid number", start)
		}
		for i < len(b) && b[i]-'0' < 10 {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i]-'0' >= 10 {
			return 0, false, syntaxErr("invalid number", start)
		}
		for i < len(b) && b[i]-'0' < 10 {
			i++
		}
	}
	return i, integer, nil
}

func scanLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, syntaxErr("unexpected "+describe(b, i), i)
	}
	return i + len(lit), nil
}

// scanValue validates the JSON value starting at or after b[i] (leading space allowed) and
// returns the index just past it. depth is the nesting level of the enclosing container.
// It is iterative, so deep nesting cannot exhaust the stack.
func scanValue(b []byte, i, depth int) (int, error) {
	var stackBuf [32]byte
	stack := stackBuf[:0] // open containers: '{' or '['
	var err error
	for {
		// A value is expected at i.
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, syntaxErr("unexpected end of line", i)
		}
		switch c := b[i]; {
		case c == '{' || c == '[':
			if depth+len(stack)+1 > maxDepth {
				return 0, syntaxErr("nesting too deep", i)
			}
			stack = append(stack, c)
			i = skipSpace(b, i+1)
			if i < len(b) && b[i] == c+2 { // '}' is '{'+2, ']' is '['+2
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				if i, err = scanKey(b, i); err != nil {
					return 0, err
				}
			}
			continue
		case c == '"':
			if i, _, err = scanString(b, i); err != nil {
				return 0, err
			}
		case c == '-' || c-'0' < 10:
			if i, _, err = scanNumber(b, i); err != nil {
				return 0, err
			}
		case c == 't':
			i, err = scanLiteral(b, i, "true")
		case c == 'f':
			i, err = scanLiteral(b, i, "false")
		case c == 'n':
			i, err = scanLiteral(b, i, "null")
		default:
			return 0, syntaxErr("unexpected "+describe(b, i), i)
		}
		if err != nil {
			return 0, err
		}
		// A value ended at i: close containers until one continues with a comma.
		for {
			if len(stack) == 0 {
				return i, nil
			}
			i = skipSpace(b, i)
			top := stack[len(stack)-1]
			if i < len(b) && b[i] == top+2 {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			if i >= len(b) || b[i] != ',' {
				return 0, syntaxErr(fmt.Sprintf("expected ',' or '%c', found %s", top+2, describe(b, i)), i)
			}
			i++
			if top == '{' {
				if i, err = scanKey(b, skipSpace(b, i)); err != nil {
					return 0, err
				}
			}
			break
		}
	}
}

// scanKey validates `"key" :` at b[i] and returns the index after the colon.
func scanKey(b []byte, i int) (int, error) {
	if i >= len(b) || b[i] != '"' {
		return 0, syntaxErr("expected a string key, found "+describe(b, i), i)
	}
	i, _, err := scanString(b, i)
	if err != nil {
		return 0, err
	}
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return 0, syntaxErr("expected ':' after key, found "+describe(b, i), i)
	}
	return i + 1, nil
}
