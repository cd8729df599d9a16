package storage

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/bits"
	"math/rand/v2"
	"strings"
	"sync"
)

// ErrInjected is the error an ErrorFS returns for a fault its Injector asked for.
var ErrInjected = errors.New("injected fault")

// Op is a kind of file-system operation, as a bit so that sets of kinds combine with |.
type Op uint32

// The operation kinds an Injector sees. OpRead covers Read and ReadAt; OpStat covers both
// FS.Stat and File.Stat.
const (
	OpCreate Op = 1 << iota
	OpOpen
	OpOpenReadWrite
	OpRename
	OpRemove
	OpRemoveAll
	OpMkdirAll
	OpList
	OpStat
	OpSyncDir
	OpLock
	OpRead
	OpWrite
	OpSync
	OpTruncate
	OpClose
	opEnd

	// OpAll matches every operation.
	OpAll = opEnd - 1
	// OpMutating matches the operations that change the file system or make it durable.
	OpMutating = OpCreate | OpOpenReadWrite | OpRename | OpRemove | OpRemoveAll | OpMkdirAll |
		OpSyncDir | OpLock | OpWrite | OpSync | OpTruncate
)

var opNames = [...]string{"create", "open", "open-rw", "rename", "remove", "removeall", "mkdir",
	"list", "stat", "syncdir", "lock", "read", "write", "sync", "truncate", "close"}

// String names the kinds in the set, joined by "|".
func (o Op) String() string {
	var names []string
	for o != 0 {
		i := bits.TrailingZeros32(uint32(o))
		if i < len(opNames) {
			names = append(names, opNames[i])
		} else {
			names = append(names, fmt.Sprintf("op%d", i))
		}
		o &^= 1 << i
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "|")
}

// Event is one operation about to run on an ErrorFS.
type Event struct {
	Op   Op
	Path string // for OpRename, "old -> new"
	Len  int    // for OpWrite, the number of bytes to write
}

// Fault is an Injector's decision for one Event. The zero Fault lets the operation run.
type Fault struct {
	// Err, when non-nil, fails the operation; ErrorFS wraps it in an *fs.PathError.
	Err error
	// Written is, for a failing OpWrite, how many leading bytes still reach the file before
	// the error: a short write. It is clamped to [0, Len-1].
	Written int
}

// Injector decides which operations of an ErrorFS fail. It is called before each operation,
// from whichever goroutine performs it, so implementations must be safe for concurrent use.
type Injector interface {
	Inject(e Event) Fault
}

// AfterInjector is an optional capability of an Injector. ErrorFS calls InjectAfter once an
// operation has run without error, and a Fault with an Err fails the call although the
// operation took effect: the process died after the system call and before it could use the
// result. Crash tests use it to cut the power right after an fsync.
type AfterInjector interface {
	InjectAfter(e Event) Fault
}

// InjectorFunc adapts a function to Injector.
type InjectorFunc func(e Event) Fault

// Inject calls f(e).
func (f InjectorFunc) Inject(e Event) Fault { return f(e) }

// FailNth fails the Nth (1-based) operation whose kind is in Ops, once; with N <= 0 it only
// counts (see Seen). With ShortWrite set and that operation a write, half of its bytes reach
// the file first.
type FailNth struct {
	Ops        Op
	N          int
	ShortWrite bool

	mu   sync.Mutex
	seen int
}

