package storage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// atomicCase is one WriteFileAtomic scenario: whether an old file exists, and the new content.
type atomicCase struct {
	existed bool
	newData string
}

const atomicOld = "old content, complete"

func atomicCases() []atomicCase {
	big := strings.Repeat("0123456789abcdef", 10000) // several buffered writes
	return []atomicCase{{true, "new"}, {false, "new"}, {true, big}, {false, big}, {true, ""}}
}

// prepare returns a MemFS whose durable state holds dir "c" and, if existed, the old file.
func (c atomicCase) prepare(t *testing.T) *MemFS {
	m := NewMemFS()
	must(t, SyncMkdirAll(m, "c", 0o755))
	if c.existed {
		must(t, WriteFileAtomic(m, "c/data", func(w io.Writer) error {
			_, err := io.WriteString(w, atomicOld)
			return err
		}))
	}
	return m
}

func (c atomicCase) write(fsys FS) error {
	return WriteFileAtomic(fsys, "c/data", func(w io.Writer) error {
		_, err := io.WriteString(w, c.newData)
		return err
	})
}

// check fails unless c/data holds the old content (or is missing, if there was none) or the
// new content; requireNew demands the new one.
func (c atomicCase) check(t *testing.T, fsys FS, what string, requireNew bool) {
	t.Helper()
	got := content(t, fsys, "c/data")
	old := "<missing>"
	if c.existed {
		old = atomicOld
	}
	switch {
	case got == c.newData:
	case requireNew:
		t.Fatalf("%s: want the new content, got %d bytes %.30q", what, len(got), got)
	case got != old:
		t.Fatalf("%s: got %d bytes %.30q, neither old nor new", what, len(got), got)
	}
}

// countOps runs the scenario without faults and returns how many operations it performs.
func (c atomicCase) countOps(t *testing.T) int {
	counter := &FailNth{Ops: OpAll}
	must(t, c.write(NewErrorFS(c.prepare(t), counter)))
	return counter.Seen()
}

func TestWriteFileAtomicFaults(t *testing.T) {
	points := 0
	for ci, c := range atomicCases() {
		total := c.countOps(t)
		for n := 1; n <= total; n++ {
			for _, short := range []bool{false, true} {
				what := fmt.Sprintf("case %d fault at op %d/%d short=%v", ci, n, total, short)
				m := c.prepare(t)
				err := c.write(NewErrorFS(m, &FailNth{Ops: OpAll, N: n, ShortWrite: short}))
				if err == nil {
					t.Fatalf("%s: no error", what)
				}
				if !errors.Is(err, ErrInjected) {
					t.Fatalf("%s: error %v does not wrap ErrInjected", what, err)
				}
				c.check(t, m, what+" (live)", false)
				names, lerr := m.List("c")
				must(t, lerr)
				for _, name := range names {
					if strings.HasSuffix(name, TempSuffix) {
						t.Fatalf("%s: temporary file left: %v", what, names)
					}
				}
				m.Crash()
				c.check(t, m, what+" (after crash)", false)
				points++
			}
		}
	}
	t.Logf("%d fault points tried", points)
}

func TestWriteFileAtomicCrashPoints(t *testing.T) {
	points := 0
	for ci, c := range atomicCases() {
		total := c.countOps(t)
		for n := 0; n <= total; n++ {
			m := c.prepare(t)
			var crashed []*MemFS
			seen := 0
			snap := func() {
				crashed = append(crashed, m.CrashClone(), m.CrashCloneTorn(uint64(n)))
			}
			inj := InjectorFunc(func(e Event) Fault {
				if seen == n {
					snap() // the state right after operation n
				}
				seen++
				return Fault{}
			})
			must(t, c.write(NewErrorFS(m, inj)))
			done := n == total
			if done {
				snap()
			}
			for i, after := range crashed {
				c.check(t, after, fmt.Sprintf("case %d crash after op %d/%d (clone %d)", ci, n, total, i), done)
			}
			points++
		}
	}
	t.Logf("%d crash points tried", points)
}

func TestWriteFileAtomicCallbackError(t *testing.T) {
	c := atomicCase{existed: true}
	m := c.prepare(t)
	boom := errors.New("boom")
	err := WriteFileAtomic(m, "c/data", func(w io.Writer) error {
		w.Write(bytes.Repeat([]byte("x"), 100<<10))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	c.newData = "\x00impossible"
	c.check(t, m, "after callback error", false)
	if names, _ := m.List("c"); len(names) != 1 {
		t.Fatalf("entries %v", names)
	}
}
