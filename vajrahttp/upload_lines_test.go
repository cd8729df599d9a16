package vajrahttp

import (
	"fmt"
	"testing"
)

// TestUploadFirstLine checks that ?first_line shifts the line numbers of an NDJSON upload's
// errors and details, so a file sent in pieces is reported in the file's lines.
func TestUploadFirstLine(t *testing.T) {
	ts := newTestServer(t, Options{})
	body := "{\"id\": \"f1\", \"title\": \"one\"}\n{\"id\": \"f2\", oops}\n{\"title\": \"no id\"}\n{\"id\": \"f4\", \"title\": \"four\"}\n"
	for _, tc := range []struct {
		query string
		first int
	}{
		{"?on_error=skip", 1},
		{"?on_error=skip&first_line=1", 1},
		{"?on_error=skip&first_line=5001", 5001},
	} {
		r := ts.mustStatus(200, "POST", "/v1/collections/docs/documents"+tc.query, body, "Content-Type", "application/x-ndjson")
		rep := r.decode(t)
		errs := rep["errors"].([]any)
		if rep["upserted"] != 2.0 || len(errs) != 2 {
			t.Fatalf("%s: %s", tc.query, r.body)
		}
		for i, want := range []int{tc.first + 1, tc.first + 2} {
			e := errs[i].(map[string]any)
			prefix := fmt.Sprintf("line %d: ", want)
			if e["line"] != float64(want) || len(e["detail"].(string)) < len(prefix) || e["detail"].(string)[:len(prefix)] != prefix {
				t.Errorf("%s: error %d is %v, want line %d", tc.query, i, e, want)
			}
		}
	}
	// Stopping at a bad line: the problem's detail and report count from first_line too.
	r := ts.do("POST", "/v1/collections/docs/documents?first_line=101", "{\"id\": \"g1\", \"title\": \"one\"}\n{oops}\n", "Content-Type", "application/x-ndjson")
	p := r.decode(t)
	if r.status != 400 || p["upserted"] != 1.0 || p["errors"].([]any)[0].(map[string]any)["line"] != 102.0 || p["detail"].(string)[:9] != "line 102:" {
		t.Errorf("stopped upload: %d %s", r.status, r.body)
	}
	ts.mustStatus(200, "POST", "/v1/collections/docs/documents/delete", `{"ids": ["f1", "f4", "g1"]}`)
}
