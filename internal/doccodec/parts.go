package doccodec

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// RecPart is one part of a write too large for one log record. A write is split into runs of
// whole documents (or ids), each a complete RecUpsert or RecDelete payload behind a part
// header: uvarint index, uvarint total (at least 2), the inner record type. The parts are
// appended together and replay applies them only when the last one is there, so a crash in
// the middle of a split write loses all of it, never some of it.
const RecPart uint8 = 3

// RecordOverhead bounds what a record adds to its documents' bytes: the part header and the
// count.
const RecordOverhead = 3*binary.MaxVarintLen64 + 1

// ErrTooLarge reports a document that does not fit in one log record by itself.
var ErrTooLarge = errors.New("too large for one write")

// LogRecord is one log record to append: its type and payload.
type LogRecord struct {
	Type    uint8
	Payload []byte
}

// MaxDocBytes is the largest encoded document (see DocSize) that fits in a record of limit
// bytes.
func MaxDocBytes(limit int) int { return limit - RecordOverhead }

// DocSize returns the bytes d takes in an upsert record.
func DocSize(d *corpus.Document) (int, error) {
	meta, err := MarshalMetadata(d.Metadata)
	if err != nil {
		return 0, fmt.Errorf("document %q: field \"metadata\": %w", d.ID, err)
	}
	n := strLen(len(d.ID)) + strLen(len(d.Title)) + strLen(len(d.Content)) + strLen(len(meta))
	return n + uvarintLen(uint64(len(d.Vector))) + 4*len(d.Vector), nil
}

func strLen(n int) int { return uvarintLen(uint64(n)) + n }

func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

// EncodeUpsertRecords lays out a batch as one RecUpsert record when it fits in limit bytes,
// else as RecPart records of at most limit bytes, each holding a run of whole documents in
// batch order. A document that cannot fit by itself is an error wrapping ErrTooLarge.
func EncodeUpsertRecords(docs []corpus.Document, limit int) ([]LogRecord, error) {
	var runs [][2]int
	lo, size := 0, 0
	for i := range docs {
		n, err := DocSize(&docs[i])
		if err != nil {
			return nil, err
		}
		if n > MaxDocBytes(limit) {
			return nil, fmt.Errorf("document %q: %w: %d bytes, one write holds at most %d", docs[i].ID, ErrTooLarge, n, MaxDocBytes(limit))
		}
		if size+n > MaxDocBytes(limit) {
			runs = append(runs, [2]int{lo, i})
			lo, size = i, 0
		}
		size += n
	}
	runs = append(runs, [2]int{lo, len(docs)})
	recs := make([]LogRecord, len(runs))
	for j, r := range runs {
		p, err := EncodeUpsert(docs[r[0]:r[1]])
		if err != nil {
			return nil, err
		}
		recs[j] = LogRecord{Type: RecUpsert, Payload: p}
	}
	return frame(recs), nil
}

// EncodeDeleteRecords lays out ids as EncodeUpsertRecords lays out documents.
func EncodeDeleteRecords(ids []string, limit int) ([]LogRecord, error) {
	var recs []LogRecord
	lo, size := 0, 0
	for i, id := range ids {
		n := strLen(len(id))
		if n > MaxDocBytes(limit) {
			return nil, fmt.Errorf("id %q…: %w: %d bytes", truncateID(id), ErrTooLarge, n)
		}
		if size+n > MaxDocBytes(limit) {
			recs = append(recs, LogRecord{Type: RecDelete, Payload: EncodeDelete(ids[lo:i])})
			lo, size = i, 0
		}
		size += n
	}
	recs = append(recs, LogRecord{Type: RecDelete, Payload: EncodeDelete(ids[lo:])})
	return frame(recs), nil
}

func truncateID(id string) string {
	if len(id) > 40 {
		return id[:40]
	}
	return id
}

// frame turns two or more records of one write into RecPart records.
func frame(recs []LogRecord) []LogRecord {
	if len(recs) < 2 {
		return recs
	}
	out := make([]LogRecord, len(recs))
	for i, r := range recs {
		p := make([]byte, 0, len(r.Payload)+RecordOverhead)
		p = binary.AppendUvarint(p, uint64(i))
		p = binary.AppendUvarint(p, uint64(len(recs)))
		p = append(p, r.Type)
		out[i] = LogRecord{Type: RecPart, Payload: append(p, r.Payload...)}
	}
	return out
}

// Assembler puts the RecPart records of split writes back together during replay.
type Assembler struct {
	typ         uint8
	next, total uint64
	docs        []corpus.Document
	ids         []string
}

// Add takes one RecPart payload. When it completes a write, Add returns the write's inner
// type (RecUpsert or RecDelete) with its documents or ids; otherwise typ is 0. A first part
// drops an unfinished write before it: that write's last part never reached the log, so it
// was never acknowledged.
func (a *Assembler) Add(p []byte) (typ uint8, docs []corpus.Document, ids []string, err error) {
	r := &recordReader{b: p}
	idx := r.uvarint(1<<32, "part index")
	total := r.uvarint(1<<32, "part count")
	if r.err == nil && (total < 2 || idx >= total || len(r.b) == 0) {
		r.err = corruption.Errorf("part %d of %d in log record", idx, total)
	}
	if r.err != nil {
		return 0, nil, nil, r.err
	}
	inner, body := r.b[0], r.b[1:]
	if idx == 0 {
		a.Drop()
		a.typ, a.total = inner, total
	} else if idx != a.next || total != a.total || inner != a.typ {
		return 0, nil, nil, corruption.Errorf("log record is part %d of %d of a write, expected part %d of %d", idx, total, a.next, a.total)
	}
	switch inner {
	case RecUpsert:
		d, err := DecodeUpsert(body)
		if err != nil {
			return 0, nil, nil, err
		}
		a.docs = append(a.docs, d...)
	case RecDelete:
		d, err := DecodeDelete(body)
		if err != nil {
			return 0, nil, nil, err
		}
		a.ids = append(a.ids, d...)
	default:
		return 0, nil, nil, corruption.Errorf("log record part holds unknown record type %d", inner)
	}
	a.next = idx + 1
	if a.next < a.total {
		return 0, nil, nil, nil
	}
	typ, docs, ids = a.typ, a.docs, a.ids
	*a = Assembler{}
	return typ, docs, ids, nil
}

// Drop discards an unfinished write and reports whether there was one. Replay calls it when
// a whole record follows parts, and at the end of the log.
func (a *Assembler) Drop() bool {
	had := a.total > 0
	*a = Assembler{}
	return had
}
