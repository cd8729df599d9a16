package main

import (
	"fmt"
	"strings"
	"unicode"
)

// termSafe makes text from documents, collections and errors safe to print on a terminal:
// control characters (C0, DEL and C1, which start escape sequences that can retitle the
// window, move the cursor or rewrite what is on screen) are shown as Go escapes, \x1b or
// \n, instead of being sent to the terminal.
func termSafe(s string) string {
	i := strings.IndexFunc(s, unicode.IsControl)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if !unicode.IsControl(r) {
			b.WriteRune(r)
			continue
		}
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
	}
	return b.String()
}
