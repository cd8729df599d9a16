package vajra

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
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

// Check verifies the collection in dir without changing anything and without its lock, so
// it runs beside a writer: it reads the manifest, then streams through every file it names
// once, checking each checksum (every damaged file is reported, not only the first), reads
// the log to its end, and finally loads the collection read-only, as Open does, to check that
// the document store and the indexes agree on every document. It never holds more in memory
// than a read-only open does. Like bbolt's Check, it reports every problem it finds in the
// report; its error is for failures to read, and for a dir that holds no collection
// (ErrNotFound).
func Check(dir string) (*CheckReport, error) {
	return check(storage.OS(), dir)
}

func check(fsys storage.FS, dir string) (*CheckReport, error) {
	for attempt := 1; ; attempt++ {
		rep, m, err := checkOnce(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", dir, err)
		}
		// Problems seen while a writer published a new snapshot may be files it removed:
		// check the new snapshot instead.
		if rep.OK() || attempt == maxReadAttempts || !manifestMoved(fsys, dir, m) {
			return rep, nil
		}
	}
}

// checkOnce checks the snapshot the manifest names now. Its error is for what makes checking
// impossible; damage goes into the report.
func checkOnce(fsys storage.FS, dir string) (*CheckReport, storage.Manifest, error) {
	rep := &CheckReport{Dir: dir, LogRecords: -1}
	if err := hasManifest(fsys, dir); err != nil {
		return nil, storage.Manifest{}, err
	}
	m, err := storage.ReadManifest(fsys, fsys.PathJoin(dir, manifestName))
	if err != nil {
		if !corruption.Is(err) && !errors.Is(err, storage.ErrVersion) {
			return nil, m, err
		}
		rep.Problems = append(rep.Problems, err.Error())
		return rep, m, nil
	}
	rep.Generation, rep.Files = m.Generation, 1
	for _, name := range m.Files {
		if err := verifyFile(fsys, fsys.PathJoin(dir, name)); err != nil {
			rep.Problems = append(rep.Problems, err.Error())
		}
		rep.Files++
	}
	if m.WAL != "" {
		p := fsys.PathJoin(dir, m.WAL)
		info, err := storage.ReadWAL(fsys, p, func(storage.Record) error { return nil })
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %v", p, err))
		} else {
			rep.LogRecords = info.Records
		}
		rep.Files++
	}
	if len(rep.Problems) > 0 {
		return rep, m, nil
	}
	c, loaded, err := readPublished(fsys, dir, OpenOptions{Threads: 1})
	if err == nil && loaded.Generation != m.Generation {
		err = fmt.Errorf("%s moved from generation %d to %d during the check", fsys.PathJoin(dir, manifestName), m.Generation, loaded.Generation)
	}
	if err != nil {
		rep.Problems = append(rep.Problems, err.Error())
		return rep, m, nil
	}
	defer c.Close()
	rep.Problems = append(rep.Problems, c.verify()...)
	st := c.Stats()
	rep.Docs, rep.Segments, rep.Vectors = st.Docs, st.Segments, st.Vectors
	return rep, m, nil
}

// verifyFile streams through the sectioned file at path, checking its checksums.
func verifyFile(fsys storage.FS, path string) error {
	f, err := fsys.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return corruption.Errorf("%s is named by the manifest but missing", path)
		}
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if _, err := binfile.Verify(f, st.Size()); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// verify reads every byte of the files the collection reads in place, checking each chunk
// checksum and the structure of every term, posting and document, and cross-checks the
// document store against the indexes.
func (c *Collection) verify() (problems []string) {
	add := func(format string, args ...any) {
		if len(problems) < 100 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	var err error
	defer func() {
		if err != nil {
			add("%v", err)
		}
	}()
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.docs.base != nil {
		if err := c.docs.base.VerifyAll(); err != nil {
			add("%s: %v", c.docs.baseName, err)
		}
	}
	snap := c.lex.Snapshot()
	for _, r := range snap.Segments() {
		if err := r.Seg.VerifyAll(); err != nil {
			add("%s: %v", c.path(c.lexFiles[r.Seg.ID()]), err)
		}
	}
	if c.vec != nil {
		if err := c.vec.Verify(); err != nil {
			add("%v", err)
		}
	}
	if len(problems) > 0 {
		return problems
	}
	live := 0
	for iid := range c.nextID {
		if !c.live.Contains(iid) {
			if snap.Contains(iid) {
				add("internal id %d: deleted but still in the lexical index", iid)
			}
			if c.vec != nil && c.vec.Contains(iid) {
				add("internal id %d: deleted but still in the vector index", iid)
			}
			continue
		}
		live++
		id, ok, err := c.docs.id(iid)
		if err != nil || !ok {
			add("internal id %d: live but without a stored document (%v)", iid, err)
			continue
		}
		if got, ok, err := c.docs.lookup(id, c.live); err != nil || !ok || got != iid {
			add("document %q: id lookup gives %d (%v), not %d", id, got, err, iid)
		}
		if !snap.Contains(iid) {
			add("document %q: missing from the lexical index", id)
		}
		if c.vec != nil && !c.vec.Contains(iid) {
			add("document %q: missing from the vector index", id)
		}
	}
	if live != c.docs.count {
		add("%d live documents but %d counted", live, c.docs.count)
	}
	if n := snap.Docs(); n != uint64(live) {
		add("lexical index has %d live documents, store %d", n, live)
	}
	if c.vec != nil && c.vec.Len() != live {
		add("vector index has %d live vectors, store %d documents", c.vec.Len(), live)
	}
	return problems
}
