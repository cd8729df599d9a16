package doccodec

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/corruption"
)

func sizedDocs(n, contentBytes int) []corpus.Document {
	docs := make([]corpus.Document, n)
	for i := range docs {
		docs[i] = corpus.Document{ID: fmt.Sprintf("d%03d", i), Title: "t", Content: strings.Repeat("x", contentBytes),
			Metadata: map[string]any{"i": float64(i)}, Vector: []float32{float32(i), 1}}
	}
	return docs
}

// reassemble replays records as a collection does and returns the one write they hold.
func reassemble(t *testing.T, recs []LogRecord) (uint8, []corpus.Document, []string) {
	t.Helper()
	if len(recs) == 1 {
		switch recs[0].Type {
		case RecUpsert:
			d, err := DecodeUpsert(recs[0].Payload)
			if err != nil {
				t.Fatal(err)
			}
			return RecUpsert, d, nil
		case RecDelete:
			ids, err := DecodeDelete(recs[0].Payload)
			if err != nil {
				t.Fatal(err)
			}
			return RecDelete, nil, ids
		}
	}
	var a Assembler
	for i, r := range recs {
		if r.Type != RecPart {
			t.Fatalf("record %d of %d has type %d", i, len(recs), r.Type)
		}
		typ, docs, ids, err := a.Add(r.Payload)
		if err != nil {
			t.Fatal(err)
		}
		if (typ != 0) != (i == len(recs)-1) {
			t.Fatalf("part %d of %d: write complete = %v", i, len(recs), typ != 0)
		}
		if typ != 0 {
			return typ, docs, ids
		}
	}
	t.Fatal("no write")
	return 0, nil, nil
}

// TestSplitRecords checks that a write is split into records within the limit, of whole
// documents in order, and comes back whole.
func TestSplitRecords(t *testing.T) {
	cases := []struct {
		name      string
		docs      []corpus.Document
		limit     int
		wantParts int
	}{
		{"fits", sizedDocs(10, 100), 1 << 20, 1},
		{"exactly two", sizedDocs(2, 1000), 1100 + RecordOverhead, 2},
		{"many", sizedDocs(100, 1000), 10 << 10, 12}, // 9 documents of about 1026 bytes a record
		{"one per record", sizedDocs(5, 4000), 4100 + RecordOverhead, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs, err := EncodeUpsertRecords(c.docs, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != c.wantParts {
				t.Errorf("%d records, want %d", len(recs), c.wantParts)
			}
			for i, r := range recs {
				if len(r.Payload) > c.limit {
					t.Errorf("record %d: %d bytes over the limit %d", i, len(r.Payload), c.limit)
				}
			}
			typ, got, _ := reassemble(t, recs)
			if typ != RecUpsert || !reflect.DeepEqual(got, c.docs) {
				t.Errorf("reassembled type %d, %d documents, want the %d written", typ, len(got), len(c.docs))
			}
		})
	}
	ids := make([]string, 3000)
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%05d", i)
	}
	recs, err := EncodeDeleteRecords(ids, 4<<10)
	if err != nil || len(recs) < 2 {
		t.Fatalf("delete: %d records, %v", len(recs), err)
	}
	if typ, _, got := reassemble(t, recs); typ != RecDelete || !reflect.DeepEqual(got, ids) {
		t.Errorf("delete reassembled type %d, %d ids", typ, len(got))
	}
}

func TestSplitRecordsDocumentTooLarge(t *testing.T) {
	docs := sizedDocs(3, 100)
	docs[1].Content = strings.Repeat("y", 5000)
	_, err := EncodeUpsertRecords(docs, 4096)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), `"d001"`) {
		t.Fatalf("err = %v, want ErrTooLarge naming d001", err)
	}
	if n, _ := DocSize(&docs[0]); n > MaxDocBytes(4096) {
		t.Fatalf("DocSize %d", n)
	}
}

// TestAssemblerDropsUnfinishedWrites checks that parts of a write whose last part never
// reached the log are dropped, and never merged into the next write.
func TestAssemblerDropsUnfinishedWrites(t *testing.T) {
	a, _ := EncodeUpsertRecords(sizedDocs(30, 1000), 8<<10)
	b, _ := EncodeUpsertRecords(sizedDocs(20, 900), 8<<10)
	var as Assembler
	for _, r := range a[:len(a)-1] {
		if typ, _, _, err := as.Add(r.Payload); typ != 0 || err != nil {
			t.Fatalf("unfinished write completed: %d %v", typ, err)
		}
	}
	var got []corpus.Document
	for _, r := range b {
		typ, docs, _, err := as.Add(r.Payload)
		if err != nil {
			t.Fatal(err)
		}
		if typ != 0 {
			got = docs
		}
	}
	if !reflect.DeepEqual(got, sizedDocs(20, 900)) {
		t.Fatalf("got %d documents, want the second write's 20", len(got))
	}
	for _, r := range a[:2] {
		as.Add(r.Payload)
	}
	if !as.Drop() || as.Drop() {
		t.Fatal("Drop should report the unfinished write once")
	}
	if _, _, _, err := as.Add(a[1].Payload); !errors.Is(err, corruption.Err) {
		t.Fatalf("a second part with no first: %v, want corruption", err)
	}
}

// FuzzAssembler feeds arbitrary part payloads to the assembler: it returns writes or an
// error marked as corruption, and never panics.
func FuzzAssembler(f *testing.F) {
	recs, _ := EncodeUpsertRecords(sizedDocs(4, 50), 200)
	for _, r := range recs {
		f.Add(r.Payload, r.Payload)
	}
	del, _ := EncodeDeleteRecords([]string{"a", "b", "c", "d", "e"}, RecordOverhead+4)
	f.Add(del[0].Payload, del[1].Payload)
	f.Fuzz(func(t *testing.T, p1, p2 []byte) {
		var a Assembler
		for _, p := range [][]byte{p1, p2} {
			if _, _, _, err := a.Add(p); err != nil && !errors.Is(err, corruption.Err) {
				t.Fatalf("error not marked as corruption: %v", err)
			}
		}
	})
}
