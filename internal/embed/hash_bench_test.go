package embed

import (
	"context"
	"testing"
)

// benchPassage is a 100-word English passage.
const benchPassage = `Alterations of the architecture of cerebral white matter in the developing human brain ` +
	`can affect cortical development and result in functional disabilities. A line scan diffusion-weighted ` +
	`magnetic resonance imaging sequence with diffusion tensor analysis was applied to measure the apparent ` +
	`diffusion coefficient, to calculate relative anisotropy, and to delineate three-dimensional fiber ` +
	`architecture in cerebral white matter in preterm infants. To assess effects of prematurity on cerebral ` +
	`white matter development, early gestation preterm infants were studied a second time at term. In the ` +
	`central white matter the mean apparent diffusion coefficient at 28 weeks was high, 1.8 square ` +
	`micrometers per millisecond, and decreased toward term.`

func BenchmarkHash(b *testing.B) {
	h, err := NewHash(HashOptions{})
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		text string
	}{
		{"query3w", "running shoes review"},
		{"passage100w", benchPassage},
	}
	for _, c := range cases {
		b.Run(c.name+"/EmbedTo", func(b *testing.B) {
			dst := make([]float32, h.Dim())
			b.ReportAllocs()
			b.SetBytes(int64(len(c.text)))
			for b.Loop() {
				if err := h.EmbedTo(dst, c.text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("passage100w/Embed64", func(b *testing.B) {
		texts := make([]string, 64)
		for i := range texts {
			texts[i] = benchPassage
		}
		ctx := context.Background()
		b.ReportAllocs()
		b.SetBytes(int64(64 * len(benchPassage)))
		for b.Loop() {
			if _, err := h.Embed(ctx, texts); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(64*b.N)/b.Elapsed().Seconds(), "passages/s")
	})
}
