package uitest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestUI runs the UI's scenarios in one browser, each in its own tab, against one server.
func TestUI(t *testing.T) {
	browser := startBrowser(t)
	shots := screenshotDir(t)
	fx := newFixture(t, "")
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, p *page, fx *fixture)
		vp   viewport
		dark bool
	}{
		{"search as you type", searchAsYouType, desktop, false},
		{"highlights of any script, markup kept as text", highlightsAndUntrustedText, desktop, false},
		{"modes, weight and shareable links", modesAndLinks, desktop, false},
		{"explain from the keyboard", explainFromKeyboard, desktop, false},
		{"compare view", compareView, desktop, false},
		{"filter error inline, chips filter", filterErrorInline, desktop, false},
		{"filter suggestions from the stats", filterSuggestions, desktop, false},
		{"phone width in dark", phoneDark, phone, true},
		{"highlight offsets and link state, module by module", modules, desktop, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newPage(t, browser, shots, tc.vp, tc.dark), fx)
		})
	}
	t.Run("upload with the admin key", func(t *testing.T) {
		keyed := newFixture(t, "admin-secret")
		upload(t, newPage(t, browser, shots, desktop, false), keyed)
	})
	t.Run("tour of the built-in wikipedia collection", func(t *testing.T) {
		tour(t, browser, shots)
	})
}

// markTexts is the JavaScript for the texts of the <mark> elements under sel.
func markTexts(sel string) string {
	return `[...document.querySelectorAll(` + jsString(sel+" mark") + `)].map(m => m.textContent)`
}

// resultsFor is the JavaScript predicate that the result list shows the answer to query.
func resultsFor(query string) string {
	return `document.querySelector("#results").dataset.query === ` + jsString(query) + ` && document.querySelectorAll("#results .hit").length > 0 && !document.querySelector("#results").classList.contains("stale")`
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func searchAsYouType(t *testing.T, p *page, fx *fixture) {
	p.open(fx.url + "/")
	p.wait("the first collection is picked", `document.querySelector("#collection").value === "articles"`)
	p.wait("the landing shows the collection's numbers", `document.querySelector(".landing-numbers")?.textContent.includes("21")`)
	p.shot("landing")
	p.do(chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), "?!"))
	p.wait("a query with nothing to search for is answered in place", `document.querySelector("#status").textContent === "Type a word or a number to search." && !document.querySelector("#status").classList.contains("error")`)
	p.do(chromedp.Evaluate[chromedp.Void](`const q = document.querySelector("#q"); q.value = ""; q.dispatchEvent(new Event("input", {bubbles: true}))`))
	p.do(chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), "solar power"))
	p.wait("results for the whole query", resultsFor("solar power")+` && location.hash.includes("q=solar+power")`)
	status := p.textOf("#status")
	if !regexp.MustCompile(`^\d+ results? in [\d.]+ ms · [\d.]+ ms round trip`).MatchString(status) {
		t.Errorf("status line %q does not say how many results and how long", status)
	}
	for _, m := range eval[[]string](p, markTexts("#results")) {
		if w := strings.ToLower(m); !strings.HasPrefix(w, "solar") && !strings.HasPrefix(w, "power") {
			t.Errorf("highlight %q is not a form of a query word", m)
		}
	}
	if n := eval[int](p, `document.querySelectorAll("#results .hit-title mark").length`); n == 0 {
		t.Error("no title highlights")
	}
	if n := eval[int](p, `document.querySelectorAll("#results .hit .share").length`); n == 0 {
		t.Error("hybrid results show no share bar")
	}
	p.shot("search")
	// The next page appends with ranks that go on.
	p.open(fx.hashURL("c=articles&mode=lexical&q=power"))
	p.wait("a full first page", resultsFor("power")+` && document.querySelectorAll("#results .hit").length === 10 && !document.querySelector("#more").hidden`)
	if status := p.textOf("#status"); !regexp.MustCompile(`^10 of \d+ results in [\d.]+ ms · [\d.]+ ms round trip$`).MatchString(status) {
		t.Errorf("lexical status line %q does not say how many documents match, or says more", status)
	}
	total := eval[int](p, `Number(document.querySelector("#status strong").textContent.match(/of (\d+)/)[1])`)
	p.do(chromedp.Click(chromedp.CSS("#more")))
	p.wait("the second page, and no more after it", `document.querySelectorAll("#results .hit").length > 10 && document.querySelector("#more").hidden`)
	if n := eval[int](p, `document.querySelectorAll("#results .hit").length`); n != total {
		t.Errorf("%d results shown once no more is offered, the status said %d match", n, total)
	}
	ranks := eval[[]string](p, `[...document.querySelectorAll("#results .hit")].map(h => h.dataset.rank)`)
	for i, r := range ranks {
		if want := strconv.Itoa(i + 1); r != want {
			t.Fatalf("ranks after the second page %v: position %d is %s", ranks, i+1, r)
		}
	}
	if ids := eval[int](p, `new Set([...document.querySelectorAll("#results .hit")].map(h => h.dataset.id)).size`); ids != len(ranks) {
		t.Errorf("%d distinct documents in %d results", ids, len(ranks))
	}
	// Deleting the query goes back to the landing view.
	p.do(chromedp.Evaluate[chromedp.Void](`const q = document.querySelector("#q"); q.value = ""; q.dispatchEvent(new Event("input", {bubbles: true}))`))
	p.wait("the landing view is back", `document.querySelectorAll("#results .hit").length === 0 && !document.querySelector("#empty").hidden`)
}

