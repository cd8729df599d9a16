package vajra

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestDeleteWhere(t *testing.T) {
	ctx := context.Background()
	c, err := Create(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Upsert(ctx, sampleDocs); err != nil {
		t.Fatal(err)
	}
	f, err := ParseFilter("year >= 2020")
	if err != nil {
		t.Fatal(err)
	}
	want, err := c.MatchIDs(f)
	if err != nil || len(want) == 0 || len(want) == c.Len() {
		t.Fatalf("MatchIDs = %v, %v", want, err)
	}
	before := c.Len()
	rep, err := c.DeleteWhere(ctx, f)
	if err != nil || rep.Deleted != len(want) || c.Len() != before-len(want) {
		t.Fatalf("DeleteWhere = %+v, %v; %d left of %d", rep, err, c.Len(), before)
	}
	for _, id := range want {
		if slices.Contains(c.IDs(), id) {
			t.Errorf("%s survived", id)
		}
	}
	if _, err := c.DeleteWhere(ctx, Filter{}); !errors.Is(err, ErrInvalidFilter) {
		t.Errorf("empty filter: %v", err)
	}
	bad, _ := ParseFilter("nosuch = 1")
	if _, err := c.DeleteWhere(ctx, bad); ErrorCode(err) != CodeInvalidFilter || c.Len() != before-len(want) {
		t.Errorf("unknown field: %v", err)
	}
}
