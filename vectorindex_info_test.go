package vajra

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

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

// TestVectorIndexQuantizedFile saves quantised indexes and loads them back mapped: they
// answer as before, say what they are, verify, and refuse use after Close.
func TestVectorIndexQuantizedFile(t *testing.T) {
	ctx := context.Background()
	const n, dim = 800, 32
	vecs := make([]float32, n*dim)
	keys := make([]uint32, n)
	for i := range keys {
		keys[i] = uint32(i)
		for j := 0; j < dim; j++ {
			vecs[i*dim+j] = float32((i*7+j*13)%17) - 8 + float32(i%5)
		}
	}
	for _, q := range []string{"sq8", "bq"} {
		vx, err := NewVectorIndex(VectorIndexOptions{Dim: dim, Quantization: q, Rescore: 40, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := vx.Add(ctx, keys, vecs); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "x.vjh")
		if err := vx.Save(path); err != nil {
			t.Fatal(err)
		}
		ly, err := LoadVectorIndex(path)
		if err != nil {
			t.Fatal(err)
		}
		if o := ly.Options(); o.Quantization != q || o.Rescore != 40 {
			t.Fatalf("loaded %+v", o)
		}
		if err := ly.Verify(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i += 97 {
			o := VectorSearchOptions{Ef: 60, Rescore: 20}
			a, err1 := vx.Search(vecs[i*dim:(i+1)*dim], 5, o)
			b, err2 := ly.Search(vecs[i*dim:(i+1)*dim], 5, o)
			if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("%s query %d: %v %v / %v %v", q, i, a, err1, b, err2)
			}
		}
		if err := ly.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := ly.Search(vecs[:dim], 5, VectorSearchOptions{}); err == nil {
			t.Fatal("search after Close succeeded")
		}
	}
	if _, err := NewVectorIndex(VectorIndexOptions{Dim: 4, Quantization: "pq"}); !errors.Is(err, ErrOptions) {
		t.Fatalf("unknown quantization: %v", err)
	}
}
