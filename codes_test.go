package vajra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

func TestErrorCode(t *testing.T) {
	ctx := context.Background()
	var mode atomic.Value
	mode.Store("ok")
	srv := fakeEmbeddings(t, &mode)
	remote, err := New(Options{Embedder: EmbedderOptions{Kind: EmbedderOpenAI, URL: srv.URL, Model: "fake", MaxRetries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := remote.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	lexOnly, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lexOnly.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	search := func(c *Collection, q Query) func() error {
		return func() error { _, err := c.Search(ctx, q); return err }
	}
	upsert := func(c *Collection, docs ...Document) func() error {
		return func() error { _, err := c.Upsert(ctx, docs); return err }
	}
	down := func(f func() error) func() error {
		return func() error { mode.Store("down"); defer mode.Store("ok"); return f() }
	}
	cases := []struct {
		name string
		call func() error
		code string
		is   []error
	}{
		{"nil", func() error { return nil }, "", nil},
		{"query vector dimension", search(remote, Query{Vector: []float32{1, 2}, Mode: Vector}), CodeDimensionMismatch, []error{ErrDimensionMismatch, ErrInvalidQuery}},
		{"document vector dimension", upsert(remote, Document{ID: "v", Content: "x", Vector: []float32{1, 2}}), CodeDimensionMismatch, []error{ErrDimensionMismatch, ErrInvalidDocument}},
		{"filter syntax", search(lexOnly, Query{Text: "x", Filter: "year >="}), CodeInvalidFilter, []error{ErrInvalidFilter, ErrInvalidQuery}},
		{"filter unknown field", search(lexOnly, Query{Text: "x", Filter: "nosuch = 1"}), CodeInvalidFilter, []error{ErrInvalidFilter}},
		{"vector mode without vectors", search(lexOnly, Query{Text: "x", Mode: Vector}), CodeModeUnavailable, []error{ErrNoVectors}},
		{"embedder down on query", down(search(remote, Query{Text: "café", Mode: Hybrid})), CodeEmbedderFailed, []error{ErrEmbedder}},
		{"embedder down on upsert", down(upsert(remote, Document{ID: "n", Content: "new"})), CodeEmbedderFailed, []error{ErrEmbedder}},
		{"negative offset", search(lexOnly, Query{Text: "x", Offset: -1}), CodeInvalidField, []error{ErrInvalidQuery}},
		{"empty id", upsert(lexOnly, Document{Content: "x"}), CodeInvalidField, []error{ErrInvalidDocument}},
		{"unknown document", func() error { _, err := lexOnly.Get("nope"); return err }, CodeDocumentNotFound, []error{ErrNotFound}},
		{"collection exists", func() error { return fmt.Errorf("create x: %w", ErrExists) }, CodeCollectionExists, nil},
		{"read-only", func() error { return fmt.Errorf("upsert: %w", ErrReadOnly) }, CodeReadOnly, nil},
		{"corrupt", func() error { return fmt.Errorf("open: %w", ErrCorrupt) }, CodeCorrupt, nil},
		{"closed", func() error { c, _ := New(Options{}); c.Close(); _, err := c.Search(ctx, Query{Text: "x"}); return err }, CodeClosed, []error{ErrClosed}},
		{"I/O", func() error { return fmt.Errorf("write log: %w", errors.New("disk full")) }, CodeInternal, nil},
	}
	for _, tc := range cases {
		err := tc.call()
		if got := ErrorCode(err); got != tc.code {
			t.Errorf("%s: ErrorCode(%v) = %q, want %q", tc.name, err, got, tc.code)
		}
		for _, target := range tc.is {
			if !errors.Is(err, target) {
				t.Errorf("%s: %v does not match %v", tc.name, err, target)
			}
		}
	}
	if errors.Is(ErrInvalidQuery, ErrInvalidFilter) {
		t.Error("ErrInvalidQuery matches the narrower ErrInvalidFilter")
	}
}

func TestFilterErrorPosition(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Search(context.Background(), Query{Text: "x", Filter: "year >= 2020 AND"})
	if pos, ok := FilterErrorPosition(err); !ok || pos != 16 {
		t.Errorf("FilterErrorPosition(%v) = %d, %v; want 16, true", err, pos, ok)
	}
	if _, ok := FilterErrorPosition(ErrInvalidQuery); ok {
		t.Error("position reported for an error without one")
	}
}

// TestFilterFieldErrorPlace checks that a filter naming a field no document has (or ranging
// over a field without numbers) says which field, and where: at its position in a text filter
// (Query.Filter), and once located in a Go filter's text or JSON tree.
func TestFilterFieldErrorPlace(t *testing.T) {
	ctx := context.Background()
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text, tree, field string
		pos               int
		path              string
	}{
		{"lang = en AND yaer >= 2020", `{"and": [{"field": "lang", "op": "=", "value": "en"}, {"field": "yaer", "op": ">=", "value": 2020}]}`,
			"yaer", 14, "and[1].field"},
		{`year > 1 OR "lang" < 3`, `{"or": [{"field": "year", "op": ">", "value": 1}, {"field": "lang", "op": "<", "value": 3}]}`,
			"lang", 12, "or[1].field"},
	} {
		_, err := c.Search(ctx, Query{Text: "café", Filter: tc.text})
		if ErrorCode(err) != CodeInvalidFilter {
			t.Fatalf("%q: %v", tc.text, err)
		}
		field, ok := FilterErrorField(err)
		pos, pok := FilterErrorPosition(err)
		if !ok || field != tc.field || !pok || pos != tc.pos {
			t.Errorf("%q: field %q %v, position %d %v; want %q at %d", tc.text, field, ok, pos, pok, tc.field, tc.pos)
		}
		// A Go filter has no text: the error names the field, and the caller places it.
		f, err := ParseFilterJSON([]byte(tc.tree))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Search(ctx, Query{Text: "café", Where: &f})
		if _, ok := FilterErrorPosition(err); ok {
			t.Errorf("%s: a position without a text: %v", tc.tree, err)
		}
		if field, ok := FilterErrorField(err); !ok || field != tc.field {
			t.Fatalf("%s: field %q %v", tc.tree, field, ok)
		}
		var tree any
		json.Unmarshal([]byte(tc.tree), &tree)
		if path, ok := FilterFieldPath(tree, tc.field); !ok || path != tc.path {
			t.Errorf("%s: path %q %v, want %q", tc.tree, path, ok, tc.path)
		}
		if pos, ok := FilterFieldPosition(tc.text, tc.field); !ok || pos != tc.pos {
			t.Errorf("%q: position %d %v", tc.text, pos, ok)
		}
	}
	if _, ok := FilterErrorField(ErrInvalidFilter); ok {
		t.Error("a field reported for an error without one")
	}
}

func TestParseFilterErrors(t *testing.T) {
	_, err := ParseFilter("year >=")
	if !errors.Is(err, ErrInvalidFilter) || ErrorCode(err) != CodeInvalidFilter {
		t.Errorf("ParseFilter: %v", err)
	}
	if pos, ok := FilterErrorPosition(err); !ok || pos != 7 {
		t.Errorf("position %d, %v", pos, ok)
	}
	_, err = ParseFilterJSON([]byte(`{"and": [{"field": "year", "op": "~", "value": 1}]}`))
	if !errors.Is(err, ErrInvalidFilter) || ErrorCode(err) != CodeInvalidFilter {
		t.Errorf("ParseFilterJSON: %v", err)
	}
	if path, ok := FilterErrorPath(err); !ok || path != "and[0].op" {
		t.Errorf("path %q, %v", path, ok)
	}
	f, err := ParseFilterJSON([]byte(`{"not": {"field": "lang", "op": "in", "value": ["en", "de"]}}`))
	if err != nil || f.String() != "lang not in (en, de)" {
		t.Errorf("ParseFilterJSON = %q, %v", f.String(), err)
	}
}