func highlightsAndUntrustedText(t *testing.T, p *page, fx *fixture) {
	for _, tc := range []struct{ query, want string }{
		{"zürich", "zürich"},
		{"καφές", "καφές"},
		{"brûlée", "brûlée"},
	} {
		p.open(fx.hashURL("c=articles&mode=lexical&q=%s", tc.query))
		p.wait("results for "+tc.query, resultsFor(tc.query))
		marks := eval[[]string](p, markTexts("#results"))
		if len(marks) == 0 {
			t.Errorf("%s: nothing highlighted", tc.query)
		}
		for _, m := range marks {
			if strings.ToLower(m) != tc.want {
				t.Errorf("%s: highlight %q, want %q (byte offsets converted wrong?)", tc.query, m, tc.want)
			}
		}
	}
	p.open(fx.hashURL("c=articles&mode=lexical&q=markup"))
	p.wait("the markup document is found", `[...document.querySelectorAll("#results .hit")].some(h => h.dataset.id === "markup")`)
	if bad := eval[bool](p, `document.getElementById("pwned") !== null || document.getElementById("bold") !== null || document.title !== "Vajra"`); bad {
		t.Fatal("document text was parsed as HTML")
	}
	title := p.textOf(`#results .hit[data-id="markup"] .hit-title`)
	if !strings.Contains(title, `<img src=x id=pwned`) {
		t.Errorf("title shown as %q, want the markup as text", title)
	}
	p.shot("untrusted-text")
}

