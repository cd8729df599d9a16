package vajra

import (
	"context"
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
