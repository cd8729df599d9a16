package doccodec

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/binfile"
	"github.com/vajrasearch/vajra/internal/corruption"
)

// encodeStoreV1 writes s in the version 1 layout, as earlier builds did.
func encodeStoreV1(t testing.TB, s *Store) []byte {
	t.Helper()
	offs := []uint64{0}
	var data bytes.Buffer
	for _, r := range s.Docs {
		meta, err := MarshalMetadata(r.Metadata)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{r.ID, r.Title, r.Content, string(meta)} {
			data.WriteString(f)
			offs = append(offs, uint64(data.Len()))
		}
	}
	head, _ := json.Marshal(map[string]uint64{"next_id": uint64(s.NextID), "docs": uint64(len(s.IDs))})
	var buf bytes.Buffer
	w, err := binfile.NewWriter(&buf, StoreMagic, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range []struct {
		tag  string
		data []byte
	}{{"HEAD", head}, {"IIDS", binfile.Uint32Bytes(s.IDs)}, {"OFFS", binfile.Uint64Bytes(offs)}, {"DATA", data.Bytes()}, {"LDEL", encodeDeletes(s.Segments)}} {
		if err := w.Section(sec.tag, sec.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// largeStore has enough documents for every bulk section to span several chunks.
func largeStore(n int) *Store {
	r := rand.New(rand.NewPCG(1, 2))
	s := &Store{NextID: uint32(3 * n)}
	for i := range n {
		s.IDs = append(s.IDs, uint32(3*i+r.IntN(3)))
		d := Record{ID: fmt.Sprintf("doc-%d", i*7919%100003), Title: fmt.Sprintf("title %d", i),
			Content: strings.Repeat("word ", r.IntN(60))}
		if i%3 == 0 {
			d.Metadata = map[string]any{"n": float64(i), "tag": "t" + fmt.Sprint(i%5)}
		}
		s.Docs = append(s.Docs, d)
	}
	return s
}

// TestOpenStoreReads opens stores of both versions in place and reads every document by
// position and by id.
func TestOpenStoreReads(t *testing.T) {
	for _, s := range []*Store{{}, sampleStore(), largeStore(3000)} {
		v2, err := EncodeStore(s)
		if err != nil {
			t.Fatal(err)
		}
		for version, data := range map[int][]byte{1: encodeStoreV1(t, s), 2: v2} {
			v, err := OpenStore(data)
			if err != nil {
				t.Fatalf("version %d: %v", version, err)
			}
			if v.Len() != len(s.Docs) || v.NextID != s.NextID || len(v.Segments) != len(s.Segments) {
				t.Fatalf("version %d: %d docs, next %d", version, v.Len(), v.NextID)
			}
			for pos, want := range s.Docs {
				got, err := v.Doc(pos)
				if err != nil || !reflect.DeepEqual(got, want) && !(len(got.Metadata) == 0 && len(want.Metadata) == 0 && got.ID == want.ID) {
					t.Fatalf("version %d doc %d: %+v %v, want %+v", version, pos, got, err, want)
				}
				if p, ok, err := v.Find(want.ID); err != nil || !ok || p != pos {
					t.Fatalf("version %d: find %q: %d %v %v", version, want.ID, p, ok, err)
				}
				if p, ok := v.Pos(s.IDs[pos]); !ok || p != pos {
					t.Fatalf("version %d: pos of %d: %d", version, s.IDs[pos], p)
				}
				if has, err := v.HasMetadata(pos); err != nil || has != (len(want.Metadata) > 0) {
					t.Fatalf("version %d doc %d: has metadata %v %v", version, pos, has, err)
				}
			}
			if _, ok, err := v.Find("absent"); ok || err != nil {
				t.Fatalf("version %d: absent id found: %v", version, err)
			}
			if err := v.VerifyAll(); err != nil {
				t.Fatalf("version %d: %v", version, err)
			}
			// Streaming a view into a new store reproduces the current encoding.
			var buf bytes.Buffer
			if err := WriteStore(&buf, StoreHeader{NextID: v.NextID, Docs: v.Len(), Segments: v.Segments}, v.Raw); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), v2) {
				t.Fatalf("version %d: rewriting the view changed the bytes", version)
			}
		}
	}
}

// TestOpenStoreDamage flips bytes all over a store. OpenStore refuses it, or every read
// returns the document as written or an error marked as corruption; VerifyAll finds any
// damage that changed what a read returns. Some damage must pass the open and be found by the
// read that meets it.
func TestOpenStoreDamage(t *testing.T) {
	s := largeStore(2000)
	data, err := EncodeStore(s)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	step := 1 + len(data)/300
	var refused, foundByRead, cases int
	for i := 0; i < len(data); i += step + r.IntN(step) {
		cases++
		bad := bytes.Clone(data)
		bad[i] ^= 1 << r.IntN(8)
		v, err := OpenStore(bad)
		if err != nil {
			if !errors.Is(err, corruption.Err) && !errors.Is(err, binfile.ErrVersion) {
				t.Fatalf("byte %d: untyped %v", i, err)
			}
			refused++
			continue
		}
		found := false
		for pos, want := range s.Docs {
			got, err := v.Doc(pos)
			if err == nil {
				var p int
				var ok bool
				p, ok, err = v.Find(want.ID)
				if err == nil && (!ok || p != pos) {
					t.Fatalf("byte %d: %q found at %d %v, want %d", i, want.ID, p, ok, pos)
				}
			}
			if err != nil {
				if !errors.Is(err, corruption.Err) {
					t.Fatalf("byte %d: untyped %v", i, err)
				}
				found = true
				continue
			}
			if got.ID != want.ID || got.Title != want.Title || got.Content != want.Content || len(got.Metadata) != len(want.Metadata) {
				t.Fatalf("byte %d: document %d read as %+v", i, pos, got)
			}
		}
		if found {
			foundByRead++
		}
	}
	t.Logf("%d damaged stores: %d refused at open, %d found by reads", cases, refused, foundByRead)
	if refused == 0 || foundByRead == 0 {
		t.Fatal("want damage found both at open and by reads")
	}
}

// FuzzOpenStore rewrites one section of a valid store with fuzzed bytes behind valid
// checksums (keeping chunk checksums where the original has them). Nothing may panic; the
// view, once verified completely, accepts exactly what DecodeStore accepts.
func FuzzOpenStore(f *testing.F) {
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
	f.Add(uint8(2), binary.LittleEndian.AppendUint32(make([]byte, 12), 9))
	f.Fuzz(func(t *testing.T, which uint8, payload []byte) {
		var buf bytes.Buffer
		w, _ := binfile.NewWriter(&buf, StoreMagic, StoreVersion)
		for i, tag := range tags {
			sec, _ := file.Section(tag)
			if i == int(which)%len(tags) {
				sec = payload
			}
			if file.Chunked(tag) {
				w.SectionChunked(tag, sec, 64)
			} else {
				w.Section(tag, sec)
			}
		}
		w.Close()
		data := buf.Bytes()
		_, derr := DecodeStore(data)
		v, err := OpenStore(data)
		if err != nil {
			if !errors.Is(err, corruption.Err) {
				t.Fatalf("untyped error %v", err)
			}
			if derr == nil {
				t.Fatalf("OpenStore refuses what DecodeStore accepts: %v", err)
			}
			return
		}
		for pos := range v.Len() {
			if d, err := v.Doc(pos); err == nil {
				v.Find(d.ID)
			}
			v.Raw(pos)
			v.HasMetadata(pos)
		}
		v.Find("a")
		if verr := v.VerifyAll(); (verr == nil) != (derr == nil) {
			t.Fatalf("VerifyAll %v, DecodeStore %v", verr, derr)
		}
	})
}
