package storage

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/vajrasearch/vajra/internal/corruption"
)

// ErrWALFailed marks every Append, Sync and Replay truncation after a write or sync of the WAL
// failed. After such a failure the file's tail is unknown (part of a group may have reached
// it, and a failed fsync cannot be retried safely), so the WAL refuses further work: close it
// and open it again, and Replay drops whatever partial tail the failure left.
var ErrWALFailed = errors.New("storage: WAL failed earlier; close and reopen it")

// ErrNotReplayed reports an Append to a WAL that holds records but has not been replayed yet:
// appending first could bury a torn tail under new records and turn it into corruption.
var ErrNotReplayed = errors.New("storage: WAL must be replayed before appending")

// ErrRecordTooLarge reports a record whose payload exceeds WALOptions.MaxRecordSize.
var ErrRecordTooLarge = errors.New("storage: WAL record too large")

// Record is one WAL entry: a caller-defined type and an opaque payload.
type Record struct {
	Type    uint8
	Payload []byte
}

// SyncPolicy says when appended records become durable.
type SyncPolicy int

const (
	// SyncEveryAppend makes Append return only after the records are written and fsynced:
	// a record whose Append returned nil survives any crash. Concurrent Appends share one
	// write and one fsync (group commit). This is the default.
	SyncEveryAppend SyncPolicy = iota
	// SyncNever leaves flushing to the operating system: a crash (of the machine, not of the
	// process) may lose any records appended since the last successful Sync or Close, though
	// never make the log unreadable. For bulk loads and tests.
	SyncNever
)

// String names the policy.
func (p SyncPolicy) String() string {
	switch p {
	case SyncEveryAppend:
		return "every-append"
	case SyncNever:
		return "never"
	}
	return fmt.Sprintf("SyncPolicy(%d)", int(p))
}

// WALOptions configures OpenWAL.
type WALOptions struct {
	// Sync is when appends become durable; the zero value is SyncEveryAppend.
	Sync SyncPolicy
	// MaxRecordSize bounds one record's payload in bytes; 0 means 64 MiB. At most 1 GiB, the
	// format's limit.
	MaxRecordSize int
}

// EnsureDefaults fills in zero fields.
func (o *WALOptions) EnsureDefaults() {
	if o.MaxRecordSize == 0 {
		o.MaxRecordSize = 64 << 20
	}
}

// Validate reports options that cannot work.
func (o *WALOptions) Validate() error {
	if o.Sync != SyncEveryAppend && o.Sync != SyncNever {
		return fmt.Errorf("wal options: unknown sync policy %d", int(o.Sync))
	}
	if o.MaxRecordSize <= 0 || o.MaxRecordSize > maxRecordLen {
		return fmt.Errorf("wal options: MaxRecordSize %d outside 1..%d", o.MaxRecordSize, maxRecordLen)
	}
	return nil
}

// ReplayInfo describes what Replay found.
type ReplayInfo struct {
	// Records is how many records were passed to the callback.
	Records int
	// End is the offset just past the last valid record: the log's size after Replay.
	End int64
	// TruncatedBytes is the size of the torn tail Replay cut off (0 when there was none): the
	// bytes of an interrupted append that no Append ever acknowledged under SyncEveryAppend.
	TruncatedBytes int64
}

// WAL is an append-only log of typed, checksummed records in one file. Open it with OpenWAL,
// Replay it, then Append. All methods are safe for concurrent use.
type WAL struct {
	name string
	opts WALOptions
	f    File

	mu       sync.Mutex
	idle     sync.Cond // signalled when a group commit finishes
	size     int64     // bytes written successfully, header included
	tail     int64     // size plus the bytes queued in pending groups
	pending  *commitGroup
	flushing bool // a leader is writing; it drains pending before clearing this
	spare    []byte
	dirty    bool  // written since the last fsync
	replayed bool  // Append is allowed
	err      error // sticky failure, wraps ErrWALFailed
	closed   bool
}

// commitGroup is the records of one or more Appends that go to the file in one write.
type commitGroup struct {
	buf  []byte
	done chan struct{}
	err  error
}

// OpenWAL opens the log at name, creating it if it does not exist, and makes the file's name
// durable (its directory must already be). A file that a crash during creation left empty,
// zeroed or with a partial header is initialised again; any other file must carry a valid WAL
// header, or OpenWAL fails with an error marked as corruption or wrapping ErrVersion.
func OpenWAL(fsys FS, name string, o WALOptions) (*WAL, error) {
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("open wal %s: %w", name, err)
	}
	_, err := fsys.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		err = createWAL(fsys, name)
	}
	if err != nil {
		return nil, fmt.Errorf("open wal %s: %w", name, err)
	}
	f, err := fsys.OpenReadWrite(name)
	if err != nil {
		return nil, fmt.Errorf("open wal %s: %w", name, err)
	}
	size, err := prepareWAL(f)
	if err == nil {
		// Also for an existing file: an earlier open may have created it and failed before
		// its name was durable, and records appended now must not vanish with the name.
		err = fsys.SyncDir(fsys.PathDir(name))
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open wal %s: %w", name, err)
	}
	w := &WAL{name: name, opts: o, f: f, size: size, tail: size, replayed: size == walHeaderLen}
	w.idle.L = &w.mu
	return w, nil
}

