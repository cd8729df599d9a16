package vajra

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/vajrasearch/vajra/internal/storage"
)

// On-disk layout of a collection directory:
//
//	LOCK                 held by the one writer while the collection is open for writing
//	MANIFEST             the current generation: its files, its log, the stored options
//	docs-<gen>.vjd       documents, internal ids and the lexical deletion sets
//	lex-<segment>.vls    immutable lexical segments (written once, kept while referenced)
//	vec-<gen>.vjh        the HNSW index with its vectors
//	wal-<gen>.log        writes acknowledged since the snapshot
//
// A snapshot writes its new files, an empty log and then the manifest, atomically; files the
// new manifest does not name are removed afterwards. A crash at any point leaves either the
// old manifest (whose files and log are untouched) or the new one, complete.
//
// Numbers in file names only grow within a directory, even when a whole new collection
// replaces the old one (see Rebuild): a name, once published, never holds other bytes. That
// is what lets readers open a collection without its lock, while a writer moves on.
const (
	manifestName  = "MANIFEST"
	lockName      = "LOCK"
	formatVersion = "1"
	metaFormat    = "format"
	metaOptions   = "options"
	metaEmbedder  = "embedder"
)

func docsFileName(gen uint64) string          { return fmt.Sprintf("docs-%06d.vjd", gen) }
func vecFileName(gen uint64) string           { return fmt.Sprintf("vec-%06d.vjh", gen) }
func walFileName(gen uint64) string           { return fmt.Sprintf("wal-%06d.log", gen) }
func lexFileName(seg uint64) string           { return fmt.Sprintf("lex-%06d.vls", seg) }
func (c *Collection) path(name string) string { return c.fsys.PathJoin(c.dir, name) }

// fileKinds are the numbered files of a collection: name prefix and suffix.
var fileKinds = [...]struct{ prefix, suffix string }{
	{"docs-", ".vjd"}, {"vec-", ".vjh"}, {"wal-", ".log"}, {"lex-", ".vls"},
}

// parseFileName recognises a numbered collection file ("lex-000012.vls"), or the temporary
// file a crash left while writing one ("lex-000012.vls.tmp"), and returns its prefix and
// number.
func parseFileName(name string) (prefix string, n uint64, ok bool) {
	name = strings.TrimSuffix(name, storage.TempSuffix)
	for _, k := range fileKinds {
		digits, found := strings.CutPrefix(name, k.prefix)
		if !found {
			continue
		}
		digits, found = strings.CutSuffix(digits, k.suffix)
		if !found || digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
			return "", 0, false
		}
		n, err := strconv.ParseUint(digits, 10, 64)
		return k.prefix, n, err == nil
	}
	return "", 0, false
}

// isCollectionFile reports whether name is one a collection writes besides its manifest and
// lock: only such files are ever removed from a collection's directory.
func isCollectionFile(name string) bool {
	_, _, ok := parseFileName(name)
	return ok
}

// segmentIDFromName parses "lex-000012.vls".
func segmentIDFromName(name string) (uint64, bool) {
	prefix, id, ok := parseFileName(name)
	if !ok || prefix != "lex-" || strings.HasSuffix(name, storage.TempSuffix) {
		return 0, false
	}
	return id, true
}

// highestNumbers returns the largest generation and segment numbers among names, so that a
// new collection published there can number its files above every one of them.
func highestNumbers(names []string) (gen, seg uint64) {
	for _, name := range names {
		prefix, n, ok := parseFileName(name)
		switch {
		case !ok:
		case prefix == "lex-":
			seg = max(seg, n)
		default:
			gen = max(gen, n)
		}
	}
	return gen, seg
}

// dirKind is what a path holds, as far as collections are concerned.
type dirKind int

const (
	dirMissing    dirKind = iota // nothing at the path
	dirEmpty                     // a directory with nothing but a collection's leftovers (LOCK, numbered files)
	dirCollection                // a directory with a MANIFEST (whatever else it holds)
	dirForeign                   // anything else: a file, or a directory with other entries
)

// inspectDir tells what dir holds. Only dirMissing and dirEmpty may become a new collection,
// and only dirCollection may be replaced or removed, and then only its own files: nothing
// else is ever changed.
func inspectDir(fsys storage.FS, dir string) (dirKind, error) {
	st, err := fsys.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return dirMissing, nil
	}
	if err != nil {
		return 0, err
	}
	if !st.IsDir() {
		return dirForeign, nil
	}
	names, err := fsys.List(dir)
	if err != nil {
		return 0, err
	}
	foreign := false
	for _, n := range names {
		switch {
		case n == manifestName:
			return dirCollection, nil
		case n != lockName && !isCollectionFile(n):
			foreign = true
		}
	}
	if foreign {
		return dirForeign, nil
	}
	return dirEmpty, nil
}

// notCollectionError explains why dir cannot be used as a collection.
func notCollectionError(op, dir string) error {
	return fmt.Errorf("%s %s: %w: it exists and holds other things than a collection; nothing was changed", op, dir, ErrNotCollection)
}
