package storage

import (
	"errors"
	"io/fs"
	"testing"
)

func TestFailNth(t *testing.T) {
	m := NewMemFS()
	inj := &FailNth{Ops: OpWrite, N: 2, ShortWrite: true}
	e := NewErrorFS(m, inj)
	f, err := e.Create("f")
	must(t, err)
	results := []struct {
		data  string
		n     int
		fails bool
	}{{"aaaa", 4, false}, {"bbbb", 2, true}, {"cccc", 4, false}}
	for i, r := range results {
		n, err := f.Write([]byte(r.data))
		if n != r.n || (err != nil) != r.fails {
			t.Fatalf("write %d = %d, %v", i, n, err)
		}
		if r.fails {
			if !errors.Is(err, ErrInjected) {
				t.Fatalf("write %d error %v does not wrap ErrInjected", i, err)
			}
			var pe *fs.PathError
			if !errors.As(err, &pe) || pe.Path != "f" || pe.Op != "write" {
				t.Fatalf("write %d error %#v", i, err)
			}
		}
	}
	must(t, f.Sync())
	must(t, f.Close())
	if got := content(t, m, "f"); got != "aaaabbcccc" {
		t.Fatalf("content %q", got)
	}
	if inj.Seen() != 3 {
		t.Fatalf("Seen = %d, want 3 (only writes count)", inj.Seen())
	}
}

func TestFailNthEveryKind(t *testing.T) {
	cases := []struct {
		op  Op
		run func(fsys FS) error
	}{
		{OpCreate, func(fsys FS) error { _, err := fsys.Create("x"); return err }},
		{OpOpen, func(fsys FS) error { _, err := fsys.Open("base"); return err }},
		{OpOpenReadWrite, func(fsys FS) error { _, err := fsys.OpenReadWrite("base"); return err }},
		{OpRename, func(fsys FS) error { return fsys.Rename("base", "x") }},
		{OpRemove, func(fsys FS) error { return fsys.Remove("base") }},
		{OpRemoveAll, func(fsys FS) error { return fsys.RemoveAll("base") }},
		{OpMkdirAll, func(fsys FS) error { return fsys.MkdirAll("d", 0o755) }},
		{OpList, func(fsys FS) error { _, err := fsys.List("/"); return err }},
		{OpStat, func(fsys FS) error { _, err := fsys.Stat("base"); return err }},
		{OpSyncDir, func(fsys FS) error { return fsys.SyncDir("/") }},
		{OpLock, func(fsys FS) error { _, err := fsys.Lock("LOCK"); return err }},
		{OpRead, func(fsys FS) error { _, err := ReadFile(fsys, "base"); return err }},
		{OpSync, func(fsys FS) error {
			f, err := fsys.OpenReadWrite("base")
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Sync()
		}},
		{OpTruncate, func(fsys FS) error {
			f, err := fsys.OpenReadWrite("base")
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(0)
		}},
		{OpClose, func(fsys FS) error {
			f, err := fsys.Open("base")
			if err != nil {
				return err
			}
			return f.Close()
		}},
	}
	for _, c := range cases {
		t.Run(c.op.String(), func(t *testing.T) {
			m := NewMemFS()
			writeFile(t, m, "base", "base", true)
			if err := c.run(NewErrorFS(m, &FailNth{Ops: OpAll &^ c.op})); err != nil {
				t.Fatalf("failed with nothing to inject: %v", err)
			}
			m = NewMemFS()
			writeFile(t, m, "base", "base", true)
			if err := c.run(NewErrorFS(m, &FailNth{Ops: c.op, N: 1})); !errors.Is(err, ErrInjected) {
				t.Fatalf("got %v, want ErrInjected", err)
			}
		})
	}
}