// createWAL writes a new file holding only the durable header; OpenWAL then makes its name
// durable.
func createWAL(fsys FS, name string) error {
	f, err := fsys.Create(name)
	if err != nil {
		return err
	}
	h := walHeader()
	_, err = f.Write(h[:])
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// prepareWAL checks the header of an open WAL, initialising a file a crash left without one,
// and returns the file's size.
func prepareWAL(f File) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := st.Size()
	n := min(size, walHeaderLen)
	h := make([]byte, n)
	if _, err := f.ReadAt(h, 0); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return 0, fmt.Errorf("read header: %w", err)
	}
	if full := walHeader(); string(h) == string(full[:]) {
		return size, nil
	}
	if size <= walHeaderLen && uninitialisedHeader(h) {
		full := walHeader()
		if err := f.Truncate(0); err != nil {
			return 0, err
		}
		if _, err := f.Write(full[:]); err != nil {
			return 0, err
		}
		if err := f.Sync(); err != nil {
			return 0, err
		}
		return walHeaderLen, nil
	}
	if size < walHeaderLen {
		return 0, errNotWAL(size)
	}
	return size, checkWALHeader(h)
}

// Replay calls fn for every complete, valid record in the log, in order. fn owns each Payload
// and must not call w's methods.
//
// Bytes after the last valid record that do not contain any valid record are a torn tail, the
// trace of an append interrupted by a crash or a failed write: Replay truncates them away
// (durably) and reports their size in ReplayInfo. A damaged record followed by a valid one is
// not a tail: Replay returns an error marked as corruption and changes nothing, after fn has
// seen the records before the damage. (A damaged final record is indistinguishable from a
// torn one, and is dropped like one.) An error from fn stops Replay and is returned wrapped.
//
// Replay may be called again at any time; it always reads from the start.
func (w *WAL) Replay(fn func(r Record) error) (ReplayInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.flushing {
		w.idle.Wait()
	}
	if w.closed {
		return ReplayInfo{}, fmt.Errorf("wal %s: replay: %w", w.name, fs.ErrClosed)
	}
	st, err := w.f.Stat()
	if err != nil {
		return ReplayInfo{}, fmt.Errorf("wal %s: replay: %w", w.name, err)
	}
	rd := &walReader{r: w.f, size: st.Size()}
	info, torn, err := scanRecords(w.name, rd, fn)
	if err != nil {
		return info, err
	}
	if torn {
		cut, err := w.cutTailLocked(info.End, rd.size)
		info.TruncatedBytes = cut
		return info, err
	}
	w.replayed = true
	return info, nil
}

// scanRecords passes the log's valid records, from the header on, to fn. It returns with
// info.End just past the last of them and torn set when bytes follow that hold no valid
// record: the trace of an interrupted append. A damaged record followed by a valid one is
// corruption.
func scanRecords(name string, rd *walReader, fn func(r Record) error) (info ReplayInfo, torn bool, err error) {
	info.End = walHeaderLen
	for off := int64(walHeaderLen); off < rd.size; {
		rec, next, ok, err := rd.recordAt(off)
		if err != nil {
			return info, false, fmt.Errorf("wal %s: replay: %w", name, err)
		}
		if !ok {
			if y, found, err := rd.validRecordAfter(off); err != nil {
				return info, false, fmt.Errorf("wal %s: replay: %w", name, err)
			} else if found {
				return info, false, corruption.Errorf("wal %s: record at offset %d is damaged but a valid record follows at offset %d",
					name, off, y)
			}
			return info, true, nil
		}
		rec.Payload = append([]byte(nil), rec.Payload...)
		if err := fn(rec); err != nil {
			return info, false, fmt.Errorf("wal %s: replay record %d at offset %d: %w", name, info.Records, off, err)
		}
		info.Records++
		info.End = next
		off = next
	}
	return info, false, nil
}

// cutTailLocked truncates the torn tail from off to size away and returns its length.
func (w *WAL) cutTailLocked(off, size int64) (int64, error) {
	if w.err != nil {
		return 0, w.err
	}
	err := w.f.Truncate(off)
	if err == nil {
		err = w.f.Sync()
	}
	if err != nil {
		w.err = fmt.Errorf("wal %s: truncate torn tail: %w: %w", w.name, ErrWALFailed, err)
		return 0, w.err
	}
	w.size, w.tail, w.dirty = off, off, false
	w.replayed = true
	return size - off, nil
}

