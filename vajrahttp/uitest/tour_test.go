package uitest

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/vajrasearch/vajra/vajrahttp"
)

// tourQuery is the query of the screenshots of the built-in collection.
const tourQuery = "solar power"

// wikipediaServer serves what `vajra serve` serves with no flags: the built-in Wikipedia
// corpus, read-only. VAJRA_UI_URL points the tour at a running server instead.
func wikipediaServer(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("VAJRA_UI_URL"); u != "" {
		return u
	}
	srv, err := vajrahttp.New(vajrahttp.Options{Builtins: []vajrahttp.Builtin{vajrahttp.Wikipedia()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := srv.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if len(srv.Collections()) != 1 {
		t.Fatalf("collections %v, want the built-in wikipedia", srv.Collections())
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}

// tour takes the search, explain and compare views of the built-in collection at desktop and
// phone widths, light and dark. The other tests check widths and schemes; without
// VAJRA_SCREENSHOTS=1, only the first pass runs, for what the real corpus shows.
func tour(t *testing.T, browser context.Context, shots string) {
	base := wikipediaServer(t)
	passes := []struct {
		name             string
		vp               viewport
		dark             bool
		explain, compare bool
	}{
		{"desktop-light", desktop, false, true, true},
		{"desktop-dark", desktop, true, true, true},
		{"phone-light", phone, false, false, true},
		{"phone-dark", phone, true, true, false},
	}
	if os.Getenv("VAJRA_SCREENSHOTS") != "1" {
		passes = passes[:1]
	}
	for _, s := range passes {
		p := newPage(t, browser, shots, s.vp, s.dark)
		p.open(base + "/#c=wikipedia&q=" + url.QueryEscape(tourQuery))
		p.wait("wikipedia results", resultsFor(tourQuery))
		p.shot("wikipedia-search-" + s.name)
		if s.explain {
			p.do(chromedp.Click(chromedp.CSS(`#results .hit[data-rank="2"] .explain-btn`)))
			p.wait("the explanation", `!document.querySelector("#drawer").hidden && document.querySelector("#drawer .x-terms") !== null`)
			p.shot("wikipedia-explain-" + s.name)
			p.keys(kb.Escape)
			p.wait("closed", `document.querySelector("#drawer").hidden`)
		}
		if s.compare {
			p.do(chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
			p.keys("c")
			p.wait("three columns", `document.querySelector("#compare").dataset.query === `+jsString(tourQuery)+` && document.querySelectorAll(".c-col .c-card").length >= 20`)
			p.wait("lines drawn", `document.querySelectorAll(".c-line").length > 0`)
			// The pointer is still where the explain button was; hovering lights one document.
			p.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 2, 2))
			p.wait("nothing lit", `!document.querySelector(".compare").classList.contains("linking")`)
			p.shot("wikipedia-compare-" + s.name)
		}
	}
}
