package vajra

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestErrorCode(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderPrecomputed, Dim: 3}})
	if err != nil {
		t.Fatal(err)
	}
	docs := []Document{{ID: "a", Title: "alpha", Vector: []float32{1, 0, 0}, Metadata: map[string]any{"year": 2020}}}
	if _, err := c.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	lexOnly, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	closed, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	vx, err := NewVectorIndex(VectorIndexOptions{Dim: 3})
	if err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	search := func(c *Collection, q Query) error { _, err := c.Search(ctx, q); return err }
	upsert := func(c *Collection, d Document) error { _, err := c.Upsert(ctx, []Document{d}); return err }
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"closed", search(closed, Query{Text: "x"}), CodeClosed},
		{"unknown document", func() error { _, err := c.Get("zz"); return err }(), CodeDocumentNotFound},
		{"document vector dimension", upsert(c, Document{ID: "b", Vector: []float32{1, 2}}), CodeDimensionMismatch},
		{"query vector dimension", search(c, Query{Vector: []float32{1, 2}, Mode: Vector}), CodeDimensionMismatch},
		{"index vector dimension", vx.Add(ctx, []uint32{1}, []float32{1, 2}), CodeDimensionMismatch},
		{"NaN in document vector", upsert(c, Document{ID: "b", Vector: []float32{nan, 1, 1}}), CodeInvalidField},
		{"NaN in query vector", search(c, Query{Vector: []float32{nan, 1, 1}, Mode: Vector}), CodeInvalidField},
		{"NaN in index vector", vx.Add(ctx, []uint32{1}, []float32{nan, 1, 1}), CodeInvalidField},
		{"empty id", upsert(c, Document{Title: "t", Vector: []float32{1, 1, 1}}), CodeInvalidField},
		{"filter syntax", search(c, Query{Text: "alpha", Mode: Lexical, Filter: "year >="}), CodeInvalidFilter},
		{"filter unknown field", search(c, Query{Text: "alpha", Mode: Lexical, Filter: "colour = red"}), CodeInvalidFilter},
		{"filter range on text", search(c, Query{Text: "alpha", Mode: Lexical, Filter: "year > abc"}), CodeInvalidFilter},
		{"vector mode without vectors", search(lexOnly, Query{Text: "x", Mode: Vector}), CodeModeUnavailable},
		{"unknown mode", search(c, Query{Text: "x", Mode: "fuzzy"}), CodeInvalidField},
		{"bad options", func() error { _, err := New(Options{Sync: "sometimes"}); return err }(), CodeInvalidField},
		{"exists", func() error {
			dir := t.TempDir()
			c, err := Create(dir, Options{})
			if err != nil {
				return err
			}
			c.Close()
			_, err = Create(dir, Options{})
			return err
		}(), CodeCollectionExists},
		{"open elsewhere", func() error {
			dir := t.TempDir()
			c, err := Create(dir, Options{})
			if err != nil {
				return err
			}
			defer c.Close()
			_, err = Open(dir, OpenOptions{})
			return err
		}(), CodeLocked},
		{"corrupt index bytes", func() error { _, err := ReadVectorIndex([]byte("not an index")); return err }(), CodeCorrupt},
		{"anything else", fmt.Errorf("disk on fire: %w", errors.New("EIO")), CodeInternal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorCode(tc.err); got != tc.want {
				t.Errorf("ErrorCode(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}

func TestVectorIndexAccessors(t *testing.T) {
	vx, err := NewVectorIndex(VectorIndexOptions{Dim: 2, Metric: "l2", Profile: "fast"})
	if err != nil {
		t.Fatal(err)
	}
	if err := vx.Add(context.Background(), []uint32{7}, []float32{3, 4}); err != nil {
		t.Fatal(err)
	}
	o := vx.Options()
	if o.Dim != 2 || o.Metric != "l2" || o.Profile != "fast" || o.M != 16 || o.EfConstruction != 32 || o.EfSearch != 96 {
		t.Errorf("Options() = %+v", o)
	}
	if v, ok := vx.Vector(7); !ok || len(v) != 2 || v[0] != 3 || v[1] != 4 {
		t.Errorf("Vector(7) = %v, %v", v, ok)
	}
	if _, ok := vx.Vector(8); ok || vx.Contains(8) || !vx.Contains(7) {
		t.Error("key 8 reported present or key 7 absent")
	}
	flat, err := NewVectorIndex(VectorIndexOptions{Dim: 2, Profile: "exact"})
	if err != nil {
		t.Fatal(err)
	}
	if p := flat.Options().Profile; p != "exact" {
		t.Errorf("flat index profile %q, want exact", p)
	}
}