// Append adds records to the log as one group: they are written with one write and, under
// SyncEveryAppend, made durable with one fsync before Append returns nil. Appends from
// concurrent goroutines are batched into shared writes and fsyncs (group commit); records of
// one call stay contiguous and in order, and calls are ordered as they take the WAL's lock.
//
// On error, the records may or may not be in the log after a restart, but never partly:
// Replay drops an incomplete record. After a failed write or fsync every later call fails
// with an error wrapping ErrWALFailed.
func (w *WAL) Append(recs ...Record) error {
	if len(recs) == 0 {
		return nil
	}
	var small [8]uint32
	sums := small[:0]
	for i, r := range recs {
		if len(r.Payload) > w.opts.MaxRecordSize {
			return fmt.Errorf("wal %s: record %d: %w: %d bytes (limit %d)", w.name, i, ErrRecordTooLarge,
				len(r.Payload), w.opts.MaxRecordSize)
		}
		sums = append(sums, payloadChecksum(r.Payload))
	}

	w.mu.Lock()
	if err := w.appendableLocked(); err != nil {
		w.mu.Unlock()
		return err
	}
	g := w.pending
	if g == nil {
		g = &commitGroup{buf: w.spare[:0], done: make(chan struct{})}
		w.spare = nil
		w.pending = g
	}
	for i, r := range recs {
		g.buf = appendRecord(g.buf, w.tail, r, sums[i])
		w.tail += recHeaderLen + int64(len(r.Payload))
	}
	if w.flushing {
		w.mu.Unlock()
		<-g.done
		return g.err
	}

	// Lead: write groups until no one is waiting.
	w.flushing = true
	for w.pending != nil {
		cur := w.pending
		w.pending = nil
		err := w.err
		if err == nil {
			w.mu.Unlock()
			err = w.writeGroup(cur.buf)
			w.mu.Lock()
			if err != nil {
				w.err = fmt.Errorf("wal %s: append: %w: %w", w.name, ErrWALFailed, err)
				err = w.err
			} else {
				w.size += int64(len(cur.buf))
				w.dirty = w.opts.Sync == SyncNever
			}
		}
		cur.err = err
		close(cur.done)
		if cap(cur.buf) <= 4<<20 {
			w.spare = cur.buf[:0]
		}
	}
	w.flushing = false
	w.idle.Broadcast()
	w.mu.Unlock()
	return g.err
}

func (w *WAL) appendableLocked() error {
	switch {
	case w.closed:
		return fmt.Errorf("wal %s: append: %w", w.name, fs.ErrClosed)
	case w.err != nil:
		return w.err
	case !w.replayed:
		return fmt.Errorf("wal %s: append: %w", w.name, ErrNotReplayed)
	}
	return nil
}

func (w *WAL) writeGroup(buf []byte) error {
	n, err := w.f.Write(buf)
	if err == nil && n != len(buf) {
		err = io.ErrShortWrite
	}
	if err == nil && w.opts.Sync == SyncEveryAppend {
		err = w.f.Sync()
	}
	return err
}

// Sync makes every record appended so far durable. Under SyncEveryAppend that is already
// true and Sync does nothing.
func (w *WAL) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.flushing {
		w.idle.Wait()
	}
	switch {
	case w.closed:
		return fmt.Errorf("wal %s: sync: %w", w.name, fs.ErrClosed)
	case w.err != nil:
		return w.err
	case !w.dirty:
		return nil
	}
	if err := w.f.Sync(); err != nil {
		w.err = fmt.Errorf("wal %s: sync: %w: %w", w.name, ErrWALFailed, err)
		return w.err
	}
	w.dirty = false
	return nil
}

// Size returns the log's size in bytes as of the last successful append: header plus
// records. Callers compare it with a threshold to decide when to snapshot and start a new log.
func (w *WAL) Size() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.size
}

// Close waits for appends in flight, makes the records durable (whatever the policy, unless
// the WAL has failed) and closes the file.
func (w *WAL) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.flushing {
		w.idle.Wait()
	}
	if w.closed {
		return fmt.Errorf("wal %s: close: %w", w.name, fs.ErrClosed)
	}
	w.closed = true
	var err error
	if w.err == nil && w.dirty {
		if err = w.f.Sync(); err != nil {
			err = fmt.Errorf("wal %s: sync on close: %w", w.name, err)
		}
	}
	if cerr := w.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("wal %s: close: %w", w.name, cerr)
	}
	return err
}
