package vajra_test

import (
	"context"
	"fmt"

	"github.com/vajrasearch/vajra"
)

func Example() {
	ctx := context.Background()
	c, err := vajra.New(vajra.Options{Embedder: vajra.EmbedderOptions{Kind: vajra.EmbedderHash}})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	_, err = c.Upsert(ctx, []vajra.Document{
		{ID: "1", Title: "Café culture", Content: "Parisian cafés serve espresso.", Metadata: map[string]any{"year": 2019}},
		{ID: "2", Title: "Tea rooms", Content: "Afternoon tea is served in London.", Metadata: map[string]any{"year": 2021}},
		{ID: "3", Title: "Coffee roasting", Content: "Roasting coffee beans brings out their aroma.", Metadata: map[string]any{"year": 2022}},
	})
	if err != nil {
		panic(err)
	}
	res, err := c.Search(ctx, vajra.Query{Text: "coffee", Mode: vajra.Lexical})
	if err != nil {
		panic(err)
	}
	for _, h := range res.Hits {
		fmt.Println(h.ID, h.Title)
	}
	res, _ = c.Search(ctx, vajra.Query{Text: "coffee espresso", Mode: vajra.Hybrid, Filter: "year >= 2020", K: 1})
	fmt.Println(res.Hits[0].ID, res.Hits[0].Lexical.Rank, res.Hits[0].Vector.Rank)
	// Output:
	// 3 Coffee roasting
	// 3 1 1
}

func ExampleParseFilter() {
	f, err := vajra.ParseFilter(`year >= 2020 AND lang in (en, fr)`)
	fmt.Println(f.String(), err)
	_, err = vajra.ParseFilter(`year >=`)
	fmt.Println(err)
	// Output:
	// year >= 2020 AND lang in (en, fr) <nil>
	// filter: at 7: expected value after ">="
}
