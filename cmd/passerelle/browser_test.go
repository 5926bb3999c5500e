//go:build e2e

package main

import (
	"context"
	"encoding/json"
	"io"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
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
	png := get(t, b, chromedp.FullScreenshot(100))
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

// fill types value into the field labelled by the input with id.
func fill(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(chromedp.CSS("#"+id), value)
}

// submit clicks the form's submit button and waits until the next page has
// loaded (a wait on an element would find it on the page being left).
func (b *browser) submit(t *testing.T, form string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(form+` button[type="submit"]`))); err != nil {
		t.Fatalf("submit %s: %v", form, err)
	}
}

func (b *browser) h1(t *testing.T) string {
	t.Helper()
	return strings.TrimSpace(get(t, b, chromedp.Text(chromedp.CSS("main h1"))))
}

func (b *browser) path(t *testing.T) string {
	t.Helper()
	return get(t, b, chromedp.Evaluate[string](`location.pathname`))
}

// outboxLink finds the last e-mail written to the outbox for addr and returns
// the path and query of its first link with a token.
func outboxLink(t *testing.T, dataDir, addr string) string {
	t.Helper()
	if link, ok := findOutboxLink(t, dataDir, addr, tokenLink); ok {
		return link
	}
	t.Fatalf("no e-mail with a link for %s in the outbox", addr)
	return ""
}

var tokenLink = regexp.MustCompile(`https?://\S+token=[A-Za-z0-9_-]+`)

// findOutboxLink returns the path and query of the first link matching
// link in the newest e-mail to addr in the outbox folder that has one.
func findOutboxLink(t *testing.T, dataDir, addr string, link *regexp.Regexp) (string, bool) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dataDir, "outbox", "*.eml"))
	sort.Strings(files)
	for i := len(files) - 1; i >= 0; i-- {
		f, err := os.Open(files[i])
		if err != nil {
			t.Fatal(err)
		}
		m, err := netmail.ReadMessage(f)
		if err != nil {
			f.Close()
			t.Fatal(err)
		}
		body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
		f.Close()
		if !strings.Contains(m.Header.Get("To"), addr) {
			continue
		}
		if found := link.FindString(string(body)); found != "" {
			u, _ := url.Parse(found)
			return u.RequestURI(), true
		}
	}
	return "", false
}

