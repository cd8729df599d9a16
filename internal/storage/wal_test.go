package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vajrasearch/vajra/internal/corruption"
)

func rec(typ uint8, payload string) Record { return Record{Type: typ, Payload: []byte(payload)} }

func recordsEqual(a, b []Record) bool {
	return slices.EqualFunc(a, b, func(x, y Record) bool { return x.Type == y.Type && bytes.Equal(x.Payload, y.Payload) })
}

// replayAll opens the log and returns its records and the replay report.
func replayAll(t *testing.T, fsys FS, name string) (*WAL, []Record, ReplayInfo) {
	t.Helper()
	w, err := OpenWAL(fsys, name, WALOptions{})
	must(t, err)
	var got []Record
	info, err := w.Replay(func(r Record) error { got = append(got, r); return nil })
	if err != nil {
		w.Close()
		t.Fatal(err)
	}
	return w, got, info
}

// writeLog creates a log holding recs and returns its bytes and the offset of each record.
func writeLog(t testing.TB, recs []Record) ([]byte, []int64) {
	t.Helper()
	m := NewMemFS()
	w, err := OpenWAL(m, "log", WALOptions{})
	must(t, err)
	var offs []int64
	for _, r := range recs {
		offs = append(offs, w.Size())
		must(t, w.Append(r))
	}
	must(t, w.Close())
	data, err := ReadFile(m, "log")
	must(t, err)
	return data, offs
}

func putFile(t testing.TB, fsys FS, name string, data []byte) {
	t.Helper()
	must(t, WriteFileAtomic(fsys, name, func(w io.Writer) error { _, err := w.Write(data); return err }))
}

func TestWALRoundTrip(t *testing.T) {
	m := NewMemFS()
	w, err := OpenWAL(m, "log", WALOptions{})
	must(t, err)
	want := []Record{rec(1, "one"), rec(0, ""), rec(255, string(bytes.Repeat([]byte{0xab}, 100000)))}
	must(t, w.Append(want[0]))
	must(t, w.Append(want[1:]...))
	must(t, w.Append())
	size := w.Size()
	if wantSize := int64(walHeaderLen + 3*recHeaderLen + 3 + 100000); size != wantSize {
		t.Fatalf("Size = %d, want %d", size, wantSize)
	}
	must(t, w.Close())
	m.Crash() // SyncEveryAppend: everything acknowledged is durable

	w, got, info := replayAll(t, m, "log")
	if !recordsEqual(got, want) {
		t.Fatalf("replayed %d records, want %d", len(got), len(want))
	}
	if info != (ReplayInfo{Records: 3, End: size}) {
		t.Fatalf("info %+v", info)
	}
	must(t, w.Append(rec(7, "four")))
	want = append(want, rec(7, "four"))
	// A second Replay on the same handle sees the new record too.
	var again []Record
	_, err = w.Replay(func(r Record) error { again = append(again, r); return nil })
	must(t, err)
	if !recordsEqual(again, want) {
		t.Fatalf("second replay: %d records", len(again))
	}
	must(t, w.Close())
	w, got, _ = replayAll(t, m, "log")
	must(t, w.Close())
	if !recordsEqual(got, want) {
		t.Fatalf("after reopen: %d records", len(got))
	}
}

func TestWALAppendNeedsReplay(t *testing.T) {
	data, _ := writeLog(t, []Record{rec(1, "a")})
	m := NewMemFS()
	putFile(t, m, "log", data)
	w, err := OpenWAL(m, "log", WALOptions{})
	must(t, err)
	defer w.Close()
	if err := w.Append(rec(1, "b")); !errors.Is(err, ErrNotReplayed) {
		t.Fatalf("Append before Replay: %v", err)
	}
	boom := errors.New("boom")
	if _, err := w.Replay(func(Record) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("callback error: %v", err)
	}
	if err := w.Append(rec(1, "b")); !errors.Is(err, ErrNotReplayed) {
		t.Fatalf("Append after failed Replay: %v", err)
	}
	_, err = w.Replay(func(Record) error { return nil })
	must(t, err)
	must(t, w.Append(rec(1, "b")))
}

