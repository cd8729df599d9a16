package vajra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vajrasearch/vajra/internal/doccodec"
	"github.com/vajrasearch/vajra/internal/storage"
	"github.com/vajrasearch/vajra/internal/testutil"
)

// opTimeout bounds each operation below: a distance loop that never ends must fail the
// test, not hang it.
const opTimeout = 60 * time.Second

func finishesIn(t *testing.T, what string, fn func() error) {
	t.Helper()
	testutil.Finishes(t, opTimeout, what, fn)
}

// positiveDocs are n documents with 8-d vectors of positive components: a vector such as
// [3e38, -3e38, ...] has a NaN inner product with each of them.
func positiveDocs(n int) []Document {
	docs := make([]Document, n)
	for i := range docs {
		v := make([]float32, 8)
		for j := range v {
			v[j] = float32(1 + math.Abs(math.Sin(float64(i*8+j))))
		}
		docs[i] = Document{ID: fmt.Sprintf("p%03d", i), Content: fmt.Sprintf("positive %d", i), Vector: v}
	}
	return docs
}

func alternatingVector(x float32) []float32 {
	v := make([]float32, 8)
	for i := range v {
		v[i] = x
		if i%2 == 1 {
			v[i] = -x
		}
	}
	return v
}

func precomputedOptions(metric string) Options {
	return Options{
		Embedder: EmbedderOptions{Kind: EmbedderPrecomputed},
		Vector:   VectorOptions{Metric: metric, Profile: "instant", Seed: 1},
		Threads:  2,
	}
}

// An upsert or a query whose vector would overflow float32 distances is refused with an
// error naming it. Such an upsert used to hang the collection forever under ip (NaN
// distances stopped the greedy descent from ending, with the write lock held).
func TestOverflowingVectorsRefused(t *testing.T) {
	ctx := context.Background()
	huge := alternatingVector(3e38)
	for _, metric := range []string{"ip", "l2", "cosine"} {
		t.Run(metric, func(t *testing.T) {
			c, err := New(precomputedOptions(metric))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Upsert(ctx, positiveDocs(300)); err != nil {
				t.Fatal(err)
			}
			var upsertErr, queryErr error
			finishesIn(t, "upsert", func() error {
				_, upsertErr = c.Upsert(ctx, []Document{{ID: "huge", Content: "huge", Vector: huge}})
				return nil
			})
			finishesIn(t, "query", func() error {
				_, queryErr = c.Search(ctx, Query{Vector: huge, Mode: Vector, K: 5})
				return nil
			})
			if metric == "cosine" {
				// Normalised in float64 before use: a direction like any other.
				if upsertErr != nil || queryErr != nil {
					t.Fatalf("cosine: upsert %v, query %v", upsertErr, queryErr)
				}
				res := mustSearch(t, c, Query{Vector: huge, Mode: Vector, K: 1})
				if len(res.Hits) != 1 || res.Hits[0].ID != "huge" {
					t.Fatalf("cosine: nearest to itself %v", ids(res))
				}
				return
			}
			msg := fmt.Sprint(upsertErr)
			if !errors.Is(upsertErr, ErrInvalidDocument) || !strings.Contains(msg, `document "huge"`) ||
				!strings.Contains(msg, `field "vector"`) || !strings.Contains(msg, "squared norm") {
				t.Fatalf("upsert: %v", upsertErr)
			}
			if c.Len() != 300 {
				t.Fatalf("refused upsert changed the collection: %d documents", c.Len())
			}
			if !errors.Is(queryErr, ErrInvalidQuery) || !strings.Contains(fmt.Sprint(queryErr), "query vector") {
				t.Fatalf("query: %v", queryErr)
			}
			t.Logf("upsert: %v; query: %v", upsertErr, queryErr)
		})
	}
}

func TestVectorIndexRefusesOverflow(t *testing.T) {
	ctx := context.Background()
	x, err := NewVectorIndex(VectorIndexOptions{Dim: 8, Metric: "ip", Profile: "instant"})
	if err != nil {
		t.Fatal(err)
	}
	docs := positiveDocs(300)
	keys := make([]uint32, len(docs))
	var vecs []float32
	for i, d := range docs {
		keys[i] = uint32(i)
		vecs = append(vecs, d.Vector...)
	}
	if err := x.Add(ctx, keys, vecs); err != nil {
		t.Fatal(err)
	}
	huge := alternatingVector(3e38)
	finishesIn(t, "add", func() error {
		if err := x.Add(ctx, []uint32{999}, huge); err == nil || !strings.Contains(err.Error(), "vector 999") {
			return fmt.Errorf("got %v, want an error naming vector 999", err)
		}
		return nil
	})
	finishesIn(t, "search", func() error {
		if _, err := x.Search(huge, 5, VectorSearchOptions{}); err == nil || !strings.Contains(err.Error(), "query") {
			return fmt.Errorf("got %v, want an error naming the query", err)
		}
		return nil
	})
	if x.Len() != 300 {
		t.Fatalf("Len %d after refused add", x.Len())
	}
}

// A log written before the norm limit may hold such a vector (logged, then hung while
// being applied). Open replays it, storing it rather than refusing the collection: the
// loops are bounded whatever the floats, so Open, searches and Check all finish.
func TestReplayOfOverflowingVectorFinishes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	o := precomputedOptions("ip")
	o.SnapshotBytes = 1 << 30
	c, err := Create(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, positiveDocs(300)); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	// What an older version logged before applying it, then left behind.
	payload, err := doccodec.EncodeUpsert([]Document{{ID: "huge", Content: "huge", Vector: alternatingVector(3e38)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.wal.Append(storage.Record{Type: doccodec.RecUpsert, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	if err := c.wal.Close(); err != nil {
		t.Fatal(err)
	}
	c.lock.Close()

	check := func(what string) {
		t.Helper()
		finishesIn(t, what, func() error {
			rep, err := Check(dir)
			if err == nil && !rep.OK() {
				err = fmt.Errorf("problems: %v", rep.Problems)
			}
			return err
		})
	}
	check("check replaying the log")
	finishesIn(t, "open", func() error {
		c, err = Open(dir, OpenOptions{})
		return err
	})
	defer c.Close()
	if _, err := c.Get("huge"); err != nil || c.Len() != 301 {
		t.Fatalf("replayed: %v, %d documents", err, c.Len())
	}
	finishesIn(t, "searches", func() error {
		for _, mode := range []Mode{Vector, Hybrid} {
			for _, q := range [][]float32{positiveDocs(1)[0].Vector, alternatingVector(1), alternatingVector(-1)} {
				res, err := c.Search(ctx, Query{Vector: q, Text: "huge positive", Mode: mode, K: 400, EfSearch: 400})
				if err != nil {
					return err
				}
				if !slices.Contains(ids(res), "huge") {
					return fmt.Errorf("%s search of all documents missed the stored one: %v", mode, ids(res))
				}
				if _, err := json.Marshal(res); err != nil {
					return fmt.Errorf("%s results do not encode: %w", mode, err)
				}
			}
		}
		return nil
	})
	finishesIn(t, "more writes", func() error {
		if _, err := c.Upsert(ctx, positiveDocs(320)[300:]); err != nil {
			return err
		}
		_, err := c.Delete(ctx, []string{"p001", "huge"})
		return err
	})
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check("check after more writes")
}
