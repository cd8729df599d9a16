package vajra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vajrasearch/vajra/internal/embed"
	"github.com/vajrasearch/vajra/internal/storage"
)

// The durability tests (this file, corrupt_test.go and killtest_test.go) prove one promise:
// after a crash at any point, reopening a collection gives exactly the acknowledged writes,
// with the one write in flight at the crash either wholly present or wholly absent.

const (
	durableDim    = 16
	durableIDSpan = 24 // small, so that upserts replace and deletes hit
	durableDir    = "coll"
)

// durableOptions make a small collection that snapshots often and has a vector side.
func durableOptions() Options {
	return Options{
		Embedder:      EmbedderOptions{Kind: EmbedderHash, Dim: durableDim},
		Vector:        VectorOptions{Profile: "instant", Seed: 1},
		Threads:       1,
		SnapshotBytes: 4 << 10,
	}
}

type durableOpKind int

const (
	durableUpsert durableOpKind = iota
	durableDelete
	durableFlush
)

// durableOp is one write of a workload. Upserts carry documents without vectors (the
// collection embeds them), deletes carry ids, some of them absent.
type durableOp struct {
	kind durableOpKind
	docs []Document
	ids  []string
}

func (op *durableOp) String() string {
	switch op.kind {
	case durableUpsert:
		var b strings.Builder
		for i, d := range op.docs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(d.ID + "@" + d.Title)
		}
		return "upsert[" + b.String() + "]"
	case durableDelete:
		return "delete" + fmt.Sprint(op.ids)
	}
	return "flush"
}

// durableWords give documents some lexical variety beside their unique marker.
var durableWords = [...]string{"river", "stone", "bridge", "lantern", "orchard", "copper",
	"harbour", "meadow", "glacier", "violin", "compass", "thunder", "saffron", "falcon"}

// durableDoc is version ver of document id. Everything about it follows from (id, ver), so a
// separate process can rebuild the expected document from the two. The content holds a
// marker word unique to the version, for lexical and hybrid searches.
func durableDoc(id string, ver int) Document {
	w := func(k int) string { return durableWords[k%len(durableWords)] }
	d := Document{
		ID:      id,
		Title:   fmt.Sprintf("v%d %s %s", ver, w(ver), w(ver*7+3)),
		Content: fmt.Sprintf("%s %s %s %s and %s", durableMarker(id, ver), w(ver*3+1), w(ver*5+2), w(ver+4), w(ver*11)),
	}
	if ver%3 != 0 {
		d.Metadata = map[string]any{"ver": ver, "id": id, "tags": []any{"t" + fmt.Sprint(ver%4), "all"}}
	}
	return d
}

func durableMarker(id string, ver int) string { return fmt.Sprintf("mark%sv%d", id, ver) }

func durableID(i int) string { return fmt.Sprintf("d%02d", i) }

// durableWorkload draws a seeded random sequence of writes: upserts of 1–20 documents (ids
// may repeat within a batch: the last one wins), deletes of 1–4 ids, and explicit flushes.
type durableWorkload struct {
	rng *rand.Rand
	ver int
}

func newDurableWorkload(seed uint64) *durableWorkload {
	return &durableWorkload{rng: rand.New(rand.NewPCG(seed, 0x64757261626c65))}
}

func (w *durableWorkload) next() durableOp {
	switch r := w.rng.IntN(100); {
	case r < 5:
		return durableOp{kind: durableFlush}
	case r < 30:
		n := 1 + w.rng.IntN(4)
		op := durableOp{kind: durableDelete}
		for range n {
			op.ids = append(op.ids, durableID(w.rng.IntN(durableIDSpan)))
		}
		return op
	default:
		n := 1 + w.rng.IntN(20)
		op := durableOp{kind: durableUpsert}
		for range n {
			w.ver++
			op.docs = append(op.docs, durableDoc(durableID(w.rng.IntN(durableIDSpan)), w.ver))
		}
		return op
	}
}