func modesAndLinks(t *testing.T, p *page, fx *fixture) {
	p.open(fx.hashURL("c=articles&q=solar+grid"))
	p.wait("hybrid results", `document.querySelectorAll('#results .hit[data-mode="hybrid"]').length > 0`)
	p.do(chromedp.Click(chromedp.CSS(`.mode[data-mode="lexical"]`)))
	p.wait("lexical results", `document.querySelectorAll('#results .hit').length > 0 && [...document.querySelectorAll('#results .hit')].every(h => h.dataset.mode === "lexical") && location.hash.includes("mode=lexical")`)
	p.do(chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	p.keys("2")
	p.wait("vector results from the 2 key", `document.querySelectorAll('#results .hit').length > 0 && [...document.querySelectorAll('#results .hit')].every(h => h.dataset.mode === "vector")`)
	if eval[bool](p, `document.querySelector('#weight').disabled === false`) {
		t.Error("the lexical weight slider is live outside hybrid mode")
	}
	p.keys("3")
	p.wait("hybrid again", `[...document.querySelectorAll('#results .hit')].every(h => h.dataset.mode === "hybrid")`)
	first := eval[string](p, `document.querySelector('#results .hit').dataset.id`)
	p.do(chromedp.Evaluate[chromedp.Void](`const w = document.querySelector('#weight'); w.value = "1"; w.dispatchEvent(new Event("input", {bubbles: true}))`))
	p.wait("the weight is in the link", `location.hash.includes("w=1")`)
	p.wait("all-lexical fusion ranks by BM25", `document.querySelector('#results .hit .side.lexical')?.textContent === "BM25 #1" && !document.querySelector('#results').classList.contains("stale")`)
	t.Logf("top hit at weight 0.5: %s; at 1: %s", first, eval[string](p, `document.querySelector('#results .hit').dataset.id`))

	// The link restores the query, the mode and the weight in a new tab.
	link := eval[string](p, `location.href`)
	p.open(link)
	p.wait("the link's state", `document.querySelector('#q').value === "solar grid" && document.querySelector('.mode[data-mode="hybrid"]').getAttribute("aria-checked") === "true" && document.querySelector('#weight').value === "1"`)

	// A lexical-only collection turns off the vector and hybrid modes.
	p.open(fx.hashURL("c=notes&q=solar&mode=hybrid"))
	p.wait("notes searched lexically", `document.querySelectorAll('#results .hit[data-mode="lexical"]').length > 0`)
	if !eval[bool](p, `document.querySelector('.mode[data-mode="vector"]').disabled && document.querySelector('.mode[data-mode="hybrid"]').disabled && !document.querySelector('.mode[data-mode="lexical"]').disabled`) {
		t.Error("vector and hybrid stay enabled on a collection without vectors")
	}
	p.shot("lexical-only")
}

func explainFromKeyboard(t *testing.T, p *page, fx *fixture) {
	p.open(fx.hashURL("c=articles&q=solar+power"))
	p.wait("results", `document.querySelectorAll("#results .hit").length >= 3`)
	p.keys("/")
	p.wait("/ focuses the search box", `document.activeElement.id === "q"`)
	p.keys(kb.ArrowDown + kb.ArrowDown)
	p.wait("the second result is selected", `document.activeElement.matches("#results .hit") && document.activeElement.dataset.rank === "2"`)
	id := eval[string](p, `document.activeElement.dataset.id`)
	p.do(chromedp.Evaluate[chromedp.Void](`window.searchBodies = []; const realFetch = window.fetch;
		window.fetch = (url, init) => { if (String(url).endsWith("/search")) window.searchBodies.push(JSON.parse(init.body)); return realFetch(url, init); }`))
	p.keys(kb.Enter)
	p.wait("the explanation", `!document.querySelector("#drawer").hidden && document.querySelector("#drawer .x-terms") !== null`)
	// The drawer asks the engine to explain that one document, not the whole page.
	if asked := eval[string](p, `JSON.stringify(window.searchBodies.map(b => [b.explain_ids, b.explain ?? false]))`); asked != `[[[`+jsString(id)+`],false]]` {
		t.Errorf("explain requests %s, want one with explain_ids [%s]", asked, id)
	}
	if x := p.textOf("#drawer"); !strings.Contains(x, "Each side brought its best 100 candidates.") || !strings.Contains(x, "×1 in the content") {
		t.Errorf("the explanation does not give the fusion depth or the field weights by name: %q", x)
	}
	terms := eval[[]string](p, `[...document.querySelectorAll("#drawer .x-terms tbody .term")].map(e => e.textContent)`)
	if len(terms) == 0 {
		t.Error("no BM25 terms in the explanation")
	}
	for _, term := range terms {
		if term != "solar" && term != "power" {
			t.Errorf("explained term %q is not a query term", term)
		}
	}
	sum := p.textOf("#drawer .x-sum")
	if !regexp.MustCompile(`^[\d.e-]+ \+ [\d.e-]+ = [\d.e-]+$`).MatchString(sum) {
		t.Errorf("fusion sum %q", sum)
	}
	formulas := eval[[]string](p, `[...document.querySelectorAll("#drawer .x-formula")].map(e => e.textContent)`)
	if len(formulas) != 2 || !strings.HasPrefix(formulas[0], "0.50 / (60 + ") {
		t.Errorf("fusion formulas %q", formulas)
	}
	if !strings.Contains(p.textOf("#drawer"), "Vector similarity") {
		t.Error("no vector similarity in a hybrid explanation")
	}
	p.shot("explain")
	p.keys(kb.Escape)
	p.wait("Esc closes and gives the focus back", `document.querySelector("#drawer").hidden && document.activeElement.dataset.id === `+jsString(id))
	p.keys("e")
	p.wait("e opens it again", `!document.querySelector("#drawer").hidden`)
	p.keys(kb.ArrowDown)
	p.wait("the explanation follows the selection", `document.querySelector("#drawer-kicker").textContent.endsWith("#3")`)
	p.do(chromedp.Click(chromedp.CSS(`#drawer [data-act="load-doc"]`)))
	p.wait("the whole document", `document.querySelector("#drawer .doc-content")?.textContent.length > 0`)
	p.keys(kb.Escape)
	p.wait("closed", `document.querySelector("#drawer").hidden`)
	p.keys("?")
	p.wait("? opens the keyboard help", `document.querySelector("#help").open`)
	p.shot("keyboard-help")
	p.keys(kb.Escape)
	p.wait("Esc closes the help", `!document.querySelector("#help").open`)
}

func compareView(t *testing.T, p *page, fx *fixture) {
	p.open(fx.hashURL("c=articles&q=solar+power+grid"))
	p.wait("results", `document.querySelectorAll("#results .hit").length > 0`)
	p.do(chromedp.Click(chromedp.CSS(`.view-tab[data-view="compare"]`)))
	p.wait("three filled columns", `["lexical", "hybrid", "vector"].every(m => document.querySelectorAll(".c-col." + m + " .c-card").length > 0) && location.hash.includes("view=compare")`)
	type card struct {
		ID, Mode, Hue string
		Shared        bool
	}
	cards := eval[[]card](p, `[...document.querySelectorAll(".c-card")].map(c => ({ID: c.dataset.id, Mode: c.dataset.mode, Hue: c.style.getPropertyValue("--doc-hue"), Shared: c.classList.contains("shared")}))`)
	cols := map[string]map[string]bool{}
	hue := map[string]string{}
	for _, c := range cards {
		if cols[c.ID] == nil {
			cols[c.ID] = map[string]bool{}
		}
		cols[c.ID][c.Mode] = true
	}
	shared := 0
	for _, c := range cards {
		if want := len(cols[c.ID]) > 1; c.Shared != want {
			t.Errorf("%s in %s: marked shared %v, but it is in %d columns", c.ID, c.Mode, c.Shared, len(cols[c.ID]))
		}
		if !c.Shared {
			continue
		}
		shared++
		if h, ok := hue[c.ID]; ok && h != c.Hue {
			t.Errorf("%s has colour %s in one column and %s in another", c.ID, h, c.Hue)
		}
		hue[c.ID] = c.Hue
	}
	if shared == 0 {
		t.Fatal("no document marked as shared between columns")
	}
	p.wait("lines join shared documents", `document.querySelectorAll(".c-line").length > 0`)
	if n := eval[int](p, `document.querySelectorAll(".c-card .delta.up, .c-card .delta.down").length`); n == 0 {
		t.Error("no rank moves shown")
	}
	p.do(chromedp.Evaluate[chromedp.Void](`document.querySelector(".c-col.hybrid .c-card.shared").dispatchEvent(new PointerEvent("pointerover", {bubbles: true}))`))
	p.wait("hovering lights the document in every column", `document.querySelector(".compare").classList.contains("linking") && document.querySelectorAll(".c-card.lit").length >= 2`)
	p.do(chromedp.Evaluate[chromedp.Void](`document.querySelector(".compare").dispatchEvent(new PointerEvent("pointerleave"))`))
	p.shot("compare")
	// Keyboard: into the hybrid column, across to the same document, explain it.
	p.do(chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	p.keys(kb.ArrowDown)
	p.wait("the hybrid column's first card", `document.activeElement.matches(".c-col.hybrid .c-card")`)
	id := eval[string](p, `document.activeElement.dataset.id`)
	p.keys(kb.ArrowLeft)
	p.wait("the lexical column", `document.activeElement.matches(".c-col.lexical .c-card")`)
	if cols[id]["lexical"] && eval[string](p, `document.activeElement.dataset.id`) != id {
		t.Errorf("left arrow did not follow %s into the lexical column", id)
	}
	p.keys(kb.Enter)
	p.wait("a lexical explanation", `!document.querySelector("#drawer").hidden && document.querySelector("#drawer .mode-badge")?.textContent === "lexical"`)
	p.keys(kb.Escape)
	p.keys("c")
	p.wait("c goes back to the list", `!document.querySelector("#view-search").hidden && !location.hash.includes("view=compare")`)
}

func filterErrorInline(t *testing.T, p *page, fx *fixture) {
	p.open(fx.hashURL("c=articles&q=solar"))
	p.wait("results", `document.querySelectorAll("#results .hit").length > 0`)
	p.do(chromedp.Click(chromedp.CSS("#filter")), chromedp.SendKeys(chromedp.CSS("#filter"), "year >= AND lang = en"))
	p.wait("the filter error under the box, for the whole filter", `!document.querySelector("#filter-error").hidden && document.querySelector("#filter-error .filter-echo")?.textContent === "year >= AND lang = en"`)
	if got := p.textOf("#filter-error mark"); got != "AND" {
		t.Errorf("the error marks %q, want the token at the position, AND", got)
	}
	if msg := p.textOf("#filter-error .filter-msg"); !strings.HasPrefix(msg, "At 9: ") {
		t.Errorf("filter message %q does not start with the position", msg)
	}
	if eval[string](p, `document.querySelector("#filter").getAttribute("aria-invalid")`) != "true" {
		t.Error("the filter box is not marked invalid")
	}
	p.shot("filter-error")
	p.do(chromedp.Evaluate[chromedp.Void](`const f = document.querySelector("#filter"); f.value = "year >= 2021"; f.dispatchEvent(new Event("input", {bubbles: true}))`))
	p.wait("the error goes with a good filter", `document.querySelector("#filter-error").hidden && document.querySelectorAll("#results .hit").length > 0 && !document.querySelector("#results").classList.contains("stale")`)
	years := eval[[]string](p, `[...document.querySelectorAll('#results .chip.meta[data-field="year"]')].map(c => c.dataset.value)`)
	if len(years) == 0 {
		t.Fatal("no year chips")
	}
	for _, y := range years {
		if y < "2021" {
			t.Errorf("a result from %s passed year >= 2021", y)
		}
	}
	p.do(chromedp.Click(chromedp.CSS(`#results .chip.meta[data-field="lang"]`)))
	p.wait("the chip adds its clause", `document.querySelector("#filter").value.startsWith('year >= 2021 AND lang = "') && location.hash.includes("f=")`)
	p.wait("filtered results", `[...document.querySelectorAll('#results .chip.meta[data-field="lang"]')].every(c => c.dataset.value === document.querySelectorAll('#results .chip.meta[data-field="lang"]')[0].dataset.value)`)
}

func filterSuggestions(t *testing.T, p *page, fx *fixture) {
	p.open(fx.hashURL("c=articles&mode=lexical&q=solar"))
	p.wait("results", resultsFor("solar"))
	options := func() []string {
		return eval[[]string](p, `[...document.querySelectorAll("#filter-suggest li .s-label")].map(e => e.textContent)`)
	}
	p.do(chromedp.Click(chromedp.CSS("#filter")))
	p.wait("the fields are offered", `!document.querySelector("#filter-suggest").hidden && document.querySelector("#filter").getAttribute("aria-expanded") === "true"`)
	if got := options(); !reflect.DeepEqual(got, []string{"lang", "topic", "year", "tags"}) {
		t.Errorf("fields offered %v, want those of the metadata, the most common first", got)
	}
	p.keys("ye")
	p.wait("the field typed is offered", `[...document.querySelectorAll("#filter-suggest li .s-label")].map(e => e.textContent).join() === "year"`)
	p.keys(kb.ArrowDown + kb.Enter)
	p.wait("the field taken, its operators offered", `document.querySelector("#filter").value === "year " && document.querySelector("#filter-suggest li .s-label")?.textContent === "year >="`)
	p.keys(kb.ArrowDown + kb.Enter)
	p.wait("its range offered", `document.querySelector("#filter").value === "year >= " && document.querySelectorAll("#filter-suggest li").length > 0`)
	if got := options(); len(got) < 2 || got[0] != "year >= 2015" || got[1] != "year >= 2024" {
		t.Errorf("values offered after year >= %v, want the smallest and largest year first", got)
	}
	p.shot("filter-suggest")
	p.keys(kb.ArrowDown + kb.ArrowDown + kb.Enter)
	p.wait("the filter applies", `document.querySelector("#filter").value === "year >= 2024" && location.hash.includes("f=year")`)
	p.wait("filtered results", `!document.querySelector("#results").classList.contains("stale") && [...document.querySelectorAll('#results .chip.meta[data-field="year"]')].every(c => c.dataset.value === "2024")`)
	p.keys(" AND la")
	p.wait("lang offered", `document.querySelector("#filter-suggest li .s-label")?.textContent === "lang"`)
	p.keys(kb.ArrowDown + kb.Enter + kb.ArrowDown + kb.Enter)
	p.wait("the values of lang, most frequent first", `document.querySelector("#filter").value === "year >= 2024 AND lang = " && document.querySelector("#filter-suggest li .s-label")?.textContent === 'lang = "en"'`)
	p.keys(kb.Escape)
	p.wait("Esc closes the list and keeps the box", `document.querySelector("#filter-suggest").hidden && document.activeElement.id === "filter"`)
	p.keys(kb.Escape)
	p.wait("a second Esc leaves the box", `document.activeElement.id !== "filter"`)
	// The clause at the caret is read as the parser reads it.
	got := eval[string](p, `import("/js/suggest.js").then(m => JSON.stringify([
		m.parseClause('a = 1 AND "odd name" >= ', 24), m.parseClause("tags in (x, so", 14), m.parseClause("x = 1 OR y", 10),
		m.parseClause('lang = "and" , ye', 17), m.parseClause("year exists", 11), m.parseClause("year exists ", 12)]))`)
	want := `[{"stage":"value","field":"odd name","op":">=","from":24,"partial":""},{"stage":"value","field":"tags","op":"in (","from":12,"partial":"so"},` +
		`{"stage":"field","from":9,"partial":"y"},{"stage":"field","from":15,"partial":"ye"},{"stage":"op","field":"year","from":5,"partial":"exists"},{"stage":"done"}]`
	if got != want {
		t.Errorf("parseClause:\n got %s\nwant %s", got, want)
	}
}

func phoneDark(t *testing.T, p *page, fx *fixture) {
	p.open(fx.hashURL("c=articles&q=solar+power"))
	p.wait("results", `document.querySelectorAll("#results .hit").length > 0`)
	if w := eval[int](p, `document.documentElement.scrollWidth - innerWidth`); w > 0 {
		t.Errorf("the page is %dpx wider than the phone", w)
	}
	bg := eval[string](p, `getComputedStyle(document.body).backgroundColor`)
	if bg != "rgb(14, 16, 22)" {
		t.Errorf("dark scheme: body background %s", bg)
	}
	p.shot("phone-dark")
	p.do(chromedp.Click(chromedp.CSS("#results .hit .explain-btn")))
	p.wait("the explanation fills the phone", `!document.querySelector("#drawer").hidden && document.querySelector("#drawer").getBoundingClientRect().width === innerWidth && document.querySelector("#drawer .x-terms") !== null`)
	p.shot("phone-dark-explain")
	p.keys(kb.Escape)
	p.do(chromedp.Click(chromedp.CSS("#theme-button")))
	p.wait("the toggle switches to light", `document.documentElement.dataset.theme === "light" && getComputedStyle(document.body).backgroundColor === "rgb(246, 247, 251)"`)
}

func upload(t *testing.T, p *page, fx *fixture) {
	p.open(fx.hashURL("view=upload"))
	p.wait("the server asks for a key", `!document.querySelector("#key-panel").hidden && document.activeElement.id === "api-key"`)
	if !strings.Contains(p.textOf("#status"), "needs a key") {
		t.Errorf("status %q does not say a key is needed", p.textOf("#status"))
	}
	p.do(chromedp.SendKeys(chromedp.CSS("#api-key"), "admin-secret"+kb.Enter))
	p.wait("collections listed with the key", `document.querySelector("#collection").options.length === 2 && !document.querySelector("#view-upload").hidden && document.querySelector("#upload-target").textContent === "articles"`)
	if eval[string](p, `sessionStorage.getItem("vajra.key")`) != "admin-secret" {
		t.Error("the key is not kept in sessionStorage")
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "zeppelins.jsonl")
	writeFile(t, good, `{"id":"z1","title":"Zeppelin hangars","content":"Airships of the zeppelin kind needed huge hangars."}
{"id":"z2","title":"Zeppelin flights","content":"A zeppelin crossed the Atlantic in 1928.","metadata":{"year":1928}}
{"id":"z3","title":"Hindenburg","content":"The zeppelin Hindenburg burned in 1937."}
`)
	p.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{good}))
	p.wait("the upload report", `document.querySelector("#upload-result .report-head")?.textContent.startsWith("3 documents added")`)
	if v := eval[float64](p, `document.querySelector("#upload-bar").value / document.querySelector("#upload-bar").max`); v != 1 {
		t.Errorf("progress ends at %v, want 1", v)
	}
	p.shot("upload")
	bad := filepath.Join(dir, "bad.jsonl")
	writeFile(t, bad, `{"id":"b1","title":"Good line","content":"zeppelin one"}
{"id":"b2","title":"Broken line","content":
{"id":"b3","title":"After the bad line","content":"never stored"}
`)
	p.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{bad}))
	p.wait("the stop at the bad line", `document.querySelector("#upload-result .error-text")?.textContent.startsWith("Stopped at line 2")`)
	if head := p.textOf("#upload-result .report-head"); !strings.HasPrefix(head, "1 document added") {
		t.Errorf("report %q, want 1 document added before the bad line", head)
	}
	p.shot("upload-stopped")

	// A file cut into many small pieces: line numbers count across pieces, nothing is lost.
	got := eval[string](p, `(async () => {
		const m = await import("/js/upload.js");
		const lines = [];
		for (let i = 1; i <= 40; i++) lines.push(i === 23 ? '{"id": broken' : JSON.stringify({id: "piece-" + i, title: "Piece " + i, content: "käse piece number " + i}));
		const file = new File([lines.join("\n") + "\n"], "pieces.jsonl");
		const rep = await new m.Upload(file, "articles", "skip", 200).run(() => {});
		return JSON.stringify({upserted: rep.upserted, pieces: rep.pieces, lines: rep.errors.map(e => e.line)});
	})()`)
	var rep struct {
		Upserted, Pieces int
		Lines            []int
	}
	if err := json.Unmarshal([]byte(got), &rep); err != nil {
		t.Fatalf("piece upload answer %q: %v", got, err)
	}
	if rep.Upserted != 39 || rep.Pieces < 10 || len(rep.Lines) != 1 || rep.Lines[0] != 23 {
		t.Errorf("piece upload: %+v, want 39 upserted over 10 or more pieces and line 23 rejected", rep)
	}

	// A new collection from the form becomes the upload target.
	p.do(chromedp.SendKeys(chromedp.CSS("#create-name"), "fresh"), chromedp.Click(chromedp.CSS(`#create button[type="submit"]`)))
	p.wait("the new collection picked", `document.querySelector("#collection").value === "fresh" && document.querySelector("#upload-target").textContent === "fresh" && document.querySelector("#create-result").textContent.startsWith("Created fresh")`)
	p.do(chromedp.Click(chromedp.CSS(`#create button[type="submit"]`)))
	p.wait("a second create says it exists", `document.querySelector("#create-result code")?.textContent === "collection_exists"`)

	// What was uploaded is searchable at once.
	p.open(fx.hashURL("c=articles&mode=lexical&q=zeppelin"))
	p.wait("the uploaded documents found", `new Set([...document.querySelectorAll("#results .hit")].map(h => h.dataset.id)).size === 4`)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// modules checks the UI's pure functions in the page: byte ranges to characters whatever the
