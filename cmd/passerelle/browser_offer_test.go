//go:build e2e

package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserOfferLifecycle: an employer registers, writes an offer with two
// skills through the form (typing into the autocomplete fields), publishes
// it, and an anonymous visitor finds it in the search. Every page is checked
// with axe.
func TestBrowserOfferLifecycle(t *testing.T) {
	dataDir := t.TempDir()
	p := startServer(t, dataDir)
	b := newBrowser(t)
	const email, password = "lea@data-loire.fr", "une-passerelle-vers-le-numerique"
	// follow clicks a link and waits until the next page has loaded.
	follow := func(t *testing.T, b *browser, sel string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("follow %s: %v", sel, err)
		}
	}

	b.do(t, chromedp.Navigate(p.base+"/?lang=fr"), chromedp.Navigate(p.base+"/register/employer"), chromedp.WaitVisible("main h1"),
		fill("f-name", "Léa Morel"), fill("f-email", email), fill("f-password", password),
		fill(`f-company\.name`, "Data Loire"), fill(`f-company\.siren`, "552 100 554"), fill(`f-company\.city`, "Nantes"))
	b.submit(t, `form[action="/register/employer"]`)
	b.do(t, chromedp.Navigate(p.base+outboxLink(t, dataDir, email)), chromedp.WaitVisible("main h1"),
		chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"), fill("f-email", email), fill("f-password", password))
	b.submit(t, `form[action="/login"]`)

	b.do(t, chromedp.Navigate(p.base+"/company/offers"), chromedp.WaitVisible("main h1"))
	if h := b.h1(t); h != "Mes offres" {
		t.Fatalf("employer's offers page: %q", h)
	}
	b.checkAxe(t)
	b.screenshot(t, "company-offers-empty")
	follow(t, b, `main .actions a.button[href="/company/offers/new"]`)
	if path := b.path(t); path != "/company/offers/new" {
		t.Fatalf("the new offer link leads to %s", path)
	}
	b.checkAxe(t)
	b.screenshot(t, "offer-form")

	// A first attempt without a title: errors beside the fields, in a summary.
	b.do(t, fill("f-rome", "Analyste décisionnel - Business Intelligence"), fill("f-commune", "Nantes"),
		chromedp.SetValue(chromedp.CSS("#f-contract"), "cdi"), chromedp.SetValue(chromedp.CSS("#f-remote"), "hybrid"))
	// The first skill is typed, and the script's suggestions are used: they
	// come from the API as the person types, and choosing one fills the code.
	b.do(t, fill(`f-skills\.0\.skill`, "golang"))
	b.do(t, chromedp.Poll[chromedp.Void](`document.querySelector('#f-skills\\.0\\.skill-ac option[data-code="tag:go"]') !== null`))
	status := get(t, b, chromedp.Text(chromedp.CSS(`#f-skills\.0\.skill-status`)))
	if !strings.Contains(status, "suggestion") {
		t.Fatalf("the live region says %q after typing", status)
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`(() => {
		const input = document.querySelector('#f-skills\\.0\\.skill');
		input.value = document.querySelector('#f-skills\\.0\\.skill-ac option[data-code="tag:go"]').value;
		input.dispatchEvent(new Event('input', {bubbles: true}));
	})()`))
	if code := get(t, b, chromedp.Value(chromedp.CSS(`#f-skills\.0\.code`))); code != "tag:go" {
		t.Fatalf("choosing the suggestion Go set the code %q", code)
	}
	b.do(t, chromedp.Click(chromedp.CSS(`#f-skills\.0\.mustHave`)), chromedp.SetValue(chromedp.CSS(`#f-skills\.0\.minLevel`), "3"))
	// The second is typed in full and left to the server to resolve.
	b.do(t, fill(`f-skills\.1\.skill`, "Analyse de données"), chromedp.Click(chromedp.CSS(`#f-skills\.1\.learnable`)))
	b.submit(t, `form.offer-form`)
	if n := get(t, b, chromedp.Evaluate[int](`document.querySelectorAll('[aria-invalid="true"]').length`)); n != 1 {
		t.Fatalf("%d invalid fields marked, want 1 (the title)", n)
	}
	if v := get(t, b, chromedp.Value(chromedp.CSS(`#f-skills\.1\.skill`))); v != "Analyse de données" {
		t.Fatalf("the second skill was not kept: %q", v)
	}
	b.checkAxe(t)
	b.screenshot(t, "offer-form-errors")

	b.do(t, fill("f-title", "Analyste de données junior"),
		fill("f-description", "Vous rejoignez une équipe de quatre analystes.\n\nNous formons aux outils internes."))
	b.submit(t, `form.offer-form`)
	if path := b.path(t); path != "/company/offers" {
		t.Fatalf("after saving the offer: %s", path)
	}
	b.checkAxe(t)
	b.screenshot(t, "company-offers-draft")
	b.submit(t, `form[action$="/publish"]`)
	if flash := get(t, b, chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "publiée") {
		t.Fatalf("after publishing: %q", flash)
	}
	b.checkAxe(t)
	b.screenshot(t, "company-offers-published")

	// Anyone finds it, and reads it.
	c := newBrowser(t)
	c.do(t, chromedp.Navigate(p.base+"/offers?lang=fr"), chromedp.WaitVisible("main h1"))
	list := get(t, c, chromedp.Text(chromedp.CSS(".offer-list")))
	if !strings.Contains(list, "Analyste de données junior") || !strings.Contains(list, "Data Loire") {
		t.Fatalf("the search page lists %q", list)
	}
	c.checkAxe(t)
	c.screenshot(t, "offers-search")
	c.do(t, fill("f-skill", "python"))
	c.submit(t, `form.offer-search`)
	if h := get(t, c, chromedp.Text(chromedp.CSS("#results-title"))); !strings.Contains(h, "Aucune offre") {
		t.Fatalf("searching for Python: %q", h)
	}
	c.checkAxe(t)
	c.screenshot(t, "offers-search-none")
	c.do(t, chromedp.Navigate(p.base+"/offers?skill=golang&commune=Saint-Herblain&radiusKm=10"), chromedp.WaitVisible("main h1"))
	follow(t, c, ".offer-list h3 a")
	if h := c.h1(t); h != "Analyste de données junior" {
		t.Fatalf("offer page title %q", h)
	}
	skills := get(t, c, chromedp.Text(chromedp.CSS("table.skills-table tbody")))
	if !regexp.MustCompile(`Go\s+3 — Maîtrise\s+Indispensable`).MatchString(skills) || !strings.Contains(skills, "Analyse de données") {
		t.Fatalf("skills table: %q", skills)
	}
	c.checkAxe(t)
	c.screenshot(t, "offer-page")
	follow(t, c, ".offer-company a")
	if h := c.h1(t); h != "Data Loire" {
		t.Fatalf("company page title %q", h)
	}
	c.checkAxe(t)
	c.screenshot(t, "company-page")

	// The employer closes it with a reason.
	follow(t, b, `a[href$="/close"]`)
	b.checkAxe(t)
	b.do(t, chromedp.Click(chromedp.CSS(`#f-reason`)))
	b.submit(t, `form[action$="/close"]`)
	if flash := get(t, b, chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "clôturée") {
		t.Fatalf("after closing: %q", flash)
	}
	b.do(t, chromedp.Navigate(p.base+"/company/edit"), chromedp.WaitVisible("main h1"))
	b.checkAxe(t)
	b.screenshot(t, "company-form")
}
