package vajrahttp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/vajrasearch/vajra"
)

// namePattern is what a collection name may be: it is also the collection's directory name,
// so it can never be "..", hold a separator or start with a dot.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func checkName(name string) *Error {
	if !namePattern.MatchString(name) {
		return errorf(vajra.CodeInvalidField, "name", "collection name %q: want 1 to 64 letters, digits, '_' or '-'", truncateName(name))
	}
	return nil
}

func truncateName(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// entry is one served collection. Requests hold mu for reading while they use c; dropping the
// collection takes it for writing, so it waits for them and no request sees it closed.
type entry struct {
	name     string
	c        *vajra.Collection
	readOnly bool
	mu       sync.RWMutex
	gone     bool
}

// registry is the set of served collections.
type registry struct {
	dataDir string
	mu      sync.RWMutex
	m       map[string]*entry
	failed  map[string]string // collections that did not open at start: name → error
	// reserved names are being restored: not served yet, but not free either.
	reserved map[string]bool
}

func newRegistry(dataDir string) *registry {
	return &registry{dataDir: dataDir, m: map[string]*entry{}, failed: map[string]string{}, reserved: map[string]bool{}}
}

// acquire returns the named collection, held for use until release.
func (g *registry) acquire(name string) (*entry, *Error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	g.mu.RLock()
	e := g.m[name]
	g.mu.RUnlock()
	if e != nil {
		e.mu.RLock()
		if !e.gone {
			return e, nil
		}
		e.mu.RUnlock()
	}
	return nil, errorf(vajra.CodeCollectionNotFound, "name", "no collection named %q", name)
}

func (e *entry) release() { e.mu.RUnlock() }

// add serves c under name.
func (g *registry) add(name string, c *vajra.Collection, readOnly bool) error {
	if err := checkName(name); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.m[name]; ok {
		return fmt.Errorf("collection %q: %w", name, vajra.ErrExists)
	}
	g.m[name] = &entry{name: name, c: c, readOnly: readOnly}
	return nil
}

// names lists the served collections in name order.
func (g *registry) names() []string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	out := make([]string, 0, len(g.m))
	for n := range g.m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func (g *registry) dir(name string) string { return filepath.Join(g.dataDir, name) }

// openAll opens every collection directory of the data directory. A collection that fails to
// open is recorded, logged by the caller, and not served; the others are.
func (g *registry) openAll(ctx context.Context, oo vajra.OpenOptions) (map[string]error, error) {
	if g.dataDir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(g.dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	ents, err := os.ReadDir(g.dataDir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	failed := map[string]error{}
	for _, de := range ents {
		name := de.Name()
		if !de.IsDir() || !namePattern.MatchString(name) {
			continue
		}
		if _, err := os.Stat(filepath.Join(g.dataDir, name, "MANIFEST")); err != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return failed, err
		}
		c, err := vajra.Open(g.dir(name), oo)
		if err != nil {
			failed[name] = err
			continue
		}
		if err := g.add(name, c, false); err != nil {
			c.Close()
			failed[name] = err
		}
	}
	g.mu.Lock()
	for n, err := range failed {
		g.failed[n] = err.Error()
	}
	g.mu.Unlock()
	return failed, nil
}

// create makes a new on-disk collection.
func (g *registry) create(name string, o vajra.Options) (*vajra.Collection, *Error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if g.dataDir == "" {
		return nil, errorf(vajra.CodeReadOnly, "", "this server has no data directory: start it with --data DIR to create collections")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.m[name]; ok || g.reserved[name] {
		return nil, errorf(vajra.CodeCollectionExists, "name", "collection %q already exists", name)
	}
	dir := g.dir(name)
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, errorf(vajra.CodeCollectionExists, "name", "the data directory already holds a %q that is not a served collection", name)
	}
	c, err := vajra.Create(dir, o)
	if err != nil {
		e := fromVajra(err)
		e.Detail = strings.ReplaceAll(e.Detail, dir, name) // never show the server's paths
		return nil, e
	}
	g.m[name] = &entry{name: name, c: c}
	delete(g.failed, name)
	return c, nil
}

// reserve claims a free name for a collection that is being restored.
func (g *registry) reserve(name string) *Error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.m[name]; ok || g.reserved[name] {
		return errorf(vajra.CodeCollectionExists, "name", "collection %q already exists", name)
	}
	g.reserved[name] = true
	return nil
}

func (g *registry) unreserve(name string) {
	g.mu.Lock()
	delete(g.reserved, name)
	g.mu.Unlock()
}

// drop stops serving name, waits for the requests using it, closes it and deletes its files.
func (g *registry) drop(name string) *Error {
	if err := checkName(name); err != nil {
		return err
	}
	g.mu.Lock()
	e := g.m[name]
	if e == nil {
		g.mu.Unlock()
		return errorf(vajra.CodeCollectionNotFound, "name", "no collection named %q", name)
	}
	if e.readOnly || e.c.Dir() == "" {
		g.mu.Unlock()
		return errorf(vajra.CodeReadOnly, "name", "collection %q is read-only", name)
	}
	delete(g.m, name)
	g.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	e.gone = true
	err := e.c.Close()
	if rerr := vajra.Remove(e.c.Dir()); rerr != nil {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return errorf(vajra.CodeInternal, "", "drop collection %q: %s", name, strings.ReplaceAll(err.Error(), e.c.Dir(), name))
	}
	return nil
}

// closeAll waits for the requests in flight, then flushes and closes every collection.
func (g *registry) closeAll() error {
	g.mu.Lock()
	ents := make([]*entry, 0, len(g.m))
	for _, e := range g.m {
		ents = append(ents, e)
	}
	g.m = map[string]*entry{}
	g.mu.Unlock()
	var errs []error
	for _, e := range ents {
		e.mu.Lock()
		e.gone = true
		if err := e.c.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close %s: %w", e.name, err))
		}
		e.mu.Unlock()
	}
	return errors.Join(errs...)
}