// ranges, and the URL hash both ways.
func modules(t *testing.T, p *page, fx *fixture) {
	p.open(fx.url + "/")
	for _, tc := range []struct {
		name, text, ranges, want string
	}{
		{"ascii", "solar power", "[[0,5]]", "[solar] power"},
		{"two byte letters", "Zürich café", "[[0,7],[8,13]]", "[Zürich] [café]"},
		{"emoji before", "☕ Café", "[[4,9]]", "☕ [Café]"},
		{"astral emoji before", "😀😀 x", "[[9,10]]", "😀😀 [x]"},
		{"greek", "ελληνικός καφές", "[[19,29]]", "ελληνικός [καφές]"},
		{"unsorted and overlapping", "abcdefgh", "[[4,6],[0,2],[1,3]]", "[abc]d[ef]gh"},
		{"inside a character snaps to its start", "aé", "[[2,3]]", "a[é]"},
		{"out of range and empty", "abc", "[[2,99],[1,1],[-4,-1],[5,2],\"x\"]", "ab[c]"},
		{"no ranges", "abc", "null", "abc"},
	} {
		got := eval[string](p, `(async () => {
			const m = await import("/js/highlight.js");
			return m.segments(`+jsString(tc.text)+`, `+tc.ranges+`).map(s => s.mark ? "[" + s.text + "]" : s.text).join("");
		})()`)
		if got != tc.want {
			t.Errorf("%s: %s with %s gave %q, want %q", tc.name, tc.text, tc.ranges, got, tc.want)
		}
	}
	if got := eval[int](p, `import("/js/highlight.js").then(m => m.charIndex("year >= AND ☕ x", 9))`); got != 9 {
		t.Errorf("charIndex: %d, want 9", got)
	}
	if got := eval[int](p, `import("/js/highlight.js").then(m => m.charIndex("☕ x = y z", 8))`); got != 6 {
		t.Errorf("charIndex after an emoji: %d, want 6", got)
	}
	got := eval[string](p, `import("/js/state.js").then(m => {
		const st = {...m.defaults(), collection: "a b", q: "solar & wind #1", mode: "vector", weight: 0.25, fusion: "linear", filter: 'lang = "en"', view: "compare"};
		return JSON.stringify([m.readHash(m.hashOf(st)), st, m.readHash("#mode=nope&w=7&view=x&fusion=y")]);
	})`)
	var states [3]map[string]any
	if err := json.Unmarshal([]byte(got), &states); err != nil {
		t.Fatal(err)
	}
	for k, v := range states[1] {
		if states[0][k] != v {
			t.Errorf("hash round trip: %s = %v, want %v", k, states[0][k], v)
		}
	}
	if bad := states[2]; bad["mode"] != "" || bad["weight"] != 0.5 || bad["view"] != "search" || bad["fusion"] != "rrf" {
		t.Errorf("bad hash values kept: %v", bad)
	}
}
