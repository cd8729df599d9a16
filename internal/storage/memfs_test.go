package storage

import (
	"errors"
	"io"
	"io/fs"
	"slices"
	"testing"
)

// writeFile creates name with content, optionally syncing the file.
func writeFile(t *testing.T, fsys FS, name, content string, sync bool) {
	t.Helper()
	f, err := fsys.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(f, content); err != nil {
		t.Fatal(err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// content returns name's bytes, or "<missing>" when it does not exist.
func content(t *testing.T, fsys FS, name string) string {
	t.Helper()
	b, err := ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return "<missing>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMemFSCrash(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, m *MemFS) // runs before a durable baseline is taken
		act   func(t *testing.T, m *MemFS)
		want  map[string]string // path -> content after the crash
	}{
		{
			name: "unsynced data is lost, name kept",
			act: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "a", "hello", false)
				must(t, m.SyncDir("/"))
			},
			want: map[string]string{"a": ""},
		},
		{
			name: "synced file without SyncDir vanishes",
			act: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "a", "hello", true)
			},
			want: map[string]string{"a": "<missing>"},
		},
		{
			name: "synced file and directory survive",
			act: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "a", "hello", true)
				must(t, m.SyncDir("/"))
			},
			want: map[string]string{"a": "hello"},
		},
		{
			name: "writes after the last sync are lost",
			act: func(t *testing.T, m *MemFS) {
				must(t, m.SyncDir("/"))
				f, err := m.OpenReadWrite("base")
				must(t, err)
				_, err = f.Write([]byte(" more"))
				must(t, err)
				must(t, f.Sync())
				_, err = f.Write([]byte(" lost"))
				must(t, err)
			},
			want: map[string]string{"base": "base more"},
		},
		{
			name: "rename is not durable until SyncDir",
			act: func(t *testing.T, m *MemFS) {
				must(t, m.Rename("base", "moved"))
			},
			want: map[string]string{"base": "base", "moved": "<missing>"},
		},
		{
			name: "rename durable after SyncDir",
			act: func(t *testing.T, m *MemFS) {
				must(t, m.Rename("base", "moved"))
				must(t, m.SyncDir("."))
			},
			want: map[string]string{"base": "<missing>", "moved": "base"},
		},
		{
			name: "rename over a file without SyncDir keeps the old target",
			act: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "new", "new", true)
				must(t, m.Rename("new", "base"))
			},
			want: map[string]string{"base": "base", "new": "<missing>"},
		},
		{
			name: "remove is not durable until SyncDir",
			act: func(t *testing.T, m *MemFS) {
				must(t, m.Remove("base"))
			},
			want: map[string]string{"base": "base"},
		},
		{
			name: "remove durable after SyncDir",
			act: func(t *testing.T, m *MemFS) {
				must(t, m.Remove("base"))
				must(t, m.SyncDir("/"))
			},
			want: map[string]string{"base": "<missing>"},
		},
		{
			name: "unsynced truncate reverts",
			act: func(t *testing.T, m *MemFS) {
				f, err := m.OpenReadWrite("base")
				must(t, err)
				must(t, f.Truncate(1))
			},
			want: map[string]string{"base": "base"},
		},
		{
			name: "synced truncate and rewrite",
			act: func(t *testing.T, m *MemFS) {
				f, err := m.OpenReadWrite("base")
				must(t, err)
				must(t, f.Truncate(2))
				_, err = f.Write([]byte("nd"))
				must(t, err)
				must(t, f.Sync())
			},
			want: map[string]string{"base": "band"},
		},
		{
			name: "Create truncating an existing file without sync reverts",
			act: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "base", "x", false)
			},
			want: map[string]string{"base": "base"},
		},
		{
			name: "MkdirAll without parent sync vanishes",
			act: func(t *testing.T, m *MemFS) {
				must(t, m.MkdirAll("d/e", 0o755))
				writeFile(t, m, "d/e/f", "x", true)
				must(t, m.SyncDir("d/e"))
				must(t, m.SyncDir("d"))
			},
			want: map[string]string{"d/e/f": "<missing>"},
		},
		{
			name: "SyncMkdirAll makes the directory durable",
			act: func(t *testing.T, m *MemFS) {
				must(t, SyncMkdirAll(m, "d/e", 0o755))
				writeFile(t, m, "d/e/f", "x", true)
				must(t, m.SyncDir("d/e"))
			},
			want: map[string]string{"d/e/f": "x"},
		},
		{
			name: "file in a synced subdirectory survives the parent's later changes",
			setup: func(t *testing.T, m *MemFS) {
				must(t, SyncMkdirAll(m, "sub", 0o755))
			},
			act: func(t *testing.T, m *MemFS) {
				writeFile(t, m, "sub/f", "x", true)
				must(t, m.SyncDir("sub"))
				must(t, m.Remove("base"))
			},
			want: map[string]string{"sub/f": "x", "base": "base"},
		},
	}
	for _, c := range cases {
		for _, mode := range []string{"Crash", "CrashClone"} {
			t.Run(c.name+"/"+mode, func(t *testing.T) {
				m := NewMemFS()
				writeFile(t, m, "base", "base", true)
				must(t, m.SyncDir("/"))
				if c.setup != nil {
					c.setup(t, m)
				}
				c.act(t, m)
				after := m
				if mode == "Crash" {
					m.Crash()
				} else {
					live := map[string]string{}
					for p := range c.want {
						live[p] = content(t, m, p)
					}
					after = m.CrashClone()
					for p, v := range live {
						if got := content(t, m, p); got != v {
							t.Fatalf("CrashClone changed the original: %s = %q, was %q", p, got, v)
						}
					}
				}
				for p, want := range c.want {
					if got := content(t, after, p); got != want {
						t.Errorf("%s = %q, want %q", p, got, want)
					}
				}
			})
		}
	}
}

