package filter_test

import (
	"fmt"

	"github.com/vajrasearch/vajra/internal/bitset"
	"github.com/vajrasearch/vajra/internal/filter"
)

func Example() {
	ix := filter.NewIndex()
	ix.Add(0, map[string]any{"year": 2019, "lang": "en"})
	ix.Add(1, map[string]any{"year": 2021, "lang": "de", "tags": []any{"go", "search"}})
	ix.Add(2, map[string]any{"year": 2023, "lang": "en", "tags": []any{"go"}})
	live := bitset.New(3)
	for id := range uint32(3) {
		live.Add(id)
	}

	e, err := filter.Parse(`year>=2020 AND lang=en OR tags=search`)
	if err != nil {
		panic(err)
	}
	allowed, err := ix.Eval(e, live)
	fmt.Println(e, "→", allowed.AppendTo(nil), err)

	_, err = filter.Parse(`year>=2020 and (lang = en || tags = search)`)
	fmt.Println(err)
	// Output:
	// year >= 2020 AND lang = en OR tags = search → [1 2] <nil>
	// filter: at 15: expected field name, found "("
}
