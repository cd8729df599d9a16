package storage

import (
	"bytes"
	"errors"
	"io/fs"
	"reflect"
	"testing"

	"github.com/vajrasearch/vajra/internal/corruption"
)

func sampleManifest() Manifest {
	return Manifest{
		Generation: 42,
		Files:      []string{"seg/000001.lex", "seg/000001.vec", "docs.bin"},
		WAL:        "wal/000043.log",
		Meta:       map[string]string{"dim": "384", "metric": "cosine", "analyzer": "en"},
	}
}

func TestManifestRoundTrip(t *testing.T) {
	cases := []Manifest{sampleManifest(), {}, {Generation: 1, Files: []string{"a"}}}
	for i, want := range cases {
		m := NewMemFS()
		must(t, WriteManifest(m, "MANIFEST", want))
		m.Crash() // WriteManifest returned nil: durable
		got, err := ReadManifest(m, "MANIFEST")
		must(t, err)
		if len(want.Meta) == 0 {
			want.Meta = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("case %d: got %+v, want %+v", i, got, want)
		}
	}
}

func TestManifestDeterministic(t *testing.T) {
	a := sampleManifest()
	var first []byte
	for range 20 {
		// A fresh map each time, so a different iteration order would show.
		b := a
		b.Meta = map[string]string{}
		for k, v := range a.Meta {
			b.Meta[k] = v
		}
		data, err := b.MarshalBinary()
		must(t, err)
		if first == nil {
			first = data
		} else if !bytes.Equal(first, data) {
			t.Fatal("encoding depends on map order")
		}
	}
}

func TestManifestValidate(t *testing.T) {
	cases := []struct {
		name string
		m    Manifest
	}{
		{"absolute file", Manifest{Files: []string{"/etc/passwd"}}},
		{"parent escape", Manifest{Files: []string{"../x"}}},
		{"dot", Manifest{Files: []string{"."}}},
		{"empty file", Manifest{Files: []string{""}}},
		{"backslash", Manifest{Files: []string{`a\b`}}},
		{"duplicate", Manifest{Files: []string{"a", "a"}}},
		{"bad wal", Manifest{WAL: "a//b"}},
		{"empty meta key", Manifest{Meta: map[string]string{"": "x"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.m.Validate(); err == nil {
				t.Fatal("accepted")
			}
			m := NewMemFS()
			if err := WriteManifest(m, "MANIFEST", c.m); err == nil {
				t.Fatal("written")
			}
			if _, err := m.Stat("MANIFEST"); !errors.Is(err, fs.ErrNotExist) {
				t.Fatal("invalid manifest reached the disk")
			}
		})
	}
}

func TestManifestRejects(t *testing.T) {
	m := sampleManifest()
	data, err := m.MarshalBinary()
	must(t, err)
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x04
		var got Manifest
		if err := got.UnmarshalBinary(bad); !errors.Is(err, corruption.Err) && !errors.Is(err, ErrVersion) {
			t.Fatalf("flipped byte %d: %v", i, err)
		}
	}
	for n := range len(data) {
		var got Manifest
		if err := got.UnmarshalBinary(data[:n]); !errors.Is(err, corruption.Err) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
	fsys := NewMemFS()
	if _, err := ReadManifest(fsys, "MANIFEST"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing manifest: %v", err)
	}
}

func FuzzManifest(f *testing.F) {
	m := sampleManifest()
	data, err := m.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	empty, _ := (&Manifest{}).MarshalBinary()
	f.Add(empty)
	f.Fuzz(func(t *testing.T, data []byte) {
		var got Manifest
		if err := got.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, corruption.Err) && !errors.Is(err, ErrVersion) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		// Whatever decodes is valid and re-encodes to the same bytes: one encoding per manifest.
		again, err := got.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded manifest does not encode: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatal("decoded manifest re-encodes differently")
		}
	})
}