// tornTailCases cuts a three-record log at every byte of its last record and checks that
// Replay returns the first two records, truncates the rest and accepts new appends.
func tornTailCases(t *testing.T, fsys FS, dir string) {
	recs := []Record{rec(1, "first"), rec(2, "second record"), rec(3, "the last record, to be torn")}
	data, offs := writeLog(t, recs)
	last := offs[2]
	for cut := last; cut < int64(len(data)); cut++ {
		name := fsys.PathJoin(dir, fmt.Sprintf("torn-%d", cut))
		putFile(t, fsys, name, data[:cut])
		w, got, info := replayAll(t, fsys, name)
		if !recordsEqual(got, recs[:2]) {
			t.Fatalf("cut %d: replayed %d records", cut, len(got))
		}
		if info.End != last || info.TruncatedBytes != cut-last || info.Records != 2 {
			t.Fatalf("cut %d: info %+v", cut, info)
		}
		must(t, w.Append(rec(4, "after")))
		must(t, w.Close())
		st, err := fsys.Stat(name)
		must(t, err)
		if want := last + recHeaderLen + 5; st.Size() != want {
			t.Fatalf("cut %d: size %d after append, want %d", cut, st.Size(), want)
		}
		w, got, info = replayAll(t, fsys, name)
		must(t, w.Close())
		if !recordsEqual(got, append(slices.Clone(recs[:2]), rec(4, "after"))) || info.TruncatedBytes != 0 {
			t.Fatalf("cut %d: after append replayed %d records, info %+v", cut, len(got), info)
		}
	}
}

func TestWALTornTailMem(t *testing.T) { tornTailCases(t, NewMemFS(), "/") }

func TestWALTornTailOS(t *testing.T) { tornTailCases(t, OS(), t.TempDir()) }

func TestWALGarbageTail(t *testing.T) {
	recs := []Record{rec(1, "a"), rec(2, "b")}
	data, _ := writeLog(t, recs)
	cases := []struct {
		name string
		tail []byte
	}{
		{"zeros", make([]byte, 4096)},
		{"one zero", []byte{0}},
		{"ones", bytes.Repeat([]byte{0xff}, 100)},
		{"record header claiming too much", binary.LittleEndian.AppendUint32(make([]byte, 4), 1<<20)},
		{"copy of a valid record at the wrong offset", data[walHeaderLen : walHeaderLen+recHeaderLen+1]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewMemFS()
			putFile(t, m, "log", append(slices.Clone(data), c.tail...))
			w, got, info := replayAll(t, m, "log")
			defer w.Close()
			if !recordsEqual(got, recs) || info.TruncatedBytes != int64(len(c.tail)) {
				t.Fatalf("replayed %d records, info %+v", len(got), info)
			}
		})
	}
}

func TestWALMiddleCorruption(t *testing.T) {
	recs := []Record{rec(1, "first"), rec(2, "second"), rec(3, "third")}
	data, offs := writeLog(t, recs)
	for pos := offs[0]; pos < int64(len(data)); pos++ {
		bad := slices.Clone(data)
		bad[pos] ^= 0x10
		m := NewMemFS()
		putFile(t, m, "log", bad)
		w, err := OpenWAL(m, "log", WALOptions{})
		must(t, err)
		var got []Record
		info, err := w.Replay(func(r Record) error { got = append(got, r); return nil })
		w.Close()
		if pos >= offs[2] {
			// Damage to the final record looks exactly like a torn write.
			if err != nil || !recordsEqual(got, recs[:2]) || info.TruncatedBytes == 0 {
				t.Fatalf("byte %d (last record): %v, %d records, %+v", pos, err, len(got), info)
			}
			continue
		}
		if !errors.Is(err, corruption.Err) {
			t.Fatalf("byte %d: err = %v, want corruption.Err", pos, err)
		}
		if after := content(t, m, "log"); after != string(bad) {
			t.Fatalf("byte %d: corrupt log was modified", pos)
		}
		// Records before the damage were seen, nothing from or after it.
		if len(got) > 1 || (pos >= offs[1] && len(got) != 1) {
			t.Fatalf("byte %d: %d records before the error", pos, len(got))
		}
	}
}

