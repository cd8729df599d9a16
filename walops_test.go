package vajra

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/vajrasearch/vajra/internal/binfile"
)

func TestLogRecordsRoundTrip(t *testing.T) {
	docs := []Document{
		{ID: "a", Title: "T", Content: "c", Metadata: map[string]any{"n": 1.5, "s": "x"}, Vector: []float32{1, -2.5}},
		{ID: "b"},
	}
	p, err := encodeUpsert(docs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeUpsert(p)
	if err != nil || !reflect.DeepEqual(got, docs) {
		t.Fatalf("upsert round trip: %+v %v", got, err)
	}
	ids, err := decodeDelete(encodeDelete([]string{"a", "", "ü"}))
	if err != nil || !reflect.DeepEqual(ids, []string{"a", "", "ü"}) {
		t.Fatalf("delete round trip: %v %v", ids, err)
	}
	for cut := 0; cut < len(p); cut++ {
		if _, err := decodeUpsert(p[:cut]); err == nil && cut > 0 {
			t.Fatalf("truncated at %d accepted", cut)
		}
	}
}

// FuzzDecodeRecords feeds arbitrary payloads to the log record decoders: they return
// documents or an error wrapping ErrCorrupt, and never panic.
func FuzzDecodeRecords(f *testing.F) {
	p, _ := encodeUpsert([]Document{{ID: "a", Title: "T", Content: "c", Metadata: map[string]any{"k": "v"}, Vector: []float32{1, 2}}})
	f.Add(p)
	f.Add(encodeDelete([]string{"a", "b"}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := decodeUpsert(data); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("upsert: untyped error %v", err)
		}
		if _, err := decodeDelete(data); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("delete: untyped error %v", err)
		}
	})
}

// FuzzDecodeDocs rewrites one section of a valid document store with fuzzed bytes (keeping
// the checksums valid, so the decoder's own checks are what is tested).
func FuzzDecodeDocs(f *testing.F) {
	c, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := c.Upsert(f.Context(), sampleDocs); err != nil {
		f.Fatal(err)
	}
	c.Delete(f.Context(), []string{"2"})
	valid, err := c.encodeDocsLocked(c.lex.Snapshot().Segments())
	if err != nil {
		f.Fatal(err)
	}
	file, err := binfile.Parse(valid, docsMagic, docsVersion)
	if err != nil {
		f.Fatal(err)
	}
	tags := file.Tags()
	for i, tag := range tags {
		sec, _ := file.Section(tag)
		f.Add(uint8(i), sec)
	}
	f.Fuzz(func(t *testing.T, which uint8, payload []byte) {
		var buf bytes.Buffer
		w, _ := binfile.NewWriter(&buf, docsMagic, docsVersion)
		for i, tag := range tags {
			sec, _ := file.Section(tag)
			if i == int(which)%len(tags) {
				sec = payload
			}
			w.Section(tag, sec)
		}
		w.Close()
		d, err := decodeDocs(buf.Bytes())
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, r := range d.records {
			if r == nil || r.id == "" {
				t.Fatal("accepted a store with an empty record")
			}
		}
	})
}