// Inject implements Injector.
func (f *FailNth) Inject(e Event) Fault {
	if e.Op&f.Ops == 0 {
		return Fault{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen++
	if f.seen != f.N {
		return Fault{}
	}
	ft := Fault{Err: ErrInjected}
	if f.ShortWrite && e.Op == OpWrite {
		ft.Written = e.Len / 2
	}
	return ft
}

// Seen returns how many matching operations the injector has been asked about, which tells a
// test how many distinct failure points a sequence of operations has.
func (f *FailNth) Seen() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen
}

// FailRandom fails each operation whose kind is in Ops with probability P, drawing from a
// generator seeded with Seed, so a run is repeatable when its operations come in a fixed
// order. With ShortWrite set, a failing write first writes a random prefix of its bytes.
type FailRandom struct {
	Ops        Op
	P          float64
	Seed       uint64
	ShortWrite bool

	mu  sync.Mutex
	rng *rand.Rand
}

// Inject implements Injector.
func (f *FailRandom) Inject(e Event) Fault {
	if e.Op&f.Ops == 0 {
		return Fault{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rng == nil {
		f.rng = rand.New(rand.NewPCG(f.Seed, 0x6661756c74))
	}
	if f.rng.Float64() >= f.P {
		return Fault{}
	}
	ft := Fault{Err: ErrInjected}
	if f.ShortWrite && e.Op == OpWrite && e.Len > 0 {
		ft.Written = f.rng.IntN(e.Len)
	}
	return ft
}

// ErrorFS wraps an FS and consults an Injector before every operation, failing the ones it
// picks with an error wrapping the Fault's error (ErrInjected for the injectors here).
type ErrorFS struct {
	fs  FS
	inj Injector
}

// NewErrorFS wraps fsys. inj may be nil, in which case nothing fails.
func NewErrorFS(fsys FS, inj Injector) *ErrorFS { return &ErrorFS{fs: fsys, inj: inj} }

func (e *ErrorFS) check(op Op, name string, n int) (Fault, error) {
	if e.inj == nil {
		return Fault{}, nil
	}
	ft := e.inj.Inject(Event{Op: op, Path: name, Len: n})
	if ft.Err == nil {
		return ft, nil
	}
	return ft, &fs.PathError{Op: op.String(), Path: name, Err: ft.Err}
}

// after consults the injector's AfterInjector, if it has one, about an operation that ran
// without error.
func (e *ErrorFS) after(op Op, name string, n int, err error) error {
	if err != nil {
		return err
	}
	a, ok := e.inj.(AfterInjector)
	if !ok {
		return nil
	}
	if ft := a.InjectAfter(Event{Op: op, Path: name, Len: n}); ft.Err != nil {
		return &fs.PathError{Op: op.String(), Path: name, Err: ft.Err}
	}
	return nil
}

func (e *ErrorFS) wrap(op Op, f File, name string, err error) (File, error) {
	if err != nil {
		return nil, err
	}
	if err := e.after(op, name, 0, nil); err != nil {
		f.Close()
		return nil, err
	}
	return &errorFile{f: f, e: e, name: name}, nil
}

// Create implements FS.
func (e *ErrorFS) Create(name string) (File, error) {
	if _, err := e.check(OpCreate, name, 0); err != nil {
		return nil, err
	}
	f, err := e.fs.Create(name)
	return e.wrap(OpCreate, f, name, err)
}

// Open implements FS.
func (e *ErrorFS) Open(name string) (File, error) {
	if _, err := e.check(OpOpen, name, 0); err != nil {
		return nil, err
	}
	f, err := e.fs.Open(name)
	return e.wrap(OpOpen, f, name, err)
}

// OpenReadWrite implements FS.
func (e *ErrorFS) OpenReadWrite(name string) (File, error) {
	if _, err := e.check(OpOpenReadWrite, name, 0); err != nil {
		return nil, err
	}
	f, err := e.fs.OpenReadWrite(name)
	return e.wrap(OpOpenReadWrite, f, name, err)
}

// Rename implements FS.
func (e *ErrorFS) Rename(oldname, newname string) error {
	if _, err := e.check(OpRename, oldname+" -> "+newname, 0); err != nil {
		return err
	}
	return e.after(OpRename, oldname+" -> "+newname, 0, e.fs.Rename(oldname, newname))
}

// Remove implements FS.
func (e *ErrorFS) Remove(name string) error {
	if _, err := e.check(OpRemove, name, 0); err != nil {
		return err
	}
	return e.after(OpRemove, name, 0, e.fs.Remove(name))
}

// RemoveAll implements FS.
func (e *ErrorFS) RemoveAll(name string) error {
	if _, err := e.check(OpRemoveAll, name, 0); err != nil {
		return err
	}
	return e.after(OpRemoveAll, name, 0, e.fs.RemoveAll(name))
}

// MkdirAll implements FS.
func (e *ErrorFS) MkdirAll(dir string, perm fs.FileMode) error {
	if _, err := e.check(OpMkdirAll, dir, 0); err != nil {
		return err
	}
	return e.after(OpMkdirAll, dir, 0, e.fs.MkdirAll(dir, perm))
}

// List implements FS.
func (e *ErrorFS) List(dir string) ([]string, error) {
	if _, err := e.check(OpList, dir, 0); err != nil {
		return nil, err
	}
	return e.fs.List(dir)
}

// Stat implements FS.
func (e *ErrorFS) Stat(name string) (fs.FileInfo, error) {
	if _, err := e.check(OpStat, name, 0); err != nil {
		return nil, err
	}
	return e.fs.Stat(name)
}

// SyncDir implements FS.
func (e *ErrorFS) SyncDir(dir string) error {
	if _, err := e.check(OpSyncDir, dir, 0); err != nil {
		return err
	}
	return e.after(OpSyncDir, dir, 0, e.fs.SyncDir(dir))
}

// Lock implements FS.
func (e *ErrorFS) Lock(name string) (io.Closer, error) {
	if _, err := e.check(OpLock, name, 0); err != nil {
		return nil, err
	}
	l, err := e.fs.Lock(name)
	if err := e.after(OpLock, name, 0, err); err != nil {
		if l != nil {
			l.Close()
		}
		return nil, err
	}
	return l, nil
}

// PathJoin implements FS.
func (e *ErrorFS) PathJoin(elem ...string) string { return e.fs.PathJoin(elem...) }

// PathDir implements FS.
func (e *ErrorFS) PathDir(name string) string { return e.fs.PathDir(name) }

// PathBase implements FS.
func (e *ErrorFS) PathBase(name string) string { return e.fs.PathBase(name) }

// errorFile passes each call to the wrapped file unless the injector fails it.
type errorFile struct {
	f    File
	e    *ErrorFS
	name string
}

func (f *errorFile) Read(p []byte) (int, error) {
	if _, err := f.e.check(OpRead, f.name, len(p)); err != nil {
		return 0, err
	}
	return f.f.Read(p)
}

func (f *errorFile) ReadAt(p []byte, off int64) (int, error) {
	if _, err := f.e.check(OpRead, f.name, len(p)); err != nil {
		return 0, err
	}
	return f.f.ReadAt(p, off)
}

func (f *errorFile) Write(p []byte) (int, error) {
	ft, err := f.e.check(OpWrite, f.name, len(p))
	if err == nil {
		n, err := f.f.Write(p)
		return n, f.e.after(OpWrite, f.name, len(p), err)
	}
	n := min(max(ft.Written, 0), len(p)-1)
	if n <= 0 {
		return 0, err
	}
	written, werr := f.f.Write(p[:n])
	if werr != nil {
		return written, werr
	}
	return written, err
}

func (f *errorFile) Sync() error {
	if _, err := f.e.check(OpSync, f.name, 0); err != nil {
		return err
	}
	return f.e.after(OpSync, f.name, 0, f.f.Sync())
}

func (f *errorFile) Stat() (fs.FileInfo, error) {
	if _, err := f.e.check(OpStat, f.name, 0); err != nil {
		return nil, err
	}
	return f.f.Stat()
}

func (f *errorFile) Truncate(size int64) error {
	if _, err := f.e.check(OpTruncate, f.name, 0); err != nil {
		return err
	}
	return f.e.after(OpTruncate, f.name, 0, f.f.Truncate(size))
}

// Close always releases the wrapped file, as a real close does even when it reports an error.
func (f *errorFile) Close() error {
	_, err := f.e.check(OpClose, f.name, 0)
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	return err
}
