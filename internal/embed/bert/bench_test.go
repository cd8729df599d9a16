package bert

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// BenchmarkEmbed times the committed tiny model, or the model folder VAJRA_BERT_BENCH
// names (a full-size one made by make_reference.py), at batch 1 and 32 on sentences of
// about 100 tokens, and a 10-word query.
func BenchmarkEmbed(b *testing.B) {
	dir := tinyDir
	if d := os.Getenv("VAJRA_BERT_BENCH"); d != "" {
		dir = d
	}
	m, err := Load(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	words := strings.Fields("the study measures how insulin resistance changes gene expression in mice across twelve countries and several decades of careful observation")
	text := func(i, n int) string {
		var s strings.Builder
		for j := range n {
			s.WriteString(words[(i+j*7)%len(words)])
			s.WriteByte(' ')
		}
		return s.String()
	}
	for _, batch := range []int{1, 32} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			texts := make([]string, batch)
			for i := range texts {
				texts[i] = text(i, 80)
			}
			for b.Loop() {
				if _, err := m.Embed(context.Background(), texts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
		})
	}
	b.Run("query=10words", func(b *testing.B) {
		q := []string{text(3, 10)}
		for b.Loop() {
			if _, err := m.Embed(context.Background(), q); err != nil {
				b.Fatal(err)
			}
		}
	})
}
