package lexical

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// lazyChecks is what an opened segment (OpenSegment) needs to verify its data on first use:
// the sections with their chunk checksums, which terms have been checked, and the first
// damage found.
//
// What is checked when:
//   - at open: the file's layout, META, the document IDs and lengths (read whole: every search
//     reads them at random), and the first and last entries of the dictionary and block
//     tables;
//   - when a lookup compares a term: that term's dictionary bytes;
//   - when a search, an explanation or a lookup first finds a term: its dictionary entry, its
//     block tables and postings (checksums, then every invariant validate checks);
//   - before a merge or an encoding reads the whole segment: everything, as DecodeSegment.
//
// A term found damaged is left out of searches and the damage is kept (Err), so that the
// caller can report it; nothing reads damaged bytes as if they were sound.
type lazyChecks struct {
	sec     [len(segTags)]*binfile.Checked
	size    int64
	checked []atomic.Uint64 // bit t: term t checked
	ftfs    sync.Pool       // *[]uint32 scratch for checkTermBlocks

	allOnce sync.Once
	allErr  error
	err     atomic.Pointer[error]
}

// OpenSegment opens an encoded segment in place, for data that is memory-mapped: it checks
// the layout, META and the per-document arrays now, and everything else the first time a
// search reads it (see lazyChecks), so opening costs time and memory in proportion to the
// number of documents, not to the size of the postings. data must stay unmodified for the
// segment's lifetime. A version 1 encoding, which has no chunk checksums, is decoded as by
// DecodeSegment. Errors are marked as corruption or wrap binfile.ErrVersion.
func OpenSegment(data []byte) (*Segment, error) {
	s, err := openSegment(data)
	if err != nil {
		return nil, fmt.Errorf("open segment: %w", err)
	}
	return s, nil
}

func openSegment(data []byte) (*Segment, error) {
	f, err := binfile.ParseLayout(data, segMagic, segVersion)
	if err != nil {
		return nil, err
	}
	if f.Version < 2 {
		return decodeSegment(data)
	}
	s, sec, err := segmentFromFile(f)
	if err != nil {
		return nil, err
	}
	lz := &lazyChecks{sec: sec, size: int64(len(data)), checked: make([]atomic.Uint64, (len(s.termDF)+63)/64)}
	nTerms, nBlocks := len(s.termDF), len(s.blkLast)
	for _, r := range []struct{ sec, i, j, size int }{
		{secIDs, 0, len(s.ids), 4},
		{secDocLen, 0, len(s.docLen), 4},
		{secTermOff, 0, 1, 4}, {secTermOff, nTerms, nTerms + 1, 4},
		{secTermBlk, 0, 1, 4}, {secTermBlk, nTerms, nTerms + 1, 4},
		{secBlkOff, 0, 1, 4}, {secBlkOff, nBlocks, nBlocks + 1, 4},
		{secPost, len(s.post) - unpackPad, len(s.post), 1},
	} {
		if err := sec[r.sec].VerifyWords(r.i, r.j, r.size); err != nil {
			return nil, err
		}
	}
	if err := s.checkDocs(); err != nil {
		return nil, err
	}
	if err := s.checkBounds(); err != nil {
		return nil, err
	}
	s.lazy = lz
	return s, nil
}

