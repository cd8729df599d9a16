package main

import (
	"encoding/json"
	"regexp"
	"testing"
)

// TestStatsJSON checks that stats --json prints snake_case names, the HTTP API's for the
// figures the API also gives, with the metadata fields described.
func TestStatsJSON(t *testing.T) {
	corpus := writeCorpus(t, `{"id":"1","title":"Coffee","text":"espresso","metadata":{"year":2020,"lang":"en"}}`,
		`{"id":"2","title":"Tea","text":"green tea","metadata":{"year":2021,"lang":"en"}}`)
	code, out, errOut := runCLI(t, "", "stats", "-c", corpus, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	for k := range m {
		if !snake.MatchString(k) {
			t.Errorf("key %q is not snake_case", k)
		}
	}
	for _, k := range []string{"documents", "dimension", "modes", "embedder", "terms", "vectors", "segments",
		"log_bytes", "generation", "metadata_fields", "metadata"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, out)
		}
	}
	meta, _ := m["metadata"].([]any)
	if m["documents"] != 2.0 || len(meta) != 2 || meta[0].(map[string]any)["name"] != "lang" {
		t.Errorf("figures: %s", out)
	}
}
