package uitest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromiumPath finds a Chromium or Chrome binary: VAJRA_CHROMIUM, else the usual names on PATH.
func chromiumPath() string {
	if p := os.Getenv("VAJRA_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser starts one headless Chromium for a test and its subtests, with a fresh profile
// and every background service off: this machine has no network but loopback, and a browser
// that tries to reach out waits for answers that never come.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("no Chromium found: install Debian's chromium package or set VAJRA_CHROMIUM to a Chromium or Chrome binary")
	}
	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints,AutofillServerCommunication"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.WSURLReadTimeout(60 * time.Second),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	// The first run starts the browser, which lives as long as the context it ran in.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return bctx
}

// viewport is a window size, and whether it is a phone's.
type viewport struct {
	w, h  int64
	phone bool
}

var (
	desktop = viewport{w: 1280, h: 800}
	phone   = viewport{w: 390, h: 844, phone: true}
)

// page is one browser tab of a test.
type page struct {
	t     *testing.T
	ctx   context.Context
	shots string

	mu       sync.Mutex
	problems []string
}

// newPage opens a tab in the test's browser with the viewport and colour scheme asked for.
// At the end of the test it fails on every script error or security report the page logged.
func newPage(t *testing.T, browser context.Context, shots string, vp viewport, dark bool) *page {
	t.Helper()
	tab, cancelTab := chromedp.NewContext(browser)
	ctx, cancel := context.WithTimeout(tab, 90*time.Second)
	p := &page{t: t, ctx: ctx, shots: shots}
	t.Cleanup(func() {
		cancel()
		cancelTab()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || m.Source == "security" || (m.Type == "error" && m.Source == "") {
				p.mu.Lock()
				p.problems = append(p.problems, m.String())
				p.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, msg := range p.problems {
			t.Errorf("the page logged: %s", msg)
		}
	})
	steps := []chromedp.Action[chromedp.Void]{}
	if vp.phone {
		steps = append(steps, chromedp.EmulateViewport(vp.w, vp.h, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	} else {
		steps = append(steps, chromedp.EmulateViewport(vp.w, vp.h))
	}
	p.do(steps...)
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		t.Fatalf("emulate %s colour scheme: %v", scheme, err)
	}
	return p
}

// do runs the actions and fails the test at the first error.
func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

// open loads the UI at url (with its hash) afresh, as a pasted link would, and waits until its
// script has asked for the collections (the select is filled, or an error is shown). Going
// through a blank page first keeps a change of hash alone from becoming an in-page jump.
func (p *page) open(url string) {
	p.t.Helper()
	p.do(chromedp.Navigate("about:blank"), chromedp.Navigate(url))
	p.wait("the page has loaded", `document.querySelector("#collection").options.length > 0 || document.querySelector("#status").textContent !== ""`)
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes its value.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// wait polls a JavaScript predicate until it holds; what names it in the failure.
func (p *page) wait(what, expr string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(25*time.Millisecond))); err != nil {
		p.t.Fatalf("waiting until %s (%s): %v\nstatus line: %q", what, expr, err, p.textOf("#status"))
	}
}

// textOf returns the text of the first element matching sel, or "" when there is none.
func (p *page) textOf(sel string) string {
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](fmt.Sprintf("document.querySelector(%q)?.textContent ?? ''", sel)))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(v)
}

// keys presses keys on whatever has the focus. A printable key goes as one key-down that
// carries its text, as a keyboard sends it, so that a page that handles the key-down can keep
// the character from being typed (chromedp.KeyEvent would type it in any case).
func (p *page) keys(keys string) {
	p.t.Helper()
	for _, r := range keys {
		k, ok := kb.Keys[r]
		if !ok || !k.Print {
			p.do(chromedp.KeyEvent(string(r)))
			continue
		}
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: k.Key, Code: k.Code, Text: k.Text, UnmodifiedText: k.Unmodified,
			WindowsVirtualKeyCode: k.Windows, NativeVirtualKeyCode: k.Native}
		if k.Shift {
			down.Modifiers = int64(kb.ModifierShift)
		}
		up := down
		up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		for _, ev := range []input.DispatchKeyEventParams{down, up} {
			if _, err := chromedp.Call(p.ctx, input.DispatchKeyEvent, ev); err != nil {
				p.t.Fatalf("press %q: %v", r, err)
			}
		}
	}
}

// shot saves a screenshot of the viewport as name.png.
func (p *page) shot(name string) {
	p.t.Helper()
	p.wait("fonts and animations settle", `document.fonts.status === "loaded" && document.getAnimations().every(a => a.playState !== "running" || a.effect?.getTiming().iterations === Infinity)`)
	img, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(p.shots, name+".png")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		p.t.Fatalf("save screenshot: %v", err)
	}
	p.t.Logf("screenshot %s", path)
}

// screenshotDir is docs/screenshots when VAJRA_SCREENSHOTS=1, else a temporary folder.
func screenshotDir(t *testing.T) string {
	t.Helper()
	if os.Getenv("VAJRA_SCREENSHOTS") != "1" {
		return t.TempDir()
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshots folder: %v", err)
	}
	return dir
}