// Err returns the first damage found in an opened segment since it was opened, or nil.
func (s *Segment) Err() error {
	if s.lazy == nil {
		return nil
	}
	if p := s.lazy.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (lz *lazyChecks) fail(err error) {
	lz.err.CompareAndSwap(nil, &err)
}

// VerifyAll checks an opened segment completely, as DecodeSegment would (a no-op for other
// segments), and reports the first damage.
func (s *Segment) VerifyAll() error {
	lz := s.lazy
	if lz == nil {
		return nil
	}
	lz.allOnce.Do(func() {
		for _, c := range lz.sec {
			if lz.allErr = c.VerifyAll(); lz.allErr != nil {
				break
			}
		}
		if lz.allErr == nil {
			lz.allErr = s.validate()
		}
		if lz.allErr != nil {
			lz.fail(lz.allErr)
			return
		}
		for i := range lz.checked {
			lz.checked[i].Store(^uint64(0))
		}
	})
	return lz.allErr
}

// find returns the index of term in the dictionary, or −1. In an opened segment it is a
// binary search over the sorted terms, verifying what it compares, and a term found is checked
// before it is returned; damage is recorded (Err) and the term treated as absent.
func (s *Segment) find(term string) int {
	if s.lazy == nil {
		return s.lookup(term)
	}
	t, err := s.search(term)
	if err == nil && t >= 0 {
		err = s.checkTerm(t)
	}
	if err != nil {
		s.lazy.fail(err)
		return -1
	}
	return t
}

func (s *Segment) search(term string) (int, error) {
	key := []byte(term)
	lo, hi := 0, len(s.termDF)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		tb, err := s.checkedTerm(m)
		if err != nil {
			return -1, err
		}
		switch c := bytes.Compare(tb, key); {
		case c == 0:
			return m, nil
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return -1, nil
}

// checkedTerm returns the bytes of term t of an opened segment, verified.
func (s *Segment) checkedTerm(t int) ([]byte, error) {
	lz := s.lazy
	if err := lz.sec[secTermOff].VerifyWords(t, t+2, 4); err != nil {
		return nil, err
	}
	a, b := s.termOff[t], s.termOff[t+1]
	if b < a || int(b) > len(s.termBytes) {
		return nil, corruption.Errorf("term offsets decrease at term %d", t)
	}
	if err := lz.sec[secTermBytes].Verify(int(a), int(b)); err != nil {
		return nil, err
	}
	return s.termBytes[a:b], nil
}

// checkTerm verifies and validates term t of an opened segment, once.
func (s *Segment) checkTerm(t int) error {
	lz := s.lazy
	if lz.checked[t>>6].Load()&(1<<(t&63)) != 0 {
		return nil
	}
	if err := s.checkTermOnce(t); err != nil {
		return fmt.Errorf("term %d: %w", t, err)
	}
	lz.checked[t>>6].Or(1 << (t & 63))
	return nil
}

func (s *Segment) checkTermOnce(t int) error {
	lz := s.lazy
	if _, err := s.checkedTerm(t); err != nil {
		return err
	}
	if err := errors.Join(lz.sec[secTermBlk].VerifyWords(t, t+2, 4), lz.sec[secTermDF].VerifyWords(t, t+1, 4)); err != nil {
		return err
	}
	if err := s.checkTermEntry(t); err != nil {
		return err
	}
	first, end := int(s.termBlk[t]), int(s.termBlk[t+1])
	if err := errors.Join(
		lz.sec[secBlkLast].VerifyWords(first, end, 4),
		lz.sec[secBlkOff].VerifyWords(first, end+1, 4),
		lz.sec[secBlkImp].VerifyWords(first*impactWords, end*impactWords, 4),
	); err != nil {
		return err
	}
	from, to := s.blkOff[first], s.blkOff[end]
	if to < from || int(to) > len(s.post)-unpackPad {
		return corruption.Errorf("block offsets of term %d run from %d to %d", t, from, to)
	}
	if err := lz.sec[secPost].Verify(int(from), int(to)); err != nil {
		return err
	}
	scratch, _ := lz.ftfs.Get().(*[]uint32)
	if scratch == nil {
		b := make([]uint32, blockSize*s.numFields())
		scratch = &b
	}
	defer lz.ftfs.Put(scratch)
	return s.checkTermBlocks(t, *scratch)
}

// verifyDictionary verifies the whole term dictionary of an opened segment (offsets and
// bytes), for callers that read every term.
func (s *Segment) verifyDictionary() error {
	lz := s.lazy
	if lz == nil {
		return nil
	}
	err := errors.Join(lz.sec[secTermOff].VerifyAll(), lz.sec[secTermBytes].VerifyAll())
	for t := 0; err == nil && t < len(s.termDF); t++ {
		if s.termOff[t+1] < s.termOff[t] {
			err = corruption.Errorf("term offsets decrease at term %d", t)
		}
	}
	if err != nil {
		lz.fail(err)
	}
	return err
}

// InPlace reports whether the segment reads a file in place (OpenSegment) rather than
// memory it built or decoded.
func (s *Segment) InPlace() bool { return s.lazy != nil }
