package corruption

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"testing"
)

func TestMarks(t *testing.T) {
	cause := errors.New("unexpected end of JSON input")
	for _, tc := range []struct {
		name      string
		err       error
		corrupt   bool
		wantMsg   string
		wantCause error
	}{
		{"Errorf", Errorf("section %q: bad checksum", "IIDS"), true, `corrupt: section "IIDS": bad checksum`, nil},
		{"Errorf wraps", Errorf("header: %w", io.ErrUnexpectedEOF), true, "corrupt: header: unexpected EOF", io.ErrUnexpectedEOF},
		{"Mark", Mark(cause), true, "unexpected end of JSON input", cause},
		{"Mark twice", Mark(Mark(cause)), true, "unexpected end of JSON input", cause},
		{"wrapped mark", fmt.Errorf("open docs-000001.vjd: %w", Errorf("LDEL truncated")), true, "open docs-000001.vjd: corrupt: LDEL truncated", nil},
		{"Mark nil", Mark(nil), false, "", nil},
		{"plain", fmt.Errorf("read: %w", fs.ErrNotExist), false, "read: file does not exist", fs.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Is(tc.err); got != tc.corrupt {
				t.Fatalf("Is = %v, want %v", got, tc.corrupt)
			}
			if got := errors.Is(tc.err, Err); got != tc.corrupt {
				t.Fatalf("errors.Is(err, Err) = %v, want %v", got, tc.corrupt)
			}
			if tc.err == nil {
				return
			}
			if tc.err.Error() != tc.wantMsg {
				t.Fatalf("message %q, want %q", tc.err.Error(), tc.wantMsg)
			}
			if tc.wantCause != nil && !errors.Is(tc.err, tc.wantCause) {
				t.Fatalf("%v does not wrap its cause %v", tc.err, tc.wantCause)
			}
		})
	}
	if Mark(cause) == error(cause) {
		t.Fatal("Mark returned its argument unmarked")
	}
}