func TestWALHeader(t *testing.T) {
	valid := walHeader()
	newer := valid
	binary.LittleEndian.PutUint32(newer[8:12], walVersion+1)
	binary.LittleEndian.PutUint32(newer[12:16], payloadChecksum(newer[:12]))
	badSum := valid
	badSum[13] ^= 1
	data, _ := writeLog(t, []Record{rec(1, "x")})
	cases := []struct {
		name string
		data []byte
		want error // nil: opens as an empty log
	}{
		{"empty", nil, nil},
		{"header prefix", valid[:7], nil},
		{"zeros", make([]byte, walHeaderLen), nil},
		{"short junk", []byte("junk"), corruption.Err},
		{"wrong magic", append([]byte("NOT-WAL!"), valid[8:]...), corruption.Err},
		{"bad header checksum", badSum[:], corruption.Err},
		{"newer version", newer[:], ErrVersion},
		{"zeroed header before records", append(make([]byte, walHeaderLen), data[walHeaderLen:]...), corruption.Err},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewMemFS()
			putFile(t, m, "log", c.data)
			w, err := OpenWAL(m, "log", WALOptions{})
			if c.want != nil {
				if !errors.Is(err, c.want) {
					t.Fatalf("err = %v, want %v", err, c.want)
				}
				if got := content(t, m, "log"); got != string(c.data) {
					t.Fatal("rejected file was modified")
				}
				return
			}
			must(t, err)
			must(t, w.Append(rec(1, "x")))
			must(t, w.Close())
			m.Crash()
			w, got, _ := replayAll(t, m, "log")
			w.Close()
			if !recordsEqual(got, []Record{rec(1, "x")}) {
				t.Fatalf("replayed %v", got)
			}
		})
	}
}

