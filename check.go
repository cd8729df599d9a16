package vajra

import (
	"fmt"
	"io"

	"github.com/vajrasearch/vajra/internal/storage"
)

// CheckReport is what Check found.
type CheckReport struct {
	Dir        string
	Generation uint64
	Files      int
	Docs       int
	Segments   int
	Vectors    int
	LogRecords int
	// Problems lists every inconsistency found; empty means the collection is sound.
	Problems []string
}

// OK reports whether no problem was found.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check verifies the collection in dir without changing it: every file's checksums, the
// manifest, the log, and that the document store and the indexes agree on every document.
// It fails if the collection is open elsewhere. Like bbolt's Check, it reports every problem
// it finds rather than stopping at the first.
func Check(dir string) (*CheckReport, error) {
	return check(storage.OS(), dir)
}

func check(fsys storage.FS, dir string) (*CheckReport, error) {
	lock, err := fsys.Lock(fsys.PathJoin(dir, lockName))
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", dir, err)
	}
	defer lock.Close()
	rep := &CheckReport{Dir: dir}
	// Work on a private in-memory copy, so that replaying the log (which trims a torn tail)
	// leaves the real files untouched.
	mem := storage.NewMemFS()
	names, err := fsys.List(dir)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", dir, err)
	}
	if err := mem.MkdirAll("c", 0o755); err != nil {
		return nil, err
	}
	for _, n := range names {
		if n == lockName {
			continue
		}
		data, err := storage.ReadFile(fsys, fsys.PathJoin(dir, n))
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %v", n, err))
			continue
		}
		if err := copyToMem(mem, mem.PathJoin("c", n), data); err != nil {
			return nil, err
		}
		rep.Files++
	}
	m, err := storage.ReadManifest(mem, mem.PathJoin("c", manifestName))
	if err != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %v", manifestName, err))
		return rep, nil
	}
	rep.Generation = m.Generation
	for _, f := range append(append([]string(nil), m.Files...), m.WAL) {
		if _, err := mem.Stat(mem.PathJoin("c", f)); err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s names %s, which is missing", manifestName, f))
		}
	}
	if len(rep.Problems) > 0 {
		return rep, nil
	}
	c, err := load(mem, "c", OpenOptions{Threads: 1}, nopCloser{})
	if err != nil {
		rep.Problems = append(rep.Problems, err.Error())
		return rep, nil
	}
	defer c.wal.Close()
	rep.LogRecords = -1
	if info, err := logRecords(mem, mem.PathJoin("c", m.WAL)); err == nil {
		rep.LogRecords = info
	}
	rep.Problems = append(rep.Problems, c.verify()...)
	st := c.Stats()
	rep.Docs, rep.Segments, rep.Vectors = st.Docs, st.Segments, st.Vectors
	return rep, nil
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

func copyToMem(mem *storage.MemFS, name string, data []byte) error {
	f, err := mem.Create(name)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

func logRecords(fsys storage.FS, name string) (int, error) {
	w, err := storage.OpenWAL(fsys, name, storage.WALOptions{Sync: storage.SyncNever})
	if err != nil {
		return 0, err
	}
	defer w.Close()
	info, err := w.Replay(func(storage.Record) error { return nil })
	return info.Records, err
}

// verify cross-checks the document store against the indexes.
func (c *Collection) verify() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var problems []string
	add := func(format string, args ...any) {
		if len(problems) < 100 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	snap := c.lex.Snapshot()
	live := 0
	for iid, r := range c.docs {
		id := uint32(iid)
		isLive := r != nil
		if isLive != c.live.Contains(id) {
			add("internal id %d: document store and live set disagree", iid)
		}
		if !isLive {
			if snap.Contains(id) {
				add("internal id %d: deleted but still in the lexical index", iid)
			}
			if c.vec != nil && c.vec.Contains(id) {
				add("internal id %d: deleted but still in the vector index", iid)
			}
			continue
		}
		live++
		if got, ok := c.byID[r.id]; !ok || got != id {
			add("document %q: id map points to %d, not %d", r.id, got, iid)
		}
		if !snap.Contains(id) {
			add("document %q: missing from the lexical index", r.id)
		}
		if c.vec != nil && !c.vec.Contains(id) {
			add("document %q: missing from the vector index", r.id)
		}
	}
	if live != len(c.byID) {
		add("%d live documents but %d ids", live, len(c.byID))
	}
	if n := snap.Stats().Docs; n != uint64(live) {
		add("lexical index has %d live documents, store %d", n, live)
	}
	if c.vec != nil && c.vec.Len() != live {
		add("vector index has %d live vectors, store %d documents", c.vec.Len(), live)
	}
	return problems
}

var _ io.Closer = nopCloser{}
