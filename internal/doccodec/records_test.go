package doccodec

import (
	"errors"
	"reflect"
	"testing"

	"github.com/vajrasearch/vajra/internal/corpus"
	"github.com/vajrasearch/vajra/internal/corruption"
)

func TestLogRecordsRoundTrip(t *testing.T) {
	docs := []corpus.Document{
		{ID: "a", Title: "T", Content: "c", Metadata: map[string]any{"n": 1.5, "s": "x"}, Vector: []float32{1, -2.5}},
		{ID: "b"},
	}
	p, err := EncodeUpsert(docs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeUpsert(p)
	if err != nil || !reflect.DeepEqual(got, docs) {
		t.Fatalf("upsert round trip: %+v %v", got, err)
	}
	ids, err := DecodeDelete(EncodeDelete([]string{"a", "", "ü"}))
	if err != nil || !reflect.DeepEqual(ids, []string{"a", "", "ü"}) {
		t.Fatalf("delete round trip: %v %v", ids, err)
	}
	for cut := 1; cut < len(p); cut++ {
		if _, err := DecodeUpsert(p[:cut]); !errors.Is(err, corruption.Err) {
			t.Fatalf("upsert record cut at %d: %v, want a corruption error", cut, err)
		}
	}
}

// FuzzDecodeRecords feeds arbitrary payloads to the log record decoders: they return
// documents or an error marked as corruption, and never panic.
func FuzzDecodeRecords(f *testing.F) {
	p, _ := EncodeUpsert([]corpus.Document{{ID: "a", Title: "T", Content: "c", Metadata: map[string]any{"k": "v"}, Vector: []float32{1, 2}}})
	f.Add(p)
	f.Add(EncodeDelete([]string{"a", "b"}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		if docs, err := DecodeUpsert(data); err != nil && !errors.Is(err, corruption.Err) {
			t.Fatalf("upsert: untyped error %v", err)
		} else if err == nil {
			again, err := EncodeUpsert(docs)
			if err != nil {
				t.Fatalf("re-encode accepted upsert: %v", err)
			}
			if _, err := DecodeUpsert(again); err != nil {
				t.Fatalf("re-encoded upsert does not decode: %v", err)
			}
		}
		if _, err := DecodeDelete(data); err != nil && !errors.Is(err, corruption.Err) {
			t.Fatalf("delete: untyped error %v", err)
		}
	})
}
