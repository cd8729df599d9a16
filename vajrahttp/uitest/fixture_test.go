package uitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vajrasearch/vajra/vajrahttp"
)

// fixture is a real vajrahttp server on loopback with two collections: "articles" (hash
// embedder, so all three modes work, with metadata to filter on) and "notes" (lexical only).
type fixture struct {
	url string
	key string
}

// doc is one fixture document.
type doc struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Content  string         `json:"content"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

func meta(year int, lang, topic string, tags ...string) map[string]any {
	m := map[string]any{"year": year, "lang": lang, "topic": topic}
	if len(tags) > 0 {
		m["tags"] = tags
	}
	return m
}

// articles are small documents on a few topics, with text in several scripts, emoji before a
// match (4 UTF-8 bytes, 2 UTF-16 units: wrong offset arithmetic shows), and one document
// whose text is markup that must stay text.
func articles() []doc {
	return []doc{
		{"solar-bavaria", "Solar power in Bavaria", "Rooftop solar panels power homes across Bavaria, and solar farms feed the grid at noon.", meta(2021, "en", "energy", "solar", "grid")},
		{"wind-solar", "Wind and solar hybrid plants", "A hybrid plant pairs wind turbines with solar arrays so that power flows day and night.", meta(2022, "en", "energy", "solar", "wind")},
		{"battery", "Battery storage for the grid", "Grid batteries store solar power at noon and release it in the evening peak.", meta(2023, "en", "energy", "grid")},
		{"hydro", "Hydroelectric dams", "Dams turn falling water into power; pumped hydro stores energy for the grid.", meta(2016, "en", "energy", "water")},
		{"solarenergie", "Solarenergie in Deutschland", "Photovoltaik liefert Strom: Solarenergie deckt an sonnigen Tagen einen großen Teil des Bedarfs.", meta(2020, "de", "energy", "solar")},
		{"nuclear", "Nuclear power stations", "Nuclear reactors give steady power around the clock, without the swings of solar or wind.", meta(2018, "en", "energy")},
		{"geothermal", "Geothermal heat", "Iceland heats homes with geothermal water and makes power from volcanic steam.", meta(2019, "en", "energy", "water")},
		{"tidal", "Tidal power", "Tidal turbines make power from the tides, as regular as the moon.", meta(2017, "en", "energy", "water")},
		{"winter-grid", "Power grids in winter", "In winter the grid needs more power when solar output is lowest.", meta(2024, "en", "energy", "grid", "solar")},
		{"ev-demand", "Electric cars and power demand", "Electric cars charging at night change how much power the grid must supply.", meta(2023, "en", "energy", "grid")},
		{"cafe-zurich", "Café Zürich", "☕ The Café Zürich roasts its own beans; people in Zürich drink espresso standing at the bar.", meta(2022, "de", "coffee")},
		{"espresso-rome", "Espresso in Rome", "Espresso bars in Rome serve coffee in small cups, quickly and standing.", meta(2019, "it", "coffee")},
		{"ethiopia", "Coffee cultivation in Ethiopia", "Coffee grows wild in the Ethiopian highlands, where the plant was first cultivated.", meta(2015, "en", "coffee")},
		{"creme-brulee", "Crème brûlée and coffee", "A crème brûlée with a cup of coffee ends a dinner in Paris.", meta(2020, "fr", "coffee")},
		{"greek-coffee", "Ελληνικός καφές", "Ο ελληνικός καφές is Greek coffee, boiled slowly in a briki and served with the grounds.", meta(2021, "el", "coffee")},
		{"moon", "The Moon landing", "In 1969 astronauts walked on the Moon and brought back rocks.", meta(2019, "en", "space")},
		{"mars", "Mars rovers", "Solar-powered rovers crossed the dust of Mars for years.", meta(2021, "en", "space", "solar")},
		{"solar-wind", "Solar wind and the magnetosphere", "The solar wind streams from the Sun and bends around the magnetosphere of the Earth.", meta(2018, "en", "space", "solar")},
		{"voyager", "Voyager probes leave the solar system", "The Voyager probes crossed the edge of the solar system, powered by plutonium.", meta(2020, "en", "space", "solar")},
		{"jazz", "Jazz in New Orleans", "Jazz grew in New Orleans from brass bands, blues and ragtime.", meta(2016, "en", "music")},
		{"markup", `<img src=x id=pwned onerror="document.title='pwned'">Markup test`, `<script>document.title='pwned'</script><b id="bold">A document about solar markup</b> that looks like HTML.`, meta(2024, "en", "markup")},
	}
}

func notes() []doc {
	return []doc{
		{"n1", "Meeting notes", "Decide on the solar panel supplier before spring.", nil},
		{"n2", "Shopping list", "Coffee beans, milk and bread.", nil},
	}
}

// newFixture serves both collections from a fresh data directory; a key, when given, is the
// admin key the server then requires.
func newFixture(t *testing.T, key string) *fixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := vajrahttp.New(vajrahttp.Options{DataDir: t.TempDir(), AdminKey: key})
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	if err := srv.Load(ctx); err != nil {
		t.Fatalf("load: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	fx := &fixture{url: ts.URL, key: key}
	fx.call(t, "PUT", "/v1/collections/articles", map[string]any{"embedder": map[string]any{"kind": "hash"}})
	fx.call(t, "POST", "/v1/collections/articles/documents", map[string]any{"documents": articles()})
	fx.call(t, "PUT", "/v1/collections/notes", nil)
	fx.call(t, "POST", "/v1/collections/notes/documents", map[string]any{"documents": notes()})
	return fx
}

// call sends one JSON request to the fixture's server and fails the test unless it succeeds.
func (fx *fixture) call(t *testing.T, method, path string, body any) []byte {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, fx.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if fx.key != "" {
		req.Header.Set("Authorization", "Bearer "+fx.key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %s: %s", method, path, res.Status, out)
	}
	return out
}

// hashURL is the UI's address showing the state a hash describes.
func (fx *fixture) hashURL(hash string, args ...any) string {
	return fx.url + "/#" + fmt.Sprintf(hash, args...)
}
