package vajra

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"testing"

	"github.com/vajrasearch/vajra/internal/storage"
)

// replaceBase is a collection on a MemFS with several generations and writes in its log.
type replaceBase struct {
	mem   *storage.MemFS
	model durableModel
}

func buildReplaceBase(t *testing.T, e *durableEmbedder) replaceBase {
	ctx := context.Background()
	mem := storage.NewMemFS()
	c, err := create(mem, durableDir, durableOptions())
	if err != nil {
		t.Fatal(err)
	}
	model := durableModel{}
	w := newDurableWorkload(7)
	for range 12 {
		op := w.next()
		if err := op.run(ctx, c); err != nil {
			t.Fatal(err)
		}
		model = model.applied(t, e, &op)
	}
	// Stop without Close: the last writes live only in the log.
	c.wal.Close()
	c.lock.Close()
	return replaceBase{mem: mem.CrashClone(), model: model}
}

// replaceScenario is one way of putting a collection in place of another (or of nothing).
type replaceScenario struct {
	name string
	// base says whether the scenario starts from the base collection (else from nothing).
	base bool
	// run performs it on fsys.
	run func(ctx context.Context, fsys storage.FS) error
	// after is the state once run succeeded; nil for no collection.
	after durableModel
}

// TestReplaceCrashAtEveryPoint crashes Rebuild, Build and Remove at every crash point (before
// each mutating file operation, after each file sync): what a restart finds is the old
// collection or the new one (for Remove, the old one or none), complete and consistent, never a
// mix, and the directory of a collection being replaced exists at every moment.
func TestReplaceCrashAtEveryPoint(t *testing.T) {
	e := newDurableEmbedder(t)
	base := buildReplaceBase(t, e)
	newDocs := durableOp{kind: durableUpsert}
	for i := range 15 {
		newDocs.docs = append(newDocs.docs, durableDoc(fmt.Sprintf("n%02d", i), 1000+i))
	}
	newModel := durableModel{}.applied(t, e, &newDocs)
	fill := func(ctx context.Context, c *Collection) error { return newDocs.run(ctx, c) }
	scenarios := []replaceScenario{
		{"rebuild", true, func(ctx context.Context, fsys storage.FS) error {
			c, err := build(ctx, fsys, durableDir, durableOptions(), true, fill)
			if err == nil {
				err = c.Close()
			}
			return err
		}, newModel},
		{"build", false, func(ctx context.Context, fsys storage.FS) error {
			c, err := build(ctx, fsys, durableDir, durableOptions(), false, fill)
			if err == nil {
				err = c.Close()
			}
			return err
		}, newModel},
		{"remove", true, func(ctx context.Context, fsys storage.FS) error {
			return remove(fsys, durableDir)
		}, nil},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			image := func() *storage.MemFS {
				if sc.base {
					return base.mem.CrashClone()
				}
				return storage.NewMemFS()
			}
			var before durableModel
			if sc.base {
				before = base.model
			}
			count := &crashInjector{mem: image()}
			if err := sc.run(context.Background(), storage.NewErrorFS(count.mem, count)); err != nil {
				t.Fatalf("without a crash: %v", err)
			}
			outcomes := map[string]int{}
			for at := 1; at <= count.n+1; at++ {
				mem := image()
				ci := &crashInjector{mem: mem, at: at, torn: at%2 == 0, seed: uint64(at)}
				missing := 0
				watch := storage.InjectorFunc(func(ev storage.Event) storage.Fault {
					if _, err := mem.Stat(durableDir); sc.base && sc.after != nil && errors.Is(err, fs.ErrNotExist) {
						missing++
					}
					return ci.Inject(ev)
				})
				err := sc.run(context.Background(), storage.NewErrorFS(mem, afterOf{watch, ci}))
				if missing > 0 {
					t.Fatalf("crash point %d: %s was missing at %d operations", at, durableDir, missing)
				}
				ci.mu.Lock()
				if ci.clone == nil {
					if err != nil {
						t.Fatalf("crash point %d: failed without a crash: %v", at, err)
					}
					ci.crashLocked()
				}
				clone := ci.clone
				ci.mu.Unlock()
				got, err := recoverReplaced(t, clone, before, sc.after, rng)
				if err != nil {
					t.Fatalf("crash point %d of %d (torn %v): %v", at, count.n, at%2 == 0, err)
				}
				outcomes[got]++
			}
			t.Logf("%s: %d crash points; after the crash: %v", sc.name, count.n+1, outcomes)
			if sc.base && outcomes["old"] == 0 || outcomes[map[bool]string{true: "new", false: "none"}[sc.after != nil]] == 0 {
				t.Fatalf("outcomes %v: both the old and the new state must occur", outcomes)
			}
		})
	}
}