// run performs op on c.
func (op *durableOp) run(ctx context.Context, c *Collection) error {
	var err error
	switch op.kind {
	case durableUpsert:
		_, err = c.Upsert(ctx, op.docs)
	case durableDelete:
		_, err = c.Delete(ctx, op.ids)
	default:
		err = c.Flush()
	}
	return err
}

// durableModel is the state a collection must show: id → document, with metadata as JSON
// normalises it and the vector as the collection stores it (embedded, normalised).
type durableModel map[string]Document

// durableEmbedder computes the vectors a durable collection stores, independently of it.
type durableEmbedder struct {
	h     embed.Embedder
	cache map[string][]float32
}

func newDurableEmbedder(t testing.TB) *durableEmbedder {
	h, err := embed.NewHash(embed.HashOptions{Dim: durableDim})
	if err != nil {
		t.Fatal(err)
	}
	return &durableEmbedder{h: h, cache: map[string][]float32{}}
}

func (e *durableEmbedder) vector(t testing.TB, d *Document) []float32 {
	text := embedText(d)
	if v, ok := e.cache[text]; ok {
		return v
	}
	vs, err := e.h.Embed(context.Background(), []string{text})
	if err != nil {
		t.Fatal(err)
	}
	v := vs[0]
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	s = math.Sqrt(s)
	for i := range v {
		v[i] = float32(float64(v[i]) / s)
	}
	e.cache[text] = v
	return v
}

// applied returns the model after op, leaving m unchanged.
func (m durableModel) applied(t testing.TB, e *durableEmbedder, op *durableOp) durableModel {
	out := make(durableModel, len(m)+len(op.docs))
	for id, d := range m {
		out[id] = d
	}
	switch op.kind {
	case durableUpsert:
		for _, d := range op.docs {
			d.Metadata = normaliseMetadata(t, d.Metadata)
			d.Vector = e.vector(t, &d)
			out[d.ID] = d
		}
	case durableDelete:
		for _, id := range op.ids {
			delete(out, id)
		}
	}
	return out
}

