package doccodec

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/corruption"
)

func sampleStore() *Store {
	del := &bitset.Set{}
	del.Add(1)
	del.Add(70)
	return &Store{
		NextID: 9,
		IDs:    []uint32{0, 2, 8},
		Docs: []Record{
			{ID: "a", Title: "Alpha", Content: "first document"},
			{ID: "b", Content: "no title", Metadata: map[string]any{"n": 2.0, "tags": []any{"x", "y"}}},
			{ID: "ü", Title: "Unicode", Content: ""},
		},
		Segments: []SegmentDeletes{{Segment: 3, Deleted: del}, {Segment: 5, Deleted: &bitset.Set{}}},
	}
}

func TestStoreRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    *Store
	}{
		{"empty", &Store{}},
		{"sample", sampleStore()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := EncodeStore(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeStore(data)
			if err != nil {
				t.Fatal(err)
			}
			again, err := EncodeStore(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, data) {
				t.Fatal("decode then encode changed the bytes")
			}
			sameDocs := len(got.Docs) == len(tc.s.Docs) && (len(got.Docs) == 0 || reflect.DeepEqual(got.Docs, tc.s.Docs))
			if got.NextID != tc.s.NextID || !slices.Equal(got.IDs, tc.s.IDs) || !sameDocs {
				t.Fatalf("got %+v, want %+v", got, tc.s)
			}
			for i, sd := range tc.s.Segments {
				if got.Segments[i].Segment != sd.Segment || !slices.Equal(got.Segments[i].Deleted.AppendTo(nil), sd.Deleted.AppendTo(nil)) {
					t.Fatalf("segment %d: got %+v, want %+v", i, got.Segments[i], sd)
				}
			}
			for cut := 0; cut < len(data); cut += 7 {
				if _, err := DecodeStore(data[:cut]); !errors.Is(err, corruption.Err) {
					t.Fatalf("store cut at %d: %v, want a corruption error", cut, err)
				}
			}
		})
	}
}

// FuzzDecodeStore rewrites one section of a valid document store with fuzzed bytes (keeping
// the checksums valid, so the decoder's own checks are what is tested).
func FuzzDecodeStore(f *testing.F) {
	valid, err := EncodeStore(sampleStore())
	if err != nil {
		f.Fatal(err)
	}
	file, err := binfile.Parse(valid, StoreMagic, StoreVersion)
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
		w, _ := binfile.NewWriter(&buf, StoreMagic, StoreVersion)
		for i, tag := range tags {
			sec, _ := file.Section(tag)
			if i == int(which)%len(tags) {
				sec = payload
			}
			w.Section(tag, sec)
		}
		w.Close()
		s, err := DecodeStore(buf.Bytes())
		if err != nil {
			if !errors.Is(err, corruption.Err) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, r := range s.Docs {
			if r.ID == "" {
				t.Fatal("accepted a store with an empty id")
			}
		}
	})
}
