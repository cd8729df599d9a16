package storage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vajrasearch/vajra/internal/corruption"
)

func TestMapFileOS(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	data := bytes.Repeat([]byte("vajra "), 5000)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		change  func(t *testing.T)
		changed bool
	}{
		{"untouched", func(t *testing.T) {}, false},
		{"name removed", func(t *testing.T) { must(t, os.Remove(p)) }, false},
		{"appended", func(t *testing.T) {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			must(t, err)
			_, err = f.Write([]byte("x"))
			must(t, errors.Join(err, f.Close()))
		}, true},
		{"touched", func(t *testing.T) { must(t, os.Chtimes(p, time.Now(), time.Now().Add(time.Hour))) }, true},
		{"replaced", func(t *testing.T) {
			q := filepath.Join(dir, "g")
			must(t, os.WriteFile(q, data, 0o644))
			must(t, os.Rename(q, p))
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			must(t, os.WriteFile(p, data, 0o644))
			m, err := MapFile(OS(), p)
			must(t, err)
			defer m.Close()
			if _, ok := OS().(Mapper); ok != IsMapped(m) {
				t.Fatalf("IsMapped %v, OS maps %v", IsMapped(m), ok)
			}
			if !bytes.Equal(m.Bytes(), data) {
				t.Fatal("mapped bytes differ")
			}
			c.change(t)
			err = m.Changed()
			if !IsMapped(m) {
				if err != nil {
					t.Fatalf("a heap copy changed: %v", err)
				}
				return
			}
			if c.changed != (err != nil) {
				t.Fatalf("Changed() = %v, want changed %v", err, c.changed)
			}
			if err != nil && !errors.Is(err, corruption.Err) {
				t.Fatalf("Changed() = %v, not marked as corruption", err)
			}
			if !bytes.Equal(m.Bytes(), data) && c.name != "appended" {
				t.Fatal("the mapping no longer shows the mapped file")
			}
		})
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := MapFile(OS(), p)
	if err != nil || len(m.Bytes()) != 0 {
		t.Fatalf("empty file: %v", err)
	}
	must(t, m.Close())
	must(t, m.Close())
	if _, err := MapFile(OS(), filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// TestMapFileFallback: an FS without the Mapper capability gets its files read, through its
// own operations (so ErrorFS still injects its faults).
func TestMapFileFallback(t *testing.T) {
	mem := NewMemFS()
	must(t, mem.MkdirAll("d", 0o755))
	f, err := mem.Create("d/f")
	must(t, err)
	_, err = f.Write([]byte("hello"))
	must(t, errors.Join(err, f.Close()))
	for _, fsys := range []FS{mem, NewErrorFS(mem, nil)} {
		if _, ok := fsys.(Mapper); ok {
			t.Fatalf("%T maps", fsys)
		}
		m, err := MapFile(fsys, "d/f")
		must(t, err)
		if IsMapped(m) || string(m.Bytes()) != "hello" || m.Changed() != nil || m.Close() != nil {
			t.Fatalf("%T: %q", fsys, m.Bytes())
		}
	}
	boom := errors.New("boom")
	efs := NewErrorFS(mem, InjectorFunc(func(e Event) Fault {
		if e.Op == OpOpen {
			return Fault{Err: boom}
		}
		return Fault{}
	}))
	if _, err := MapFile(efs, "d/f"); !errors.Is(err, boom) {
		t.Fatalf("injected fault lost: %v", err)
	}
}