func normaliseMetadata(t testing.TB, m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func (m durableModel) ids() []string {
	out := make([]string, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// durableDiff describes the first difference between c and m ("" when c holds exactly m).
func durableDiff(c *Collection, m durableModel) string {
	got := c.IDs()
	slices.Sort(got)
	if want := m.ids(); !slices.Equal(got, want) {
		return fmt.Sprintf("ids %v, want %v", got, want)
	}
	for _, id := range got {
		d, err := c.Get(id)
		if err != nil {
			return fmt.Sprintf("get %q: %v", id, err)
		}
		if diff := docDiff(id, d, m[id]); diff != "" {
			return diff
		}
	}
	return ""
}

// docDiff describes how document d differs from w ("" when it does not).
func docDiff(id string, d, w Document) string {
	if d.Title != w.Title || d.Content != w.Content {
		return fmt.Sprintf("document %q is %q/%q, want %q/%q", id, d.Title, d.Content, w.Title, w.Content)
	}
	gm, _ := json.Marshal(d.Metadata)
	wm, _ := json.Marshal(w.Metadata)
	if string(gm) != string(wm) {
		return fmt.Sprintf("document %q metadata %s, want %s", id, gm, wm)
	}
	if len(d.Vector) != len(w.Vector) {
		return fmt.Sprintf("document %q vector has %d values, want %d", id, len(d.Vector), len(w.Vector))
	}
	for i := range d.Vector {
		if math.Abs(float64(d.Vector[i]-w.Vector[i])) > 1e-5 {
			return fmt.Sprintf("document %q vector[%d] = %v, want %v", id, i, d.Vector[i], w.Vector[i])
		}
	}
	return ""
}

// readableDiff is durableDiff for a collection whose files may be damaged where it has not
// read them yet: a document whose read fails with ErrCorrupt is damage found (and IDs may
// leave its id out), not a difference; any document read must be exactly m's. It reports
// whether damage was found.
func readableDiff(c *Collection, m durableModel) (diff string, damaged bool) {
	ids := c.IDs()
	for _, id := range ids {
		if _, ok := m[id]; !ok {
			return fmt.Sprintf("ids %v hold %q, which the collection does not have", ids, id), false
		}
	}
	for _, id := range m.ids() {
		d, err := c.Get(id)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				return fmt.Sprintf("get %q: %v", id, err), damaged
			}
			damaged = true
			continue
		}
		if diff := docDiff(id, d, m[id]); diff != "" {
			return diff, damaged
		}
		if !slices.Contains(ids, id) {
			return fmt.Sprintf("ids %v lack %q, which Get returns", ids, id), damaged
		}
	}
	return "", damaged
}

// lostDocs counts the documents of m that c does not hold as m has them.
func lostDocs(c *Collection, m durableModel) int {
	lost := 0
	for id, w := range m {
		d, err := c.Get(id)
		if err != nil || d.Title != w.Title || d.Content != w.Content {
			lost++
		}
	}
	return lost
}

// matchState checks that c holds m, or (when inflight is non-nil) m with inflight applied, and
// returns the model it matched.
func matchState(t testing.TB, e *durableEmbedder, c *Collection, m durableModel, inflight *durableOp) (durableModel, error) {
	diff := durableDiff(c, m)
	if diff == "" {
		return m, nil
	}
	if inflight == nil {
		return nil, fmt.Errorf("%s (%d acknowledged documents lost)", diff, lostDocs(c, m))
	}
	after := m.applied(t, e, inflight)
	diff2 := durableDiff(c, after)
	if diff2 == "" {
		return after, nil
	}
	return nil, fmt.Errorf("neither the acknowledged state (%s) nor it plus the in-flight %s (%s)", diff, inflight, diff2)
}

// checkDurableSearches runs lexical, vector and hybrid searches for a few documents of m
// (which c holds): each must find its document, and no search may return an id outside m.
func checkDurableSearches(ctx context.Context, c *Collection, m durableModel, rng *rand.Rand) error {
	ids := m.ids()
	if len(ids) == 0 {
		res, err := c.Search(ctx, Query{Text: "river stone", Mode: Hybrid, K: 10})
		if err != nil {
			return err
		}
		if len(res.Hits) != 0 {
			return fmt.Errorf("empty collection returned %d hits", len(res.Hits))
		}
		return nil
	}
	k := durableIDSpan + 5
	for range 3 {
		id := ids[rng.IntN(len(ids))]
		d := m[id]
		marker := strings.Fields(d.Content)[0]
		for _, q := range []Query{
			{Text: marker, Mode: Lexical, K: k},
			{Vector: d.Vector, Mode: Vector, K: k, EfSearch: 64},
			{Text: marker, Mode: Hybrid, K: k},
		} {
			res, err := c.Search(ctx, q)
			if err != nil {
				return fmt.Errorf("%s search for %q: %w", q.Mode, id, err)
			}
			found := false
			for _, h := range res.Hits {
				if _, ok := m[h.ID]; !ok {
					return fmt.Errorf("%s search for %q returned %q, which is not in the collection", q.Mode, id, h.ID)
				}
				found = found || h.ID == id
			}
			if !found {
				return fmt.Errorf("%s search for %q (%q) did not find it: %v", q.Mode, id, marker, hitIDs(res))
			}
		}
	}
	return nil
}

func hitIDs(res *Results) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

// crashInjector counts crash points on an ErrorFS: one before each mutating operation, and
// one right after each file sync (so that a crash can fall between a log sync and the reply to
// the write it made durable). At the at-th point it takes the state a power cut would leave
// (mem.CrashClone, or CrashCloneTorn) and from then on fails every operation: the process is
// dead.
type crashInjector struct {
	mem  *storage.MemFS
	at   int
	torn bool
	seed uint64

	mu       sync.Mutex
	n        int
	clone    *storage.MemFS
	current  int // the workload step in progress (-1: create)
	inflight int // the step in progress at the crash
}

func (ci *crashInjector) Inject(e storage.Event) storage.Fault {
	ci.mu.Lock()
	defer ci.mu.Unlock()
	if ci.clone != nil {
		return storage.Fault{Err: storage.ErrInjected}
	}
	if e.Op&storage.OpMutating == 0 {
		return storage.Fault{}
	}
	return ci.pointLocked()
}

// InjectAfter implements storage.AfterInjector: a crash point after every file sync.
func (ci *crashInjector) InjectAfter(e storage.Event) storage.Fault {
	ci.mu.Lock()
	defer ci.mu.Unlock()
	if ci.clone != nil || e.Op != storage.OpSync {
		return storage.Fault{}
	}
	return ci.pointLocked()
}

func (ci *crashInjector) pointLocked() storage.Fault {
	ci.n++
	if ci.at <= 0 || ci.n < ci.at {
		return storage.Fault{}
	}
	ci.crashLocked()
	return storage.Fault{Err: storage.ErrInjected}
}

func (ci *crashInjector) crashLocked() {
	if ci.torn {
		ci.clone = ci.mem.CrashCloneTorn(ci.seed)
	} else {
		ci.clone = ci.mem.CrashClone()
	}
	ci.inflight = ci.current
}

func (ci *crashInjector) setStep(i int) {
	ci.mu.Lock()
	ci.current = i
	ci.mu.Unlock()
}

// crashOutcome is what one crash run left behind.
type crashOutcome struct {
	clone    *storage.MemFS
	created  bool // Create returned nil
	model    durableModel
	inflight *durableOp // nil when the crash hit no write (or an acknowledged one)
	acked    int        // writes acknowledged
	points   int        // crash points counted (the whole run when nothing crashed)
}

// runUntilCrash creates a collection on ErrorFS(MemFS), runs steps writes of the seeded
// workload and crashes at the at-th crash point (at <= 0: never; the clone is then taken at
// the end). Writes go on after the crash until the first one fails, as a process
// would until it notices.
func runUntilCrash(t testing.TB, e *durableEmbedder, seed uint64, steps, at int, torn bool) crashOutcome {
	ctx := context.Background()
	mem := storage.NewMemFS()
	ci := &crashInjector{mem: mem, at: at, torn: torn, seed: seed, current: -1}
	fsys := storage.NewErrorFS(mem, ci)
	out := crashOutcome{model: durableModel{}}
	c, err := create(fsys, durableDir, durableOptions())
	if err == nil {
		out.created = true
		w := newDurableWorkload(seed)
		for i := range steps {
			op := w.next()
			ci.setStep(i)
			if err := op.run(ctx, c); err != nil {
				ci.mu.Lock()
				crashed, inflight := ci.clone != nil, ci.inflight
				ci.mu.Unlock()
				if !crashed {
					t.Fatalf("seed %d step %d: %s failed before any crash: %v", seed, i, &op, err)
				}
				if inflight == i {
					out.inflight = &op
				}
				break
			}
			if op.kind != durableFlush {
				out.acked++
			}
			out.model = out.model.applied(t, e, &op)
		}
	} else if at <= 0 {
		t.Fatalf("seed %d: create: %v", seed, err)
	}
	ci.mu.Lock()
	defer ci.mu.Unlock()
	if ci.clone == nil {
		ci.crashLocked()
	}
	out.clone = ci.clone
	out.points = ci.n
	return out
}

// verifyRecovery opens what a crash left and checks it against the acknowledged writes. It
// returns the state found.
func verifyRecovery(t testing.TB, e *durableEmbedder, o crashOutcome, rng *rand.Rand, reopen bool) (durableModel, error) {
	ctx := context.Background()
	rep, cerr := check(o.clone, durableDir)
	c, err := open(o.clone, durableDir, OpenOptions{Threads: 1})
	if err != nil {
		if !o.created && errors.Is(err, ErrNotFound) {
			return durableModel{}, nil // the crash came before Create made the collection durable
		}
		return nil, fmt.Errorf("open after crash: %w", err)
	}
	defer func() {
		if c != nil {
			c.wal.Close()
			c.lock.Close()
		}
	}()
	if cerr != nil || !rep.OK() {
		return nil, fmt.Errorf("check after crash: %v %+v", cerr, rep)
	}
	got, err := matchState(t, e, c, o.model, o.inflight)
	if err != nil {
		return nil, err
	}
	if err := checkDurableSearches(ctx, c, got, rng); err != nil {
		return nil, err
	}
	if !reopen {
		return got, nil
	}
	// Recovering again from the recovered state (after the snapshot Close writes) must give the
	// same documents.
	if err := c.Close(); err != nil {
		return nil, fmt.Errorf("close after recovery: %w", err)
	}
	c = nil
	if rep, err := check(o.clone, durableDir); err != nil || !rep.OK() {
		return nil, fmt.Errorf("check after recovery: %v %+v", err, rep)
	}
	c2, err := open(o.clone, durableDir, OpenOptions{Threads: 1})
	if err != nil {
		return nil, fmt.Errorf("second open: %w", err)
	}
	defer c2.Close()
	if diff := durableDiff(c2, got); diff != "" {
		return nil, fmt.Errorf("second open: %s", diff)
	}
	return got, nil
}

// TestCrashAtEveryPoint crashes seeded random workloads at every crash point (before each
// mutating file-system operation, and after each file sync; strict and torn crashes
// alternately) and checks that reopening gives exactly the acknowledged writes, the in-flight
// one all or nothing. Crashes after the log sync of a write, before its reply, leave that
// write wholly present: both outcomes of an in-flight write must occur.
func TestCrashAtEveryPoint(t *testing.T) {
	seeds, steps := 4, 20
	if testing.Short() || raceEnabled() {
		seeds = 1
	}
	e := newDurableEmbedder(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var points, acked, inflightApplied, inflightDropped, torn, recoveryCrashes int
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		total := runUntilCrash(t, e, seed, steps, 0, false).points
		for at := 1; at <= total+1; at++ {
			isTorn := at%2 == 0
			o := runUntilCrash(t, e, seed, steps, at, isTorn)
			image := o.clone.CrashClone()
			got, err := verifyRecovery(t, e, o, rng, at%5 == 0)
			if err != nil {
				t.Fatalf("seed %d, crash at point %d of %d (torn %v), in flight %v: %v",
					seed, at, total, isTorn, o.inflight, err)
			}
			if at%3 == 0 && o.created {
				if err := crashDuringRecovery(image, got, rng); err != nil {
					t.Fatalf("seed %d, crash at point %d of %d (torn %v), then a crash during recovery: %v",
						seed, at, total, isTorn, err)
				}
				recoveryCrashes++
			}
			points++
			acked += o.acked
			if isTorn {
				torn++
			}
			if o.inflight != nil && o.inflight.kind != durableFlush {
				if durableEqual(got, o.model) {
					inflightDropped++
				} else {
					inflightApplied++
				}
			}
		}
	}
	t.Logf("%d crash points (%d torn) over %d seeds, %d more crashes during recovery; %d writes acknowledged before them, 0 lost; in-flight writes: %d recovered, %d dropped",
		points, torn, seeds, recoveryCrashes, acked, inflightApplied, inflightDropped)
	if inflightApplied == 0 || inflightDropped == 0 {
		t.Fatalf("in-flight writes: %d recovered, %d dropped; both outcomes must be exercised", inflightApplied, inflightDropped)
	}
}

// crashDuringRecovery recovers a crash image (open, then Close, which writes a snapshot) and
// cuts the power again at a random mutating operation of that recovery: reopening must still
// give want, the state a completed recovery of the image gives.
func crashDuringRecovery(image *storage.MemFS, want durableModel, rng *rand.Rand) error {
	recoverOn := func(fsys storage.FS) error {
		c, err := open(fsys, durableDir, OpenOptions{Threads: 1})
		if err != nil {
			return err
		}
		return c.Close()
	}
	count := &crashInjector{mem: image.CrashClone()}
	if err := recoverOn(storage.NewErrorFS(count.mem, count)); err != nil {
		return fmt.Errorf("recovery without a crash: %w", err)
	}
	ci := &crashInjector{mem: image.CrashClone(), at: 1 + rng.IntN(count.n), torn: rng.IntN(2) == 0, seed: rng.Uint64()}
	recoverOn(storage.NewErrorFS(ci.mem, ci))
	ci.mu.Lock()
	if ci.clone == nil {
		ci.crashLocked()
	}
	clone := ci.clone
	ci.mu.Unlock()
	c, err := open(clone, durableDir, OpenOptions{Threads: 1})
	if err != nil {
		return fmt.Errorf("open after a crash at operation %d of %d of recovery: %w", ci.at, count.n, err)
	}
	defer c.Close()
	if diff := durableDiff(c, want); diff != "" {
		return fmt.Errorf("after a crash at operation %d of %d of recovery: %s", ci.at, count.n, diff)
	}
	return nil
}

// raceEnabled reports whether the test binary was built with -race, whose slowdown the longest
// durability tests make up for by running fewer iterations.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// durableEqual reports whether a and b hold the same versions of the same ids.
func durableEqual(a, b durableModel) bool {
	if len(a) != len(b) {
		return false
	}
	for id, d := range a {
		w, ok := b[id]
		if !ok || w.Title != d.Title {
			return false
		}
	}
	return true
}

// durableFingerprint is everything a reader can observe of c: its documents and the results
// (ids and scores) of a few lexical, vector and hybrid searches.
func durableFingerprint(t testing.TB, c *Collection) string {
	var b strings.Builder
	ids := c.IDs()
	fmt.Fprintf(&b, "ids %v\n", ids)
	for _, id := range ids {
		d, err := c.Get(id)
		if err != nil {
			t.Fatalf("get %q: %v", id, err)
		}
		js, _ := json.Marshal(d)
		b.Write(js)
		b.WriteByte('\n')
	}
	for _, q := range []Query{
		{Text: "river stone bridge", Mode: Lexical, K: 8},
		{Text: "lantern orchard", Mode: Vector, K: 8},
		{Text: "meadow copper violin", Mode: Hybrid, K: 8},
		{Text: "harbour", Mode: Lexical, K: 8, Filter: "tags = t1"},
	} {
		res, err := c.Search(context.Background(), q)
		if err != nil {
			// A filter on a field no document has yet is an error; its text is part of
			// what a reader sees.
			fmt.Fprintf(&b, "error %v\n", err)
			continue
		}
		for _, h := range res.Hits {
			fmt.Fprintf(&b, "%s:%.6g ", h.ID, h.Score)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestWriteFaultsLeaveStateUnchanged injects I/O errors (failed and short writes, failed
// syncs, creates, renames and removes) into a running workload: every write that fails must
// leave the collection exactly as it was, every write that succeeds must be in it, and a
// power cut at any moment in between must lose nothing acknowledged.
func TestWriteFaultsLeaveStateUnchanged(t *testing.T) {
	ctx := context.Background()
	seeds, steps := 12, 60
	if testing.Short() {
		seeds = 3
	}
	e := newDurableEmbedder(t)
	var acked, failed, clones, faultyOpens int
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		mem := storage.NewMemFS()
		faults := &storage.FailRandom{
			Ops: storage.OpWrite | storage.OpSync | storage.OpSyncDir | storage.OpCreate | storage.OpRename |
				storage.OpRemove | storage.OpOpenReadWrite | storage.OpTruncate,
			P: 0.04, Seed: seed, ShortWrite: true,
		}
		var mu sync.Mutex
		inject := false
		fsys := storage.NewErrorFS(mem, storage.InjectorFunc(func(ev storage.Event) storage.Fault {
			mu.Lock()
			on := inject
			mu.Unlock()
			if !on {
				return storage.Fault{}
			}
			return faults.Inject(ev)
		}))
		setInject := func(on bool) {
			mu.Lock()
			inject = on
			mu.Unlock()
		}
		c, err := create(fsys, durableDir, durableOptions())
		if err != nil {
			t.Fatal(err)
		}
		setInject(true)
		verifyClone := func(when string, m durableModel) {
			t.Helper()
			clone := mem.CrashClone()
			// Recovery meets I/O errors too: it must fail with them (not call them
			// corruption) or succeed, and either way leave files a later open recovers.
			faulty := storage.NewErrorFS(clone, &storage.FailRandom{Ops: storage.OpAll, P: 0.01, Seed: seed + uint64(clones), ShortWrite: true})
			if c2, err := open(faulty, durableDir, OpenOptions{Threads: 1}); err != nil {
				if !errors.Is(err, storage.ErrInjected) || errors.Is(err, ErrCorrupt) {
					t.Fatalf("seed %d, %s: open with I/O errors: %v", seed, when, err)
				}
				faultyOpens++
			} else {
				if diff := durableDiff(c2, m); diff != "" {
					t.Fatalf("seed %d, %s: open with I/O errors: %s", seed, when, diff)
				}
				c2.Close()
			}
			c2, err := open(clone, durableDir, OpenOptions{Threads: 1})
			if err != nil {
				t.Fatalf("seed %d, %s: open after a crash: %v", seed, when, err)
			}
			defer c2.Close()
			if diff := durableDiff(c2, m); diff != "" {
				t.Fatalf("seed %d, %s: after a crash: %s", seed, when, diff)
			}
			clones++
		}
		model := durableModel{}
		w := newDurableWorkload(seed)
		for i := range steps {
			op := w.next()
			before := durableFingerprint(t, c)
			if err := op.run(ctx, c); err != nil {
				if !errors.Is(err, storage.ErrInjected) && !errors.Is(err, storage.ErrWALFailed) {
					t.Errorf("seed %d step %d: %s: unexpected error %v", seed, i, &op, err)
				}
				if after := durableFingerprint(t, c); after != before {
					t.Fatalf("seed %d step %d: failed %s (%v) changed the collection:\nbefore:\n%s\nafter:\n%s", seed, i, &op, err, before, after)
				}
				failed++
			} else {
				if op.kind != durableFlush {
					acked++
				}
				model = model.applied(t, e, &op)
				if diff := durableDiff(c, model); diff != "" {
					t.Fatalf("seed %d step %d: after %s: %s", seed, i, &op, diff)
				}
			}
			if i%5 == 4 {
				verifyClone(fmt.Sprintf("step %d", i), model)
			}
		}
		setInject(false)
		verifyClone("end", model)
		if err := c.Close(); err != nil {
			t.Fatalf("seed %d: close: %v", seed, err)
		}
		c2, err := open(mem, durableDir, OpenOptions{Threads: 1})
		if err != nil {
			t.Fatalf("seed %d: reopen: %v", seed, err)
		}
		if diff := durableDiff(c2, model); diff != "" {
			t.Fatalf("seed %d: reopen: %s", seed, diff)
		}
		if err := c2.Close(); err != nil {
			t.Fatal(err)
		}
		if rep, err := check(mem, durableDir); err != nil || !rep.OK() {
			t.Fatalf("seed %d: check: %v %+v", seed, err, rep)
		}
	}
	t.Logf("%d writes acknowledged, %d failed (state unchanged), %d crash images verified (%d opens failed on I/O errors first), 0 writes lost",
		acked, failed, clones, faultyOpens)
}
