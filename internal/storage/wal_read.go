package storage

import (
	"errors"
	"fmt"
	"io"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// ReadWAL calls fn for every complete, valid record of the log at name, in order, like
// WAL.Replay, but never changes the file: it opens it read-only, and a torn tail is left in
// place (its size is reported in ReplayInfo.TruncatedBytes, what Replay would cut). It is how
// a reader follows a log that a writer in another process may be appending to: an append in
// progress reads as a torn tail, and the records before it are complete.
//
// A file that a crash while creating the log left empty, zeroed or with a partial header
// holds no records. Any other file must carry a valid WAL header, or ReadWAL fails with an
// error marked as corruption (or wrapping ErrVersion); damage followed by a valid record is
// corruption too.
func ReadWAL(fsys FS, name string, fn func(r Record) error) (ReplayInfo, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return ReplayInfo{}, fmt.Errorf("read wal %s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ReplayInfo{}, fmt.Errorf("read wal %s: %w", name, err)
	}
	size := st.Size()
	h := make([]byte, min(size, walHeaderLen))
	if _, err := f.ReadAt(h, 0); err != nil && !(errors.Is(err, io.EOF) && len(h) == 0) {
		return ReplayInfo{}, fmt.Errorf("read wal %s: header: %w", name, err)
	}
	if size <= walHeaderLen && uninitialisedHeader(h) {
		return ReplayInfo{End: size}, nil
	}
	if size < walHeaderLen {
		return ReplayInfo{}, fmt.Errorf("read wal %s: %w", name, errNotWAL(size))
	}
	if err := checkWALHeader(h); err != nil {
		return ReplayInfo{}, fmt.Errorf("read wal %s: %w", name, err)
	}
	info, torn, err := scanRecords(name, &walReader{r: f, size: size}, fn)
	if err == nil && torn {
		info.TruncatedBytes = size - info.End
	}
	return info, err
}

func errNotWAL(size int64) error { return corruption.Errorf("%d-byte file is not a WAL", size) }