// afterOf combines an Injector with the AfterInjector of a crashInjector.
type afterOf struct {
	storage.Injector
	ci *crashInjector
}

func (a afterOf) InjectAfter(e storage.Event) storage.Fault { return a.ci.InjectAfter(e) }

// recoverReplaced opens a crash image and says which state it holds: "old" (before), "new"
// (after), or "none" (no collection, allowed where before or after is nil). Check and a
// read-only open must agree, and the collection must take writes and reopen the same.
func recoverReplaced(t *testing.T, clone *storage.MemFS, before, after durableModel, rng *rand.Rand) (string, error) {
	ctx := context.Background()
	ro, roErr := open(clone, durableDir, OpenOptions{Threads: 1, ReadOnly: true})
	c, err := open(clone, durableDir, OpenOptions{Threads: 1})
	if errors.Is(err, ErrNotFound) && (before == nil || after == nil) {
		if !errors.Is(roErr, ErrNotFound) {
			return "", fmt.Errorf("no collection, but the read-only open says %v", roErr)
		}
		// Nothing there, or only leftovers: a new collection can be made in its place.
		nc, err := create(clone, durableDir, durableOptions())
		if err != nil {
			return "", fmt.Errorf("create where no collection was left: %w", err)
		}
		return "none", nc.Close()
	}
	if err != nil {
		return "", fmt.Errorf("open: %w", err)
	}
	defer c.Close()
	if roErr != nil {
		return "", fmt.Errorf("read-only open: %w", roErr)
	}
	defer ro.Close()
	state := ""
	for name, m := range map[string]durableModel{"old": before, "new": after} {
		if m != nil && durableDiff(c, m) == "" {
			state = name
		}
	}
	if state == "" {
		return "", fmt.Errorf("neither the old nor the new collection: old: %s; new: %s", durableDiff(c, before), durableDiff(c, after))
	}
	if diff := durableDiff(ro, durableFromCollection(c)); diff != "" {
		return "", fmt.Errorf("the read-only open differs: %s", diff)
	}
	want := map[string]durableModel{"old": before, "new": after}[state]
	if err := checkDurableSearches(ctx, c, want, rng); err != nil {
		return "", err
	}
	if rep, err := check(clone, durableDir); err != nil || !rep.OK() {
		return "", fmt.Errorf("check: %v %+v", err, rep)
	}
	op := durableOp{kind: durableUpsert, docs: []Document{durableDoc("z", 1)}}
	if err := op.run(ctx, c); err != nil {
		return "", fmt.Errorf("write after recovery: %w", err)
	}
	if err := c.Close(); err != nil {
		return "", err
	}
	c2, err := open(clone, durableDir, OpenOptions{Threads: 1})
	if err != nil {
		return "", fmt.Errorf("reopen after a write: %w", err)
	}
	defer c2.Close()
	if _, err := c2.Get("z"); err != nil || c2.Len() != len(want)+1 {
		return "", fmt.Errorf("reopen after a write: %d documents, want %d: %v", c2.Len(), len(want)+1, err)
	}
	return state, nil
}
