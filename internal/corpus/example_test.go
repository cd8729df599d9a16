package corpus_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/vajrasearch/vajra/internal/corpus"
)

func ExampleScanJSONL() {
	in := `{"_id": "d1", "title": "Go", "text": "Go is a programming language.", "year": 2009}
{"id": 2, "content": "Integer ids become decimal strings."}
`
	rep, err := corpus.ScanJSONL(context.Background(), strings.NewReader(in), "docs.jsonl", corpus.ReadOptions{},
		func(d corpus.Document) error {
			fmt.Printf("%s %q %v\n", d.ID, d.Title, d.Metadata)
			return nil
		})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep)
	// Output:
	// d1 "Go" map[year:2009]
	// 2 "" map[]
	// docs.jsonl: 2 lines, 2 documents, 0 bad, 0 duplicates, 2 kept
}

func ExampleLineError() {
	_, err := corpus.ScanJSONL(context.Background(), strings.NewReader(`{"title": "no id"}`), "corpus.jsonl",
		corpus.ReadOptions{}, func(corpus.Document) error { return nil })
	fmt.Println(err)
	// Output: corpus.jsonl:1: field "_id": missing
}
