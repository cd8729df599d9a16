package analysis_test

import (
	"fmt"

	"github.com/vajrasearch/vajra/internal/analysis"
)

func ExampleAnalyzer_AppendTerms() {
	a, err := analysis.New(analysis.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(a.AppendTerms(nil, "The fox's X-rays of the U.S.A. in 3.14 seconds"))
	// Output: [fox x ray usa 3.14 second]
}

func ExampleAnalyzer_AppendTokens() {
	a, err := analysis.New(analysis.Options{Compounds: true, FoldAccents: true})
	if err != nil {
		panic(err)
	}
	text := "Café x-ray"
	for _, t := range a.AppendTokens(nil, text) {
		fmt.Printf("%s %q pos=%d\n", t.Term, text[t.Start:t.End], t.Pos)
	}
	// Output:
	// cafe "Café" pos=0
	// x "x" pos=1
	// xray "x-ray" pos=1
	// ray "ray" pos=2
}