func TestMemFSCrashKillsHandlesAndLocks(t *testing.T) {
	m := NewMemFS()
	f, err := m.Create("a")
	must(t, err)
	l, err := m.Lock("LOCK")
	must(t, err)
	m.Crash()
	if _, err := f.Write([]byte("x")); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("write after crash: %v", err)
	}
	if err := f.Sync(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("sync after crash: %v", err)
	}
	l2, err := m.Lock("LOCK")
	if err != nil {
		t.Fatalf("lock after crash: %v", err)
	}
	must(t, l.Close()) // the dead holder's close must not release the new lock
	if _, err := m.Lock("LOCK"); !errors.Is(err, ErrLocked) {
		t.Fatalf("lock while held: %v", err)
	}
	must(t, l2.Close())
}

func TestMemFSCrashCloneTorn(t *testing.T) {
	m := NewMemFS()
	f, err := m.Create("log")
	must(t, err)
	_, err = f.Write([]byte("synced:"))
	must(t, err)
	must(t, f.Sync())
	must(t, m.SyncDir("/"))
	unsynced := "0123456789abcdefghij"
	_, err = f.Write([]byte(unsynced))
	must(t, err)
	lengths := map[int]bool{}
	zeroed := false
	for seed := range uint64(200) {
		got := content(t, m.CrashCloneTorn(seed), "log")
		if got != content(t, m.CrashCloneTorn(seed), "log") {
			t.Fatal("same seed, different result")
		}
		if len(got) < 7 || got[:7] != "synced:" || len(got) > 7+len(unsynced) {
			t.Fatalf("seed %d: %q", seed, got)
		}
		tail := got[7:]
		for i := range tail {
			if tail[i] != unsynced[i] {
				if tail[i] != 0 {
					t.Fatalf("seed %d: byte %d is %q, neither written nor zero", seed, i, tail[i])
				}
				zeroed = true
			}
		}
		lengths[len(tail)] = true
	}
	if len(lengths) < 5 || !zeroed {
		t.Fatalf("torn crashes not varied: lengths %v, zeroed %v", lengths, zeroed)
	}
	// An overwritten file reverts to its synced bytes.
	must(t, f.Truncate(3))
	for seed := range uint64(20) {
		if got := content(t, m.CrashCloneTorn(seed), "log"); got != "synced:" {
			t.Fatalf("seed %d: %q", seed, got)
		}
	}
}

