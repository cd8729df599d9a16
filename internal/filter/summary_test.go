package filter

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestSummaries(t *testing.T) {
	ix := NewIndex()
	metas := map[uint32]map[string]any{}
	for i := range uint32(2000) {
		m := map[string]any{"uid": fmt.Sprint("u", i), "year": float64(2000 + i%25)}
		switch i % 4 {
		case 0, 1:
			m["lang"] = "en"
		case 2:
			m["lang"] = "de"
		}
		if i%10 == 0 {
			m["mixed"] = []any{"x", 1.5, true}
			m["long"] = strings.Repeat("a", SampleMaxBytes+1)
		}
		metas[i] = m
		ix.Add(i, m)
	}
	// Removing the documents with the smallest and largest years leaves empty entries in
	// the sorted array of numbers: they must not count.
	for i := range uint32(2000) {
		if y := 2000 + i%25; y == 2000 || y == 2024 {
			ix.Remove(i, metas[i])
		}
	}
	got := map[string]FieldSummary{}
	var names []string
	for _, s := range ix.Summaries(3) {
		got[s.Field] = s
		names = append(names, s.Field)
	}
	if want := []string{"lang", "long", "mixed", "uid", "year"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("fields %v, want %v", names, want)
	}
	docs := 2000 - 2*80
	cases := []FieldSummary{
		{Field: "year", Docs: docs, Numbers: 23, Min: 2001, Max: 2023,
			Samples: []Value{NumberValue(2001), NumberValue(2002), NumberValue(2003)}},
		{Field: "lang", Docs: 1380, Strings: 2, Samples: []Value{StringValue("en"), StringValue("de")}},
		{Field: "uid", Docs: docs, Strings: docs}, // too many distinct values to sample
		{Field: "mixed", Docs: 160, Strings: 1, Numbers: 1, Bools: 1, Min: 1.5, Max: 1.5,
			Samples: []Value{StringValue("x"), NumberValue(1.5), BoolValue(true)}},
		{Field: "long", Docs: 160, Strings: 1}, // the one value is too long to suggest
	}
	for _, want := range cases {
		if g := got[want.Field]; !reflect.DeepEqual(g, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", want.Field, g, want)
		}
	}
	if s := ix.Summaries(0); len(s) != 5 || s[0].Samples != nil || s[4].Max != 2023 {
		t.Errorf("no samples asked: %+v", s)
	}
	if s := NewIndex().Summaries(3); len(s) != 0 {
		t.Errorf("empty index: %+v", s)
	}
}