func TestBrowserCandidateRegistersLogsOutLogsIn(t *testing.T) {
	dataDir := t.TempDir()
	p := startServer(t, dataDir)
	b := newBrowser(t)
	// Headless Chromium asks for English; this journey is checked in French.
	b.do(t, chromedp.Navigate(p.base+"/?lang=fr"), chromedp.Navigate(p.base+"/register/candidate"), chromedp.WaitVisible("main h1"))
	b.checkAxe(t)
	b.screenshot(t, "register-candidate")
	// An invalid submission shows the errors beside the fields, accessibly.
	b.do(t, fill("f-name", "Camille Martin"), fill("f-email", "pas-une-adresse"), fill("f-password", "court"))
	b.submit(t, `form[action="/register/candidate"]`)
	if n := get(t, b, chromedp.Evaluate[int](`document.querySelectorAll('[aria-invalid="true"]').length`)); n < 2 {
		t.Fatalf("%d invalid fields marked, want at least 2", n)
	}
	b.checkAxe(t)
	b.screenshot(t, "register-candidate-errors")
	b.do(t,
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-email").value = ""`), fill("f-email", "camille@example.fr"),
		fill("f-password", "une-passerelle-vers-le-numerique"))
	b.submit(t, `form[action="/register/candidate"]`)
	if h := b.h1(t); !strings.Contains(h, "Compte") {
		t.Fatalf("after registration the page says %q", h)
	}
	b.do(t, chromedp.Navigate(p.base+outboxLink(t, dataDir, "camille@example.fr")), chromedp.WaitVisible("main h1"))
	b.checkAxe(t)
	login := func() {
		b.do(t, chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"))
		b.checkAxe(t)
		b.do(t, fill("f-email", "camille@example.fr"), fill("f-password", "une-passerelle-vers-le-numerique"))
		b.submit(t, `form[action="/login"]`)
	}
	login()
	b.do(t, chromedp.Navigate(p.base+"/account"), chromedp.WaitVisible("main h1"))
	if path := b.path(t); path != "/account" {
		t.Fatalf("logged-in user sent to %s", path)
	}
	b.checkAxe(t)
	b.screenshot(t, "account")
	b.submit(t, `form[action="/logout"]`)
	b.do(t, chromedp.Navigate(p.base+"/account"), chromedp.WaitVisible("main h1"))
	if path := b.path(t); path != "/login" {
		t.Fatalf("after logout /account shows %s, want the login page", path)
	}
	login()
	b.do(t, chromedp.Navigate(p.base+"/account"), chromedp.WaitVisible("main h1"))
	if path := b.path(t); path != "/account" {
		t.Fatalf("logging in again: %s", path)
	}
}

func TestBrowserEmployerInvitesColleague(t *testing.T) {
	dataDir := t.TempDir()
	p := startServer(t, dataDir)
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(p.base+"/?lang=fr"), chromedp.Navigate(p.base+"/register/employer"), chromedp.WaitVisible("main h1"))
	b.checkAxe(t)
	b.screenshot(t, "register-employer")
	b.do(t,
		fill("f-name", "Sam Durand"), fill("f-email", "sam@atelier-numerique.fr"), fill("f-password", "une-passerelle-vers-le-numerique"),
		fill(`f-company\.name`, "Atelier Numérique"), fill(`f-company\.siren`, "732 829 320"), fill(`f-company\.city`, "Nantes"))
	b.submit(t, `form[action="/register/employer"]`)
	b.screenshot(t, "register-employer-done")
	if h := b.h1(t); !strings.Contains(h, "Compte") {
		t.Fatalf("after registration the page says %q", h)
	}
	b.do(t, chromedp.Navigate(p.base+outboxLink(t, dataDir, "sam@atelier-numerique.fr")), chromedp.WaitVisible("main h1"))
	b.do(t, chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"),
		fill("f-email", "sam@atelier-numerique.fr"), fill("f-password", "une-passerelle-vers-le-numerique"))
	b.submit(t, `form[action="/login"]`)
	b.do(t, chromedp.Navigate(p.base+"/organisation"), chromedp.WaitVisible("main h1"))
	if h := b.h1(t); h != "Atelier Numérique" {
		t.Fatalf("organisation page title %q", h)
	}
	b.checkAxe(t)
	b.do(t, fill("f-email", "ines@atelier-numerique.fr"))
	b.submit(t, `form[action="/organisation/invitations"]`)
	link := get(t, b, chromedp.Evaluate[string](`document.querySelector('#invite-link').value`))
	if !strings.Contains(link, "/invitations/accept?token=") {
		t.Fatalf("invitation link %q", link)
	}
	b.checkAxe(t)
	b.screenshot(t, "organisation-invited")

	// The colleague opens the link in another browser.
	c := newBrowser(t)
	u, _ := url.Parse(link)
	c.do(t, chromedp.Navigate(p.base+u.RequestURI()), chromedp.WaitVisible("main h1"))
	c.checkAxe(t)
	c.screenshot(t, "invitation")
	c.do(t, fill("f-name", "Inès Robert"), fill("f-password", "un-autre-mot-de-passe-long"))
	c.submit(t, `form[action="/invitations/accept"]`)
	if path := c.path(t); path != "/organisation" {
		t.Fatalf("after accepting, the colleague is on %s", path)
	}
	names := get(t, c, chromedp.Text(chromedp.CSS("table")))
	if !strings.Contains(names, "Inès Robert") || !strings.Contains(names, "Sam Durand") {
		t.Fatalf("members table: %q", names)
	}
}
