package vector

import (
	"errors"
	"math"
	"testing"
)

func TestOptions(t *testing.T) {
	o := Options{Dim: 8}
	o.EnsureDefaults()
	if o.Profile != ProfileQuality || o.M != 16 || o.M0 != 32 || o.EfConstruction != 200 || o.EfSearch == 0 ||
		o.ExactBelow != 0.05 || o.RepairAt != 0.1 {
		t.Fatalf("defaults: %+v", o)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	kept := Options{Dim: 8, Profile: ProfileInstant, EfSearch: 77}
	kept.EnsureDefaults()
	if kept.EfSearch != 77 || kept.M != 8 {
		t.Fatalf("profile overrode a set field: %+v", kept)
	}
	bad := []Options{
		{Dim: 0},
		{Dim: maxDim + 1},
		{Dim: 4, Metric: 9},
		{Dim: 4, M: 1},
		{Dim: 4, M: 16, M0: 8},
		{Dim: 4, EfConstruction: -1},
		{Dim: 4, Threads: -2},
		{Dim: 4, Profile: "turbo"},
		{Dim: 4, ExactBelow: 2},
		{Dim: 4, RepairAt: math.NaN()},
	}
	for _, b := range bad {
		b.EnsureDefaults()
		if err := b.Validate(); !errors.Is(err, ErrBadOptions) {
			t.Errorf("%+v: got %v, want ErrBadOptions", b, err)
		}
		if _, err := NewHNSW(b); !errors.Is(err, ErrBadOptions) {
			t.Errorf("NewHNSW(%+v): got %v", b, err)
		}
	}
}

func TestMetricNames(t *testing.T) {
	for _, m := range []Metric{Cosine, L2, InnerProduct} {
		got, err := ParseMetric(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMetric(%q) = %v, %v", m.String(), got, err)
		}
	}
	if m, err := ParseMetric(" Euclidean "); err != nil || m != L2 {
		t.Errorf("alias: %v %v", m, err)
	}
	if _, err := ParseMetric("hamming"); !errors.Is(err, ErrBadOptions) {
		t.Errorf("unknown metric: %v", err)
	}
}
