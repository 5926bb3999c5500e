//go:build e2e

package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// appProfile writes a Go profile for the candidate of token, anonymous and
// open to being proposed.
func appProfile(t *testing.T, p *proc, token, name string) {
	t.Helper()
	var prof struct{ Revision int64 }
	apiCall(t, p, "GET", "/api/v1/me/profile", token, nil, &prof, http.StatusOK)
	apiCall(t, p, "PUT", "/api/v1/me/profile", token, map[string]any{
		"revision": prof.Revision, "displayName": name,
		"skills":    []map[string]any{{"code": "tag:go", "level": 3, "evidence": "declared"}, {"code": "tag:sql", "level": 2, "evidence": "experience"}},
		"communeId": "44143", "mobilityKm": 30, "remote": "hybrid", "visibility": "anonymous", "matchingConsent": true,
	}, nil, http.StatusOK)
}

// TestBrowserApplication: (a) a candidate applies from a match with a
// message and finds the application on /applications; (b) the employer
// opens the offer's pipeline, opens the application and moves it to
// interview, and the candidate reads "Entretien". On the way, the employer
// invites a second, anonymous candidate and asks them into the pool, who
// answers on /applications. Every page is checked with axe, in French.
func TestBrowserApplication(t *testing.T) {
	dataDir := t.TempDir()
	p := startServer(t, dataDir)
	const password = "une-passerelle-vers-le-numerique"
	employer := matchAccount(t, p, dataDir, "employer", map[string]any{"email": "sam@atelier.fr", "password": password, "name": "Sam Durand",
		"company": map[string]string{"name": "Atelier Numérique", "siren": "732829320", "city": "Nantes"}})
	var o struct{ ID string }
	apiCall(t, p, "POST", "/api/v1/offers", employer, map[string]any{
		"title": "Développeur·se Go", "rome": "M1805", "description": "Une équipe de six personnes.",
		"skills": []map[string]any{
			{"code": "tag:go", "minLevel": 3, "mustHave": true},
			{"code": "tag:sql", "minLevel": 2, "mustHave": true},
		},
		"contract": "cdi", "communeId": "44109", "remote": "hybrid",
		"startDate": time.Now().AddDate(0, 3, 0).Format("2006-01-02"),
	}, &o, http.StatusCreated)
	apiCall(t, p, "POST", "/api/v1/offers/"+o.ID+"/publish", employer, nil, nil, http.StatusOK)
	awa := matchAccount(t, p, dataDir, "candidate", map[string]any{"email": "awa@example.fr", "password": password, "name": "Awa Diallo"})
	appProfile(t, p, awa, "Awa Diallo")

	login := func(b *browser, email string) {
		b.do(t, chromedp.Navigate(p.base+"/?lang=fr"), chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"), fill("f-email", email), fill("f-password", password))
		b.submit(t, `form[action="/login"]`)
	}
	unfold := chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`)
	visit := func(b *browser, path string) string {
		t.Helper()
		b.do(t, chromedp.Navigate(p.base+path), chromedp.WaitVisible("main h1"), unfold)
		return get(t, b, chromedp.Text(chromedp.CSS("main")))
	}
	apply := `form[action="/offers/` + o.ID + `/apply"]`

	// (a) The candidate applies from their matches.
	c := newBrowser(t)
	login(c, "awa@example.fr")
	visit(c, "/matches")
	c.checkAxe(t)
	c.screenshot(t, "application-matches-apply")
	c.do(t, fill("apply-message-"+o.ID, "Je suis disponible dès lundi."))
	c.submit(t, apply)
	if text := get(t, c, chromedp.Text(chromedp.CSS("body"))); !strings.Contains(text, "Votre candidature est envoyée") || !strings.Contains(text, "Vous avez postulé") {
		t.Fatalf("after applying: %q", text)
	}
	text := visit(c, "/applications")
	for _, want := range []string{"Développeur·se Go", "Atelier Numérique", "Reçue", "Je suis disponible dès lundi."} {
		if !strings.Contains(text, want) {
			t.Fatalf("/applications lacks %q: %q", want, text)
		}
	}
	c.checkAxe(t)
	c.screenshot(t, "application-mine")
	visit(c, "/offers/"+o.ID+"/apply")
	c.checkAxe(t)

	// A second candidate, anonymous to the company, for the invitation and
	// the pool.
	bruno := matchAccount(t, p, dataDir, "candidate", map[string]any{"email": "bruno@example.fr", "password": password, "name": "Bruno Leroy"})
	appProfile(t, p, bruno, "Bruno Leroy")

	// (b) The employer: pipeline, application, move to interview.
	e := newBrowser(t)
	login(e, "sam@atelier.fr")
	visit(e, "/company/offers")
	e.do(t, chromedp.Click(chromedp.CSS(`a[href="/company/offers/`+o.ID+`/applications"]`)), chromedp.WaitVisible(`table.pipeline`))
	if text := get(t, e, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "Awa Diallo") {
		t.Fatalf("pipeline: %q", text)
	}
	e.checkAxe(t)
	e.screenshot(t, "application-pipeline")
	e.do(t, chromedp.Click(chromedp.CSS(`table.pipeline a`)), chromedp.WaitVisible(`#f-to`), unfold)
	if text := get(t, e, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "Je suis disponible dès lundi.") {
		t.Fatalf("application page: %q", text)
	}
	e.checkAxe(t)
	e.screenshot(t, "application-company")
	e.do(t, chromedp.SetValue(chromedp.CSS("#f-to"), "interview"), fill("f-note", "Entretien mardi à 10 h"))
	e.submit(t, `form:has(#f-to)`)
	if text := get(t, e, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "Entretien") {
		t.Fatalf("after the move: %q", text)
	}
	e.checkAxe(t)

	text = visit(c, "/applications")
	if !strings.Contains(text, "Entretien") || !strings.Contains(text, "Entretien mardi à 10 h") || strings.Contains(text, "Sam Durand") {
		t.Fatalf("candidate after the move: %q", text)
	}

	// Invitation and pool, from the employer's list of matches.
	visit(e, "/company/offers/"+o.ID+"/matches")
	e.checkAxe(t)
	e.screenshot(t, "application-matches-invite")
	invite := `form[action="/company/offers/` + o.ID + `/invitations"]`
	n := get(t, e, chromedp.Evaluate[int](`document.querySelectorAll('`+invite+`').length`))
	if n < 2 {
		t.Fatalf("%d invitation forms, want one per candidate", n)
	}
	// Invite and ask every candidate of the list: Awa has applied (the
	// service refuses), Bruno is invited.
	for i := range n {
		visit(e, "/company/offers/"+o.ID+"/matches")
		sel := `ol.offer-list > li:nth-of-type(` + strconv.Itoa(i+1) + `) `
		e.do(t, chromedp.SendKeys(chromedp.CSS(sel+invite+` textarea`), "Votre profil nous intéresse."))
		e.submit(t, sel+invite)
		visit(e, "/company/offers/"+o.ID+"/matches")
		e.submit(t, sel+`form.pool-ask`)
	}
	visit(e, "/company/pool")
	e.checkAxe(t)
	e.screenshot(t, "application-pool")

	b := newBrowser(t)
	login(b, "bruno@example.fr")
	text = visit(b, "/applications")
	if !strings.Contains(text, "Votre profil nous intéresse.") || !strings.Contains(text, "Demandes d'entrée dans un vivier") {
		t.Fatalf("Bruno's /applications: %q", text)
	}
	b.checkAxe(t)
	b.screenshot(t, "application-invited")
	b.submit(t, `form[action^="/applications/invitations/"][action$="/accept"]`)
	b.submit(t, `form[action^="/applications/pools/"][action$="/accept"]`)
	visit(b, "/applications")
	b.checkAxe(t)
	if text := visit(e, "/company/offers/"+o.ID+"/applications"); !strings.Contains(text, "Bruno Leroy") {
		t.Fatalf("pipeline after Bruno accepted: %q", text)
	}
	if text := visit(e, "/company/pool"); !strings.Contains(text, "Bruno Leroy") {
		t.Fatalf("pool after Bruno accepted: %q", text)
	}
}