func TestWALConcurrentAppend(t *testing.T) {
	const writers, appends = 8, 150
	m := NewMemFS()
	w, err := OpenWAL(m, "log", WALOptions{})
	must(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for g := range writers {
		wg.Go(func() {
			for i := range appends {
				// Every other call appends a pair, which must stay contiguous.
				recs := []Record{rec(uint8(g), fmt.Sprintf("%d/%d", g, i))}
				if i%2 == 1 {
					recs = append(recs, rec(uint8(g), fmt.Sprintf("%d/%d+", g, i)))
				}
				if err := w.Append(recs...); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	must(t, w.Close())
	m.Crash()
	w, got, _ := replayAll(t, m, "log")
	w.Close()
	next := make([]int, writers)
	for i := 0; i < len(got); i++ {
		g := int(got[i].Type)
		if want := fmt.Sprintf("%d/%d", g, next[g]); string(got[i].Payload) != want {
			t.Fatalf("record %d = %q, want %q", i, got[i].Payload, want)
		}
		if next[g]%2 == 1 {
			i++
			if want := fmt.Sprintf("%d/%d+", g, next[g]); i >= len(got) || string(got[i].Payload) != want {
				t.Fatalf("pair of %d/%d split", g, next[g])
			}
		}
		next[g]++
	}
	for g, n := range next {
		if n != appends {
			t.Fatalf("writer %d: %d appends replayed, want %d", g, n, appends)
		}
	}
}

func TestWALFailureIsSticky(t *testing.T) {
	m := NewMemFS()
	var armed atomic.Bool // fail the next write, letting half of it through
	inj := InjectorFunc(func(e Event) Fault {
		if e.Op == OpWrite && armed.CompareAndSwap(true, false) {
			return Fault{Err: ErrInjected, Written: e.Len / 2}
		}
		return Fault{}
	})
	w, err := OpenWAL(NewErrorFS(m, inj), "log", WALOptions{})
	must(t, err)
	must(t, w.Append(rec(1, "kept")))
	armed.Store(true)
	err = w.Append(rec(2, "torn by a short write"))
	if !errors.Is(err, ErrInjected) || !errors.Is(err, ErrWALFailed) {
		t.Fatalf("failing append: %v", err)
	}
	if err := w.Append(rec(3, "refused")); !errors.Is(err, ErrWALFailed) {
		t.Fatalf("append after failure: %v", err)
	}
	if err := w.Sync(); !errors.Is(err, ErrWALFailed) {
		t.Fatalf("sync after failure: %v", err)
	}
	must(t, w.Close())
	w, got, info := replayAll(t, m, "log")
	defer w.Close()
	if !recordsEqual(got, []Record{rec(1, "kept")}) || info.TruncatedBytes == 0 {
		t.Fatalf("replayed %d records, info %+v", len(got), info)
	}
}

func TestWALSyncNever(t *testing.T) {
	m := NewMemFS()
	w, err := OpenWAL(m, "log", WALOptions{Sync: SyncNever})
	must(t, err)
	must(t, w.Append(rec(1, "a")))
	_, got, _ := replayAll(t, m.CrashClone(), "log")
	if len(got) != 0 {
		t.Fatalf("unsynced records survived a strict crash: %d", len(got))
	}
	must(t, w.Sync())
	must(t, w.Append(rec(1, "b")))
	_, got, _ = replayAll(t, m.CrashClone(), "log")
	if !recordsEqual(got, []Record{rec(1, "a")}) {
		t.Fatalf("after Sync: %d records", len(got))
	}
	must(t, w.Close())
	m.Crash()
	_, got, _ = replayAll(t, m, "log")
	if !recordsEqual(got, []Record{rec(1, "a"), rec(1, "b")}) {
		t.Fatalf("after Close: %d records", len(got))
	}
}

func TestWALClosedAndLimits(t *testing.T) {
	m := NewMemFS()
	w, err := OpenWAL(m, "log", WALOptions{MaxRecordSize: 10})
	must(t, err)
	if err := w.Append(rec(1, "0123456789"), rec(1, "0123456789x")); !errors.Is(err, ErrRecordTooLarge) {
		t.Fatalf("oversized record: %v", err)
	}
	if w.Size() != walHeaderLen {
		t.Fatal("a rejected group was partly written")
	}
	must(t, w.Close())
	checks := map[string]error{
		"append": w.Append(rec(1, "x")),
		"sync":   w.Sync(),
		"close":  w.Close(),
		"replay": func() error { _, err := w.Replay(func(Record) error { return nil }); return err }(),
	}
	for what, err := range checks {
		if !errors.Is(err, fs.ErrClosed) {
			t.Errorf("%s after close: %v", what, err)
		}
	}
}

func TestWALOptions(t *testing.T) {
	cases := []struct {
		o  WALOptions
		ok bool
	}{
		{WALOptions{}, true},
		{WALOptions{Sync: SyncNever, MaxRecordSize: maxRecordLen}, true},
		{WALOptions{Sync: 7}, false},
		{WALOptions{MaxRecordSize: -1}, false},
		{WALOptions{MaxRecordSize: maxRecordLen + 1}, false},
	}
	for i, c := range cases {
		c.o.EnsureDefaults()
		if err := c.o.Validate(); (err == nil) != c.ok {
			t.Errorf("case %d %+v: %v", i, c.o, err)
		}
		if _, err := OpenWAL(NewMemFS(), "log", c.o); (err == nil) != c.ok {
			t.Errorf("case %d: OpenWAL %v", i, err)
		}
	}
}

func TestWALCreatesDurably(t *testing.T) {
	m := NewMemFS()
	must(t, SyncMkdirAll(m, "col", 0o755))
	w, err := OpenWAL(m, "col/log", WALOptions{})
	must(t, err)
	must(t, w.Append(rec(1, "a")))
	m.Crash()
	w, got, _ := replayAll(t, m, "col/log")
	w.Close()
	if len(got) != 1 {
		t.Fatalf("got %d records", len(got))
	}
	// The log lives on the OS file system just the same.
	dir := t.TempDir()
	w, err = OpenWAL(OS(), filepath.Join(dir, "log"), WALOptions{})
	must(t, err)
	must(t, w.Append(rec(1, "a")))
	must(t, w.Close())
	w, got, _ = replayAll(t, OS(), filepath.Join(dir, "log"))
	w.Close()
	if len(got) != 1 {
		t.Fatalf("OS: got %d records", len(got))
	}
}

func FuzzWALReplay(f *testing.F) {
	valid, offs := writeLog(f, []Record{rec(1, "alpha"), rec(2, ""), rec(3, "gamma gamma")})
	f.Add(valid)
	f.Add(valid[:len(valid)-3])
	mid := slices.Clone(valid)
	mid[offs[1]+2] ^= 1
	f.Add(mid)
	f.Add(valid[:walHeaderLen])
	f.Add([]byte{})
	f.Add(append(slices.Clone(valid), make([]byte, 40)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := NewMemFS()
		putFile(t, m, "log", data)
		// The read-only reader sees what Replay sees, and errs where OpenWAL or Replay err.
		read, readInfo, readErr := readAll(m, "log")
		if readErr != nil && !errors.Is(readErr, corruption.Err) && !errors.Is(readErr, ErrVersion) {
			t.Fatalf("untyped ReadWAL error %v", readErr)
		}
		w, err := OpenWAL(m, "log", WALOptions{})
		if err != nil {
			if !errors.Is(err, corruption.Err) && !errors.Is(err, ErrVersion) {
				t.Fatalf("untyped open error %v", err)
			}
			if readErr == nil {
				t.Fatalf("OpenWAL failed (%v) where ReadWAL read %d records", err, len(read))
			}
			return
		}
		defer w.Close()
		var got []Record
		info, err := w.Replay(func(r Record) error { got = append(got, r); return nil })
		if (err == nil) != (readErr == nil) || !recordsEqual(got, read) {
			t.Fatalf("Replay (%v, %d records) and ReadWAL (%v, %d records) disagree", err, len(got), readErr, len(read))
		}
		if err != nil {
			if !errors.Is(err, corruption.Err) {
				t.Fatalf("untyped replay error %v", err)
			}
			return
		}
		if readInfo.Records != info.Records || (info.End > walHeaderLen && readInfo.TruncatedBytes != info.TruncatedBytes) {
			t.Fatalf("ReadWAL info %+v, Replay info %+v", readInfo, info)
		}
		if info.Records != len(got) || info.End != w.Size() {
			t.Fatalf("info %+v with %d records, size %d", info, len(got), w.Size())
		}
		// The log is now clean: it replays identically and takes appends.
		must(t, w.Append(rec(9, "new")))
		var again []Record
		info2, err := w.Replay(func(r Record) error { again = append(again, r); return nil })
		if err != nil || info2.TruncatedBytes != 0 || !recordsEqual(again, append(got, rec(9, "new"))) {
			t.Fatalf("second replay: %v, %+v, %d records", err, info2, len(again))
		}
	})
}

func TestHeaderChecksumIsCRC32C(t *testing.T) {
	for _, off := range []int64{0, 16, 1<<40 + 12345, -1} {
		h := []byte{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		want := binary.LittleEndian.AppendUint64(slices.Clone(h[4:]), uint64(off))
		if got := headerChecksum(h, off); got != payloadChecksum(want) {
			t.Fatalf("offset %d: %08x, want %08x", off, got, payloadChecksum(want))
		}
	}
}
