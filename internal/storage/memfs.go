package storage

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

var (
	errNotDir   = errors.New("not a directory")
	errIsDir    = errors.New("is a directory")
	errNotEmpty = errors.New("directory not empty")
	errReadOnly = errors.New("file not open for writing")
	errNoRead   = errors.New("file not open for reading")
	errStale    = fmt.Errorf("%w: handle predates a simulated crash", fs.ErrClosed)
)

// MemFS is an in-memory FS that remembers what has been made durable, so a test can cut the
// power at any point and see exactly what a POSIX file system promises to keep: file bytes as
// of their last File.Sync, and the names in each directory as of its last SyncDir. Everything
// else is lost by Crash.
//
// Paths are slash-separated; relative paths are taken from the root. A MemFS is safe for
// concurrent use.
type MemFS struct {
	mu    sync.Mutex
	root  *memNode
	epoch uint64          // bumped by Crash; handles from an older epoch are dead
	locks map[string]bool // paths held by Lock
}

// memNode is a file or a directory. Each keeps its live state beside its durable state.
type memNode struct {
	isDir bool

	// Files: data is what readers see; synced is what survives a crash. They never share a
	// backing array. data[:k] equals synced[:k] for k = min(dirtyFrom, len(data), len(synced)),
	// which lets Sync copy only what changed.
	data      []byte
	synced    []byte
	dirtyFrom int

	// Directories: the live entries and the entries as of the last SyncDir.
	children       map[string]*memNode
	syncedChildren map[string]*memNode
}

func newDirNode() *memNode {
	return &memNode{isDir: true, children: map[string]*memNode{}, syncedChildren: map[string]*memNode{}}
}

// NewMemFS returns an empty in-memory file system holding only its root directory.
func NewMemFS() *MemFS {
	return &MemFS{root: newDirNode(), locks: map[string]bool{}}
}

// cleanPath turns name into its canonical form ("/a/b") and its elements.
func cleanPath(name string) (string, []string, error) {
	if name == "" {
		return "", nil, fs.ErrInvalid
	}
	c := path.Clean("/" + name)
	if c == "/" {
		return c, nil, nil
	}
	return c, strings.Split(c[1:], "/"), nil
}

// lookup finds the node at the given elements.
func (m *MemFS) lookup(elems []string) (*memNode, error) {
	n := m.root
	for _, e := range elems {
		if !n.isDir {
			return nil, errNotDir
		}
		c, ok := n.children[e]
		if !ok {
			return nil, fs.ErrNotExist
		}
		n = c
	}
	return n, nil
}

// lookupParent finds the directory that holds (or would hold) the last element.
func (m *MemFS) lookupParent(elems []string) (*memNode, string, error) {
	if len(elems) == 0 {
		return nil, "", fs.ErrInvalid // the root has no parent
	}
	dir, err := m.lookup(elems[:len(elems)-1])
	if err != nil {
		return nil, "", err
	}
	if !dir.isDir {
		return nil, "", errNotDir
	}
	return dir, elems[len(elems)-1], nil
}

func pathErr(op, name string, err error) error { return &fs.PathError{Op: op, Path: name, Err: err} }

// Create implements FS.
func (m *MemFS) Create(name string) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.createLocked(name, true)
	if err != nil {
		return nil, pathErr("create", name, err)
	}
	return &memFile{m: m, n: n, name: name, epoch: m.epoch, write: true}, nil
}

// createLocked returns the file at name, creating it if missing and emptying it if truncate.
func (m *MemFS) createLocked(name string, truncate bool) (*memNode, error) {
	_, elems, err := cleanPath(name)
	if err != nil {
		return nil, err
	}
	dir, base, err := m.lookupParent(elems)
	if err != nil {
		return nil, err
	}
	if n, ok := dir.children[base]; ok {
		if n.isDir {
			return nil, errIsDir
		}
		if truncate {
			n.data = n.data[:0]
			n.dirtyFrom = 0
		}
		return n, nil
	}
	n := &memNode{}
	dir.children[base] = n
	return n, nil
}

func (m *MemFS) openFile(op, name string) (*memNode, error) {
	_, elems, err := cleanPath(name)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	n, err := m.lookup(elems)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	if n.isDir {
		return nil, pathErr(op, name, errIsDir)
	}
	return n, nil
}

// Open implements FS.
func (m *MemFS) Open(name string) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.openFile("open", name)
	if err != nil {
		return nil, err
	}
	return &memFile{m: m, n: n, name: name, epoch: m.epoch, read: true}, nil
}

// OpenReadWrite implements FS.
func (m *MemFS) OpenReadWrite(name string) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.openFile("open", name)
	if err != nil {
		return nil, err
	}
	return &memFile{m: m, n: n, name: name, epoch: m.epoch, read: true, write: true, appendOnly: true}, nil
}

// Rename implements FS.
func (m *MemFS) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.renameLocked(oldname, newname); err != nil {
		return &fs.PathError{Op: "rename", Path: oldname + " -> " + newname, Err: err}
	}
	return nil
}

