// Package corruption owns the one mark that every Vajra error about damaged bytes carries,
// whichever format or layer found the damage: a checksum, a decoder, the log, the manifest or
// a cross-check between files. Callers test for it with errors.Is(err, corruption.Err); the
// public vajra.ErrCorrupt is the same value.
//
// It does not decide what is corrupt: each decoder does, and reports it with Errorf, or with
// Mark when it holds an error from elsewhere (a JSON decoder, say) that means damage here.
package corruption

import (
	"errors"
	"fmt"
)

// Err marks damaged data. Its message is the prefix Errorf gives its errors.
var Err = errors.New("corrupt")

// Errorf formats an error marked as corruption: its message is "corrupt: " followed by the
// formatted text, and errors.Is(err, Err) holds. The format may use %w like fmt.Errorf.
func Errorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{Err}, args...)...)
}

// Mark returns err marked as corruption, its message unchanged. An error already marked (or
// nil) is returned as it is.
func Mark(err error) error {
	if err == nil || errors.Is(err, Err) {
		return err
	}
	return &marked{err: err}
}

// Is reports whether err carries the corruption mark.
func Is(err error) bool { return errors.Is(err, Err) }

// marked is an error that reads as its cause and matches Err.
type marked struct{ err error }

func (m *marked) Error() string        { return m.err.Error() }
func (m *marked) Unwrap() error        { return m.err }
func (m *marked) Is(target error) bool { return target == Err }
