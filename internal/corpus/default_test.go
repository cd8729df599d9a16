package corpus

import (
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	docs, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 5000 {
		t.Fatalf("%d documents, want 5000", len(docs))
	}
	seen := make(map[string]bool, len(docs))
	for i, d := range docs {
		if d.ID == "" || seen[d.ID] || strings.TrimSpace(d.Content) == "" || d.Title == "" {
			t.Fatalf("document %d: id %q (seen %v), title %q, %d content bytes", i, d.ID, seen[d.ID], d.Title, len(d.Content))
		}
		seen[d.ID] = true
	}
	if docs[0].ID != "Jarred_Shaw#0" {
		t.Errorf("first document %q, want the first passage of the shared file", docs[0].ID)
	}
	info := DefaultInfo()
	if strings.Contains(info, "\n") || !strings.Contains(info, "CC BY-SA 4.0") || !strings.Contains(info, "Wikipedia contributors") {
		t.Errorf("DefaultInfo() = %q: want one line with licence and attribution", info)
	}
}