func TestFailRandom(t *testing.T) {
	run := func(inj Injector) []bool {
		var out []bool
		for range 200 {
			out = append(out, inj.Inject(Event{Op: OpSync}).Err != nil)
		}
		return out
	}
	a := run(&FailRandom{Ops: OpSync, P: 0.3, Seed: 7})
	b := run(&FailRandom{Ops: OpSync, P: 0.3, Seed: 7})
	c := run(&FailRandom{Ops: OpSync, P: 0.3, Seed: 8})
	fails, differ := 0, false
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed gave different faults")
		}
		if a[i] {
			fails++
		}
		differ = differ || a[i] != c[i]
	}
	if fails < 30 || fails > 90 || !differ {
		t.Fatalf("%d faults of 200 at P=0.3; seeds differ: %v", fails, differ)
	}
	if f := (&FailRandom{Ops: OpWrite, P: 1}).Inject(Event{Op: OpSync}); f.Err != nil {
		t.Fatal("fault on an operation outside Ops")
	}
	short := &FailRandom{Ops: OpWrite, P: 1, ShortWrite: true}
	for range 50 {
		f := short.Inject(Event{Op: OpWrite, Len: 10})
		if !errors.Is(f.Err, ErrInjected) || f.Written < 0 || f.Written >= 10 {
			t.Fatalf("short write fault %+v", f)
		}
	}
}

func TestOpString(t *testing.T) {
	cases := map[Op]string{0: "none", OpWrite: "write", OpCreate | OpSyncDir: "create|syncdir"}
	for op, want := range cases {
		if got := op.String(); got != want {
			t.Errorf("%d: %q, want %q", uint32(op), got, want)
		}
	}
}

func TestErrorFSPassesThrough(t *testing.T) {
	calls := 0
	e := NewErrorFS(NewMemFS(), InjectorFunc(func(ev Event) Fault { calls++; return Fault{} }))
	fsConformance(t, e, "/")
	if calls == 0 {
		t.Fatal("injector never consulted")
	}
	fsConformance(t, NewErrorFS(NewMemFS(), nil), "/")
}

// afterFaults fails, after they ran, the operations whose kinds are in ops.
type afterFaults struct{ ops Op }

func (afterFaults) Inject(Event) Fault { return Fault{} }

func (a afterFaults) InjectAfter(e Event) Fault {
	if e.Op&a.ops != 0 {
		return Fault{Err: ErrInjected}
	}
	return Fault{}
}

// TestErrorFSAfter fails operations after they took effect: the caller sees the error, the
// file system shows the effect (durably, for syncs).
func TestErrorFSAfter(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  Op
		// run performs the failing call on fsys, over a MemFS holding a durable file "a".
		run func(fsys FS) error
		// effect checks the MemFS for the call's effect.
		effect func(t *testing.T, m *MemFS)
	}{
		{"sync", OpSync, func(fsys FS) error {
			f, err := fsys.OpenReadWrite("a")
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := f.Write([]byte("+more")); err != nil {
				return err
			}
			return f.Sync()
		}, func(t *testing.T, m *MemFS) {
			if got := content(t, m.CrashClone(), "a"); got != "x+more" {
				t.Fatalf("synced bytes lost: %q", got)
			}
		}},
		{"rename then syncdir", OpSyncDir, func(fsys FS) error {
			if err := fsys.Rename("a", "b"); err != nil {
				return err
			}
			return fsys.SyncDir("/")
		}, func(t *testing.T, m *MemFS) {
			if got := content(t, m.CrashClone(), "b"); got != "x" {
				t.Fatalf("synced rename lost: %q", got)
			}
		}},
		{"create", OpCreate, func(fsys FS) error {
			if _, err := fsys.Create("c"); err != nil {
				return err
			}
			return nil
		}, func(t *testing.T, m *MemFS) {
			if _, err := m.Stat("c"); err != nil {
				t.Fatalf("created file missing: %v", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := NewMemFS()
			putFile(t, mem, "a", []byte("x"))
			err := tc.run(NewErrorFS(mem, afterFaults{ops: tc.ops}))
			if !errors.Is(err, ErrInjected) {
				t.Fatalf("err = %v, want ErrInjected", err)
			}
			tc.effect(t, mem)
		})
	}
}
