package kernel_test

import (
	"fmt"

	"github.com/vajrasearch/vajra/internal/vector/kernel"
)

func ExampleDot() {
	a := []float32{1, 2, 3}
	b := []float32{4, 5, 6}
	fmt.Println(kernel.Dot(a, b), kernel.L2Sq(a, b))
	// Output: 32 27
}

func ExampleDotRows() {
	// Three rows of two dimensions, back to back.
	base := []float32{1, 0, 0, 1, 3, 4}
	q := []float32{1, 2}
	out := make([]float32, 2)
	kernel.DotRows(q, base, []uint32{2, 0}, out)
	fmt.Println(out)
	// Output: [11 1]
}

func ExampleNormalize() {
	v := []float32{3, 4}
	norm := kernel.Normalize(v)
	fmt.Println(norm, v)
	// Output: 5 [0.6 0.8]
}