func (m *MemFS) renameLocked(oldname, newname string) error {
	oldClean, oldElems, err := cleanPath(oldname)
	if err != nil {
		return err
	}
	newClean, newElems, err := cleanPath(newname)
	if err != nil {
		return err
	}
	oldDir, oldBase, err := m.lookupParent(oldElems)
	if err != nil {
		return err
	}
	n, ok := oldDir.children[oldBase]
	if !ok {
		return fs.ErrNotExist
	}
	if oldClean == newClean {
		return nil
	}
	if n.isDir && strings.HasPrefix(newClean, oldClean+"/") {
		return fs.ErrInvalid // a directory cannot move inside itself
	}
	newDir, newBase, err := m.lookupParent(newElems)
	if err != nil {
		return err
	}
	if target, ok := newDir.children[newBase]; ok {
		switch {
		case target.isDir && !n.isDir:
			return errIsDir
		case !target.isDir && n.isDir:
			return errNotDir
		case target.isDir && len(target.children) > 0:
			return errNotEmpty
		}
	}
	delete(oldDir.children, oldBase)
	newDir.children[newBase] = n
	return nil
}

// Remove implements FS.
func (m *MemFS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, elems, err := cleanPath(name)
	if err == nil {
		var dir *memNode
		var base string
		if dir, base, err = m.lookupParent(elems); err == nil {
			n, ok := dir.children[base]
			switch {
			case !ok:
				err = fs.ErrNotExist
			case n.isDir && len(n.children) > 0:
				err = errNotEmpty
			default:
				delete(dir.children, base)
			}
		}
	}
	if err != nil {
		return pathErr("remove", name, err)
	}
	return nil
}

// RemoveAll implements FS.
func (m *MemFS) RemoveAll(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, elems, err := cleanPath(name)
	if err != nil {
		return pathErr("removeall", name, err)
	}
	if len(elems) == 0 {
		clear(m.root.children)
		return nil
	}
	dir, base, err := m.lookupParent(elems)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return pathErr("removeall", name, err)
	}
	delete(dir.children, base)
	return nil
}

// MkdirAll implements FS. The new directories are durable only once their parents are
// synced (see SyncMkdirAll).
func (m *MemFS) MkdirAll(dir string, perm fs.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, elems, err := cleanPath(dir)
	if err != nil {
		return pathErr("mkdir", dir, err)
	}
	n := m.root
	for _, e := range elems {
		c, ok := n.children[e]
		if !ok {
			c = newDirNode()
			n.children[e] = c
		} else if !c.isDir {
			return pathErr("mkdir", dir, errNotDir)
		}
		n = c
	}
	return nil
}

func (m *MemFS) lookupDir(op, dir string) (*memNode, error) {
	_, elems, err := cleanPath(dir)
	if err != nil {
		return nil, pathErr(op, dir, err)
	}
	n, err := m.lookup(elems)
	if err != nil {
		return nil, pathErr(op, dir, err)
	}
	if !n.isDir {
		return nil, pathErr(op, dir, errNotDir)
	}
	return n, nil
}

// List implements FS.
func (m *MemFS) List(dir string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.lookupDir("readdir", dir)
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(n.children)), nil
}

// Stat implements FS.
func (m *MemFS) Stat(name string) (fs.FileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, elems, err := cleanPath(name)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	n, err := m.lookup(elems)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	return n.info(path.Base("/" + name)), nil
}

// SyncDir implements FS: the directory's current entries become its durable entries.
func (m *MemFS) SyncDir(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.lookupDir("syncdir", dir)
	if err != nil {
		return err
	}
	n.syncedChildren = maps.Clone(n.children)
	return nil
}

// Lock implements FS. The lock file is created like any other file (so it is not durable
// until its directory is synced); Crash releases every lock.
func (m *MemFS) Lock(name string) (io.Closer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	clean, _, err := cleanPath(name)
	if err != nil {
		return nil, pathErr("lock", name, err)
	}
	if m.locks[clean] {
		return nil, pathErr("lock", name, ErrLocked)
	}
	if _, err := m.createLocked(name, false); err != nil {
		return nil, pathErr("lock", name, err)
	}
	m.locks[clean] = true
	return &memLock{m: m, path: clean, epoch: m.epoch}, nil
}

// PathJoin implements FS.
func (m *MemFS) PathJoin(elem ...string) string { return path.Join(elem...) }

// PathDir implements FS.
func (m *MemFS) PathDir(name string) string { return path.Dir(name) }

// PathBase implements FS.
func (m *MemFS) PathBase(name string) string { return path.Base(name) }

type memLock struct {
	m     *MemFS
	path  string
	epoch uint64
	done  bool
}

func (l *memLock) Close() error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	if !l.done && l.epoch == l.m.epoch {
		delete(l.m.locks, l.path)
	}
	l.done = true
	return nil
}

// memInfo is the fs.FileInfo of a MemFS node. Its times are zero so that nothing about a test
// run depends on the clock.
type memInfo struct {
	name  string
	size  int64
	isDir bool
}

func (n *memNode) info(name string) memInfo {
	return memInfo{name: name, size: int64(len(n.data)), isDir: n.isDir}
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.isDir }
func (i memInfo) Sys() any           { return nil }
func (i memInfo) Mode() fs.FileMode {
	if i.isDir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
