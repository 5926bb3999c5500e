//go:build e2e

package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser suite drives the real server in headless Chromium (Debian's
// package; .ci/run installs it) and checks each page with axe-core (from
// npm, installed by `make e2e` under scripts/e2e). Run it with `make e2e`.

// browser is one headless Chromium tab.
type browser struct {
	ctx context.Context
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("PASSERELLE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: install the Debian package chromium (apt-get install -y chromium) or set PASSERELLE_CHROMIUM")
	return ""
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &browser{ctx: ctx}
}

// do runs actions with a deadline, failing the test on error.
func (b *browser) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, b *browser, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// axeViolation is the part of an axe-core result a failure message needs.
type axeViolation struct {
	ID    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkAxe runs axe-core on the current page against WCAG 2.1 A and AA and
// fails the test with each violation found.
func (b *browser) checkAxe(t *testing.T) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "scripts", "e2e", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is missing (run `make e2e`, which installs it with npm): %v", err)
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](string(src)))
	raw := get(t, b, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	var violations []axeViolation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	for _, v := range violations {
		var targets []string
		for _, n := range v.Nodes {
			b, _ := json.Marshal(n.Target)
			targets = append(targets, string(b))
		}
		t.Errorf("axe: %s — %s at %s", v.ID, v.Help, strings.Join(targets, ", "))
	}
}

// screenshot saves the full page under test-output/screenshots.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	png := get(t, b, chromedp.FullScreenshot(90))
	dir := filepath.Join("..", "..", "test-output", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserHome(t *testing.T) {
	p := startServer(t, t.TempDir())
	b := newBrowser(t)
	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			b.do(t, chromedp.Navigate(p.base+"/?lang="+lang), chromedp.WaitVisible("main h1"))
			htmlLang := get(t, b, chromedp.Evaluate[string](`document.documentElement.lang`))
			h1 := get(t, b, chromedp.Text("main h1"))
			if htmlLang != lang || h1 == "" {
				t.Fatalf("lang=%q h1=%q", htmlLang, h1)
			}
			b.checkAxe(t)
			b.screenshot(t, "home-"+lang)
		})
	}
	t.Run("skip link reaches main", func(t *testing.T) {
		b.do(t, chromedp.Navigate(p.base+"/"), chromedp.KeyEvent("\t"))
		focused := get(t, b, chromedp.Evaluate[string](`document.activeElement.className`))
		if focused != "skip-link" {
			t.Fatalf("first Tab focuses %q, want the skip link", focused)
		}
	})
}
