package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/vajrasearch/vajra/internal/corruption"
)

func readAll(fsys FS, name string) ([]Record, ReplayInfo, error) {
	var got []Record
	info, err := ReadWAL(fsys, name, func(r Record) error { got = append(got, r); return nil })
	return got, info, err
}

// TestReadWALLeavesFileAlone reads torn, damaged and uninitialised logs: ReadWAL reports what
// Replay would, and the bytes on disk never change.
func TestReadWALLeavesFileAlone(t *testing.T) {
	recs := []Record{rec(1, "first"), rec(2, "second record"), rec(3, "the last record")}
	data, offs := writeLog(t, recs)
	header := walHeader()
	newer := header
	binary.LittleEndian.PutUint32(newer[8:12], walVersion+1)
	binary.LittleEndian.PutUint32(newer[12:16], payloadChecksum(newer[:12]))
	middle := slices.Clone(data)
	middle[offs[1]+recHeaderLen] ^= 1
	type tc struct {
		name    string
		data    []byte
		records int
		torn    int64
		want    error
	}
	cases := []tc{
		{"whole", data, 3, 0, nil},
		{"empty file", nil, 0, 0, nil},
		{"header prefix", header[:5], 0, 0, nil},
		{"zeroed header", make([]byte, walHeaderLen), 0, 0, nil},
		{"header only", header[:], 0, 0, nil},
		{"junk", []byte("junk"), 0, 0, corruption.Err},
		{"newer version", newer[:], 0, 0, ErrVersion},
		{"damage before a valid record", middle, 1, 0, corruption.Err},
	}
	for cut := offs[2]; cut < int64(len(data)); cut += 3 {
		cases = append(cases, tc{fmt.Sprintf("torn at %d", cut), data[:cut], 2, cut - offs[2], nil})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewMemFS()
			putFile(t, m, "log", c.data)
			got, info, err := readAll(m, "log")
			if c.want != nil {
				if !errors.Is(err, c.want) {
					t.Fatalf("err = %v, want %v", err, c.want)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(got) != c.records || !recordsEqual(got, recs[:c.records]) {
				t.Fatalf("read %d records, want %d", len(got), c.records)
			}
			if c.want == nil && (info.Records != c.records || info.TruncatedBytes != c.torn) {
				t.Fatalf("info %+v, want %d records and a %d-byte tail", info, c.records, c.torn)
			}
			if after := content(t, m, "log"); after != string(c.data) {
				t.Fatal("ReadWAL modified the file")
			}
		})
	}
	if _, _, err := readAll(NewMemFS(), "missing"); err == nil {
		t.Fatal("missing log read without error")
	}
}

// TestReadWALWhileAppending reads a log on the OS file system while another handle appends
// to it: every read sees a prefix of the appended records, complete, and never an error.
func TestReadWALWhileAppending(t *testing.T) {
	fsys := OS()
	name := fsys.PathJoin(t.TempDir(), "log")
	w, err := OpenWAL(fsys, name, WALOptions{Sync: SyncNever})
	must(t, err)
	const n = 300
	var want []Record
	for i := range n {
		want = append(want, rec(uint8(1+i%3), fmt.Sprintf("record %d %s", i, make([]byte, i%50))))
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, r := range want {
			if err := w.Append(r); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	reads, partial := 0, 0
	for done := false; !done; {
		got, _, err := readAll(fsys, name)
		if err != nil {
			t.Fatalf("read %d: %v", reads, err)
		}
		if !recordsEqual(got, want[:len(got)]) {
			t.Fatalf("read %d: %d records that are not a prefix of the appended ones", reads, len(got))
		}
		reads++
		if len(got) < n {
			partial++
		}
		done = len(got) == n
	}
	wg.Wait()
	must(t, w.Close())
	t.Logf("%d reads, %d of them while appends were going on", reads, partial)
}
