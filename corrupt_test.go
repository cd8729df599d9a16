package vajra

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/storage"
)

// corruptBase is a small persisted collection whose every file the corruption tests damage:
// a snapshot (manifest, document store, lexical segments, vector index) and a log of writes
// made after it.
type corruptBase struct {
	mem     *storage.MemFS // the intact files, all durable
	files   []string       // the collection's files, sorted (LOCK excluded)
	wal     string         // the log's name
	states  []durableModel // states[j]: the snapshot plus the first j log records
	walEnds []int64        // walEnds[j]: the log's size holding j records
}

// buildCorruptBase writes the collection: two snapshots (so that lexical segments of both
// survive) and then three logged writes.
func buildCorruptBase(t testing.TB) *corruptBase {
	ctx := context.Background()
	e := newDurableEmbedder(t)
	mem := storage.NewMemFS()
	o := durableOptions()
	o.SnapshotBytes = 1 << 30 // snapshots only when asked
	c, err := create(mem, durableDir, o)
	if err != nil {
		t.Fatal(err)
	}
	upsert := func(ver int, ids ...int) durableOp {
		op := durableOp{kind: durableUpsert}
		for i, id := range ids {
			op.docs = append(op.docs, durableDoc(durableID(id), ver+i))
		}
		return op
	}
	b := &corruptBase{mem: mem}
	model := durableModel{}
	run := func(op durableOp) {
		if err := op.run(ctx, c); err != nil {
			t.Fatalf("%s: %v", &op, err)
		}
		model = model.applied(t, e, &op)
	}
	run(upsert(1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
	run(durableOp{kind: durableFlush})
	run(upsert(20, 12, 13, 14, 5, 6))
	run(durableOp{kind: durableDelete, ids: []string{durableID(3), durableID(13), durableID(23)}})
	run(durableOp{kind: durableFlush})
	b.states = append(b.states, model)
	b.walEnds = append(b.walEnds, c.wal.Size())
	for _, op := range []durableOp{
		upsert(40, 15, 16, 1),
		{kind: durableDelete, ids: []string{durableID(2), durableID(12)}},
		upsert(50, 17, 4),
	} {
		run(op)
		b.states = append(b.states, model)
		b.walEnds = append(b.walEnds, c.wal.Size())
	}
	// Leave without Close, as a crash would: Close would fold the log into a new snapshot.
	b.wal = walFileName(c.gen)
	if err := c.wal.Close(); err != nil {
		t.Fatal(err)
	}
	c.lock.Close()
	names, err := mem.List(durableDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n != lockName {
			b.files = append(b.files, n)
		}
	}
	return b
}

// image returns a copy of the intact collection with name's bytes replaced by data.
func (b *corruptBase) image(t testing.TB, name string, data []byte) *storage.MemFS {
	img := b.mem.CrashClone()
	f, err := img.Create(img.PathJoin(durableDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return img
}

func (b *corruptBase) read(t testing.TB, fsys storage.FS, name string) []byte {
	data, err := storage.ReadFile(fsys, fsys.PathJoin(durableDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// dirBytes returns every file of the collection directory (LOCK excluded) with its bytes.
func dirBytes(t testing.TB, fsys storage.FS, dir string) map[string]string {
	names, err := fsys.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		if n == lockName {
			continue
		}
		data, err := storage.ReadFile(fsys, fsys.PathJoin(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(data)
	}
	return out
}

// recordAt returns the index of the log record holding byte off (len(walEnds)-1 past the
// last one, -1 in the header).
func (b *corruptBase) recordAt(off int64) int {
	for j := 1; j < len(b.walEnds); j++ {
		if off < b.walEnds[j] {
			if off < b.walEnds[j-1] {
				return -1
			}
			return j - 1
		}
	}
	return len(b.walEnds) - 1
}

// damage is one way of damaging a file: a flipped byte at off, or truncation to off bytes.
type damage struct {
	off      int
	xor      byte // 0 means truncate
	fileSize int
}

func (d damage) String() string {
	if d.xor == 0 {
		return fmt.Sprintf("truncated to %d of %d bytes", d.off, d.fileSize)
	}
	return fmt.Sprintf("byte %d of %d xor %#02x", d.off, d.fileSize, d.xor)
}

func (d damage) apply(data []byte) []byte {
	out := slices.Clone(data)
	if d.xor == 0 {
		return out[:d.off]
	}
	out[d.off] ^= d.xor
	return out
}

// damages lists the damage done to a file of n bytes: every byte of the first 48 and the
// last 24 flipped (headers and footers), random bytes between, and truncations.
func damages(n int, rng *rand.Rand, random int) []damage {
	var out []damage
	flip := func(off int) {
		out = append(out, damage{off: off, xor: byte(1) << rng.IntN(8), fileSize: n})
	}
	for off := 0; off < min(n, 48); off++ {
		flip(off)
	}
	for off := max(48, n-24); off < n; off++ {
		flip(off)
	}
	for range random {
		flip(rng.IntN(n))
	}
	out = append(out, damage{off: 0, fileSize: n}, damage{off: n - 1, fileSize: n})
	for range random / 2 {
		out = append(out, damage{off: rng.IntN(n), fileSize: n})
	}
	return out
}

// expectAfterLogDamage returns the log prefix (records kept) an open of a log damaged by d
// may show, or -1 when the open must fail.
func (b *corruptBase) expectAfterLogDamage(d damage) int {
	last := len(b.walEnds) - 1
	if d.xor == 0 {
		// A truncated log keeps the records wholly before the cut; a cut inside the header
		// leaves what a crash while creating the log leaves, a log with no records.
		kept := 0
		for j := 1; j <= last; j++ {
			if b.walEnds[j] <= int64(d.off) {
				kept = j
			}
		}
		return kept
	}
	switch r := b.recordAt(int64(d.off)); {
	case r < 0:
		return -1 // a damaged header
	case r == last-1:
		return last - 1 // the last record is indistinguishable from a torn one
	default:
		return -1 // damage followed by valid records
	}
}

// TestCorruptFiles damages each file of a persisted collection at many offsets. Open must
// fail with an error wrapping ErrCorrupt or succeed with exactly the acknowledged documents
// (minus a log tail that damage made indistinguishable from a torn write), where reading a
// damaged part of a snapshot file, which Open does not read, fails with ErrCorrupt; it must
// never panic or return wrong documents. Check must report damage to any snapshot file and must not
// change any file.
func TestCorruptFiles(t *testing.T) {
	b := buildCorruptBase(t)
	rng := rand.New(rand.NewPCG(3, 4))
	random := 40
	if testing.Short() || raceEnabled() {
		random = 10
	}
	kinds := map[string]bool{}
	var cases, failedOpen, repaired, foundOnRead int
	for _, name := range b.files {
		kinds[strings.SplitN(name, "-", 2)[0]] = true
		orig := b.read(t, b.mem, name)
		for _, d := range damages(len(orig), rng, random) {
			cases++
			img := b.image(t, name, d.apply(orig))
			before := dirBytes(t, img, durableDir)
			rep, cerr := check(img, durableDir)
			if after := dirBytes(t, img, durableDir); !mapsEqualBytes(before, after) {
				t.Fatalf("%s %s: check changed the files", name, d)
			}
			// A read-only open changes nothing and finds what a writable one does.
			ro, roErr := open(img, durableDir, OpenOptions{Threads: 1, ReadOnly: true})
			if after := dirBytes(t, img, durableDir); !mapsEqualBytes(before, after) {
				t.Fatalf("%s %s: the read-only open changed the files", name, d)
			}
			c, err := open(img, durableDir, OpenOptions{Threads: 1})
			if (roErr == nil) != (err == nil) {
				t.Fatalf("%s %s: read-only open %v, writable open %v", name, d, roErr, err)
			}
			isLog := name == b.wal
			if err != nil {
				failedOpen++
				for _, e := range []error{err, roErr} {
					if !errors.Is(e, ErrCorrupt) {
						t.Errorf("%s %s: open failed without ErrCorrupt: %v", name, d, e)
					}
				}
				if cerr == nil && rep.OK() {
					t.Errorf("%s %s: open failed (%v) but check found nothing", name, d, err)
				}
				if isLog && b.expectAfterLogDamage(d) >= 0 {
					t.Errorf("%s %s: open failed on a log it should repair: %v", name, d, err)
				}
				continue
			}
			want := b.states[len(b.states)-1]
			if isLog {
				j := b.expectAfterLogDamage(d)
				if j < 0 {
					c.Close()
					t.Fatalf("%s %s: open succeeded on a damaged log", name, d)
				}
				want = b.states[j]
				if j < len(b.states)-1 {
					repaired++
				}
			} else if cerr == nil && rep.OK() {
				t.Errorf("%s %s: check found nothing wrong", name, d)
			}
			// Snapshot files are read in place and verified as they are read: damage shows
			// when the damaged part is read (ErrCorrupt), and nothing read may differ. Both
			// opens must agree; a damaged log is fully read at open.
			damaged := false
			for _, col := range []*Collection{ro, c} {
				diff, dmg := readableDiff(col, want)
				if diff != "" || (dmg && isLog) {
					ro.Close()
					c.Close()
					t.Fatalf("%s %s: open succeeded with the wrong documents: %s (damage found: %v)", name, d, diff, dmg)
				}
				damaged = damaged || dmg
				if err := checkDurableSearches(context.Background(), col, want, rng); err != nil && !errors.Is(err, ErrCorrupt) {
					t.Errorf("%s %s: %v", name, d, err)
				} else if err != nil {
					damaged = true
				}
			}
			if damaged {
				foundOnRead++
			}
			ro.Close()
			if err := c.Close(); err != nil && !(damaged && errors.Is(err, ErrCorrupt)) {
				t.Errorf("%s %s: close: %v", name, d, err)
			}
		}
	}
	for _, k := range []string{manifestName, "docs", "lex", "vec", "wal"} {
		if !kinds[k] {
			t.Errorf("the collection has no %s file: %v", k, b.files)
		}
	}
	t.Logf("%d damaged files over %v: open refused %d, the first read found the damage %d times, repaired a log tail %d times, never returned wrong documents",
		cases, b.files, failedOpen, foundOnRead, repaired)
}

func mapsEqualBytes(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestCorruptFilesOnDisk runs Check and Open on damaged files in a real directory: Check
// reports the damage and leaves every byte as it was, Open refuses with ErrCorrupt, and a torn
// log tail is repaired.
func TestCorruptFilesOnDisk(t *testing.T) {
	b := buildCorruptBase(t)
	last := len(b.states) - 1
	cases := []struct {
		file    string
		damage  func(data []byte) []byte
		wantErr bool
		state   int
	}{
		{manifestName, func(d []byte) []byte { d[len(d)/2] ^= 0x10; return d }, true, 0},
		{"docs-", func(d []byte) []byte { d[len(d)/3] ^= 0x01; return d }, true, 0},
		{"lex-", func(d []byte) []byte { return d[:len(d)-1] }, true, 0},
		{"vec-", func(d []byte) []byte { d[40] ^= 0x80; return d }, true, 0},
		{b.wal, func(d []byte) []byte { d[b.walEnds[1]+2] ^= 0x04; return d }, true, 0},
		{b.wal, func(d []byte) []byte { return d[:b.walEnds[last]-3] }, false, last - 1},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			var damaged string
			for _, n := range b.files {
				data := b.read(t, b.mem, n)
				if strings.HasPrefix(n, tc.file) && damaged == "" {
					data, damaged = tc.damage(data), n
				}
				if err := os.WriteFile(filepath.Join(dir, n), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if damaged == "" {
				t.Fatalf("no file %s* in %v", tc.file, b.files)
			}
			before := dirBytes(t, storage.OS(), dir)
			rep, err := Check(dir)
			if after := dirBytes(t, storage.OS(), dir); !mapsEqualBytes(before, after) {
				t.Fatalf("Check changed the files")
			}
			if tc.wantErr && err == nil && rep.OK() {
				t.Errorf("Check found nothing wrong with %s: %+v", damaged, rep)
			}
			if !tc.wantErr && (err != nil || !rep.OK()) {
				t.Errorf("Check of a torn log tail: %v %+v", err, rep)
			}
			c, err := Open(dir, OpenOptions{Threads: 1})
			if tc.wantErr {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Open with %s damaged: %v, want ErrCorrupt", damaged, err)
				}
				if !strings.Contains(err.Error(), damaged) {
					t.Errorf("the error does not name %s: %v", damaged, err)
				}
				if after := dirBytes(t, storage.OS(), dir); !mapsEqualBytes(before, after) {
					t.Errorf("a failed Open changed the files")
				}
				// A failed Open releases the directory lock.
				if _, err := Open(dir, OpenOptions{Threads: 1}); !errors.Is(err, ErrCorrupt) {
					t.Errorf("second Open: %v, want ErrCorrupt again", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if diff := durableDiff(c, b.states[tc.state]); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

// FuzzOpen writes fuzzed bytes over one file of a valid collection, then checks and opens it.
// Neither may panic; an open that succeeds must hold documents the collection really had: all
// of them when a snapshot file was replaced (each read either right or failing with
// ErrCorrupt, and all of them right when the file verifies), a prefix of the log's writes
// when the log was.
func FuzzOpen(f *testing.F) {
	b := buildCorruptBase(f)
	originals := make([][]byte, len(b.files))
	for i, n := range b.files {
		originals[i] = b.read(f, b.mem, n)
		f.Add(uint8(i), originals[i])
		f.Add(uint8(i), originals[i][:len(originals[i])/2])
	}
	f.Add(uint8(0), []byte{})
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		i := int(which) % len(b.files)
		name := b.files[i]
		img := b.image(t, name, data)
		check(img, durableDir)
		ro, roErr := open(img, durableDir, OpenOptions{Threads: 1, ReadOnly: true})
		c, err := open(img, durableDir, OpenOptions{Threads: 1})
		if (err == nil) != (roErr == nil) {
			t.Fatalf("read-only open: %v; writable open: %v", roErr, err)
		}
		if err != nil {
			return
		}
		defer func() {
			c.wal.Close()
			c.lock.Close()
		}()
		defer ro.Close()
		last := len(b.states) - 1
		if name == b.wal {
			// The snapshot files are intact: both opens hold exactly a prefix of the log.
			if !slices.ContainsFunc(b.states, func(m durableModel) bool { return durableDiff(c, m) == "" && durableDiff(ro, m) == "" }) {
				t.Fatalf("replaced the log, and open returned documents that no prefix of it holds: %s", durableDiff(c, b.states[last]))
			}
			if problems := c.verify(); len(problems) > 0 {
				t.Fatalf("opened %s with inconsistent indexes: %v", name, problems)
			}
		} else {
			// A snapshot file is read in place: what is read is the collection's, or an error
			// marked as corruption; a file that verifies completely holds all of it.
			for _, col := range []*Collection{ro, c} {
				if diff, _ := readableDiff(col, b.states[last]); diff != "" {
					t.Fatalf("replaced %s, and open returned other documents than the collection's: %s", name, diff)
				}
			}
			if problems := c.verify(); len(problems) == 0 {
				if diff := durableDiff(c, b.states[last]); diff != "" {
					t.Fatalf("replaced %s with bytes that verify, and open returned: %s", name, diff)
				}
			}
		}
		for _, mode := range []Mode{Lexical, Vector, Hybrid} {
			if _, err := c.Search(context.Background(), Query{Text: "river stone", Mode: mode}); err != nil && (name == b.wal || !errors.Is(err, ErrCorrupt)) {
				t.Fatalf("%s search: %v", mode, err)
			}
		}
	})
}

// TestMissingFiles removes each file of a persisted collection in turn. Without its manifest
// the directory holds no collection (ErrNotFound); without any file the manifest names, Open
// must fail with ErrCorrupt, not make do with what is left, and Check must say what is missing.
func TestMissingFiles(t *testing.T) {
	b := buildCorruptBase(t)
	for _, name := range b.files {
		img := b.mem.CrashClone()
		if err := img.Remove(img.PathJoin(durableDir, name)); err != nil {
			t.Fatal(err)
		}
		rep, cerr := check(img, durableDir)
		if cerr == nil && rep.OK() {
			t.Errorf("without %s: check found nothing wrong", name)
		}
		// Check names the real paths.
		if want := img.PathJoin(durableDir, name); name != manifestName && (cerr != nil || !strings.Contains(strings.Join(rep.Problems, "; "), want)) {
			t.Errorf("without %s: check does not name %s: %v %v", name, want, cerr, rep.Problems)
		}
		c, err := open(img, durableDir, OpenOptions{Threads: 1})
		want := ErrCorrupt
		if name == manifestName {
			want = ErrNotFound
		}
		if !errors.Is(err, want) {
			if err == nil {
				c.Close()
			}
			t.Errorf("without %s: open gave %v, want %v", name, err, want)
			continue
		}
		if name != manifestName && !strings.Contains(err.Error(), name) {
			t.Errorf("without %s: the error does not name it: %v", name, err)
		}
	}
}

// durableFromCollection is the model of what c holds.
func durableFromCollection(c *Collection) durableModel {
	m := durableModel{}
	for _, id := range c.IDs() {
		d, err := c.Get(id)
		if err == nil {
			m[id] = d
		}
	}
	return m
}