// fsConformance checks the behaviour both OS and MemFS must share, under root.
func fsConformance(t *testing.T, fsys FS, root string) {
	p := func(elem ...string) string { return fsys.PathJoin(append([]string{root}, elem...)...) }
	cases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"open missing", func(t *testing.T) {
			if _, err := fsys.Open(p("missing")); !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			if _, err := fsys.OpenReadWrite(p("missing")); !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			if _, err := fsys.Stat(p("missing")); !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
		}},
		{"create truncates and reads back", func(t *testing.T) {
			writeFile(t, fsys, p("c"), "long content", true)
			writeFile(t, fsys, p("c"), "short", true)
			if got := content(t, fsys, p("c")); got != "short" {
				t.Fatalf("got %q", got)
			}
			st, err := fsys.Stat(p("c"))
			must(t, err)
			if st.Size() != 5 || st.IsDir() || st.Name() != "c" {
				t.Fatalf("stat %v %v %v", st.Size(), st.IsDir(), st.Name())
			}
		}},
		{"read-write appends and reads at offsets", func(t *testing.T) {
			writeFile(t, fsys, p("rw"), "abc", true)
			f, err := fsys.OpenReadWrite(p("rw"))
			must(t, err)
			defer f.Close()
			_, err = f.Write([]byte("def"))
			must(t, err)
			must(t, f.Truncate(5))
			_, err = f.Write([]byte("XY"))
			must(t, err)
			buf := make([]byte, 4)
			n, err := f.ReadAt(buf, 3)
			if n != 4 || err != nil || string(buf) != "deXY" {
				t.Fatalf("ReadAt = %d %q, %v", n, buf, err)
			}
			n, err = f.ReadAt(buf, 5)
			if n != 2 || err != io.EOF {
				t.Fatalf("ReadAt past end = %d, %v", n, err)
			}
			if got := content(t, fsys, p("rw")); got != "abcdeXY" {
				t.Fatalf("got %q", got)
			}
		}},
		{"read-only file rejects writes", func(t *testing.T) {
			writeFile(t, fsys, p("ro"), "x", true)
			f, err := fsys.Open(p("ro"))
			must(t, err)
			defer f.Close()
			if _, err := f.Write([]byte("y")); err == nil {
				t.Fatal("write to read-only file succeeded")
			}
		}},
		{"list is sorted and names only", func(t *testing.T) {
			must(t, fsys.MkdirAll(p("l", "sub"), 0o755))
			for _, n := range []string{"b", "a", "c"} {
				writeFile(t, fsys, p("l", n), n, false)
			}
			got, err := fsys.List(p("l"))
			must(t, err)
			if want := []string{"a", "b", "c", "sub"}; !slices.Equal(got, want) {
				t.Fatalf("List = %v, want %v", got, want)
			}
			if _, err := fsys.List(p("nope")); !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
		}},
		{"rename replaces and remove", func(t *testing.T) {
			writeFile(t, fsys, p("r1"), "one", true)
			writeFile(t, fsys, p("r2"), "two", true)
			must(t, fsys.Rename(p("r1"), p("r2")))
			if got := content(t, fsys, p("r2")); got != "one" {
				t.Fatalf("got %q", got)
			}
			if got := content(t, fsys, p("r1")); got != "<missing>" {
				t.Fatalf("old name still there: %q", got)
			}
			if err := fsys.Rename(p("r1"), p("r3")); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("rename missing: %v", err)
			}
			must(t, fsys.Remove(p("r2")))
			if err := fsys.Remove(p("r2")); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("remove missing: %v", err)
			}
		}},
		{"remove refuses a non-empty directory; RemoveAll does not", func(t *testing.T) {
			must(t, fsys.MkdirAll(p("d", "e"), 0o755))
			writeFile(t, fsys, p("d", "e", "f"), "x", false)
			if err := fsys.Remove(p("d")); err == nil {
				t.Fatal("removed a non-empty directory")
			}
			must(t, fsys.RemoveAll(p("d")))
			must(t, fsys.RemoveAll(p("d")))
			if _, err := fsys.Stat(p("d")); !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
		}},
		{"sync directory", func(t *testing.T) {
			must(t, fsys.SyncDir(root))
			if err := fsys.SyncDir(p("missing")); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("SyncDir(missing) = %v", err)
			}
		}},
		{"lock is exclusive until closed", func(t *testing.T) {
			l, err := fsys.Lock(p("LOCK"))
			must(t, err)
			if _, err := fsys.Lock(p("LOCK")); !errors.Is(err, ErrLocked) {
				t.Fatalf("second lock: %v", err)
			}
			must(t, l.Close())
			l, err = fsys.Lock(p("LOCK"))
			must(t, err)
			must(t, l.Close())
		}},
		{"closed file", func(t *testing.T) {
			f, err := fsys.Create(p("closed"))
			must(t, err)
			must(t, f.Close())
			if _, err := f.Write([]byte("x")); err == nil {
				t.Fatal("write after close succeeded")
			}
		}},
		{"path helpers", func(t *testing.T) {
			j := fsys.PathJoin(root, "x", "y")
			if fsys.PathBase(j) != "y" || fsys.PathDir(fsys.PathDir(j)) != fsys.PathDir(p("x")) {
				t.Fatalf("join %q dir %q base %q", j, fsys.PathDir(j), fsys.PathBase(j))
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

func TestMemFSConformance(t *testing.T) { fsConformance(t, NewMemFS(), "/") }

func TestMemFSRejects(t *testing.T) {
	m := NewMemFS()
	writeFile(t, m, "f", "x", false)
	must(t, m.MkdirAll("d", 0o755))
	cases := []struct {
		name string
		err  error
	}{
		{"create in missing dir", func() error { _, err := m.Create("nope/f"); return err }()},
		{"create over dir", func() error { _, err := m.Create("d"); return err }()},
		{"open dir", func() error { _, err := m.Open("d"); return err }()},
		{"mkdir through file", m.MkdirAll("f/g", 0o755)},
		{"rename file over dir", m.Rename("f", "d")},
		{"rename dir into itself", m.Rename("d", "d/e")},
		{"empty name", func() error { _, err := m.Stat(""); return err }()},
		{"list a file", func() error { _, err := m.List("f"); return err }()},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if got := content(t, m, "f"); got != "x" {
		t.Fatalf("f = %q", got)
	}
}
