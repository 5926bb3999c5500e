//go:build e2e

package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// matchAccount registers an account through the API (candidate or
// employer), verifies its e-mail from the outbox and returns an access
// token.
func matchAccount(t *testing.T, p *proc, dataDir, kind string, body map[string]any) string {
	t.Helper()
	apiCall(t, p, "POST", "/api/v1/auth/register/"+kind, "", body, nil, http.StatusAccepted)
	u, err := url.Parse(outboxLink(t, dataDir, body["email"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	apiCall(t, p, "POST", "/api/v1/auth/verify", "", map[string]string{"token": u.Query().Get("token")}, nil, http.StatusNoContent)
	var tok struct{ AccessToken string }
	apiCall(t, p, "POST", "/api/v1/auth/login", "", map[string]any{"email": body["email"], "password": body["password"]}, &tok, http.StatusOK)
	return tok.AccessToken
}

// TestBrowserMatches seeds an offer and a candidate who fits it through the
// API, then checks the employer's anonymous list and the candidate's list
// with axe, explanations unfolded. (The adviser's page needs a candidate in
// an adviser organisation's caseload, which no route makes yet.)
func TestBrowserMatches(t *testing.T) {
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
			{"code": "tag:docker", "minLevel": 2, "learnable": true},
		},
		"contract": "cdi", "communeId": "44109", "remote": "hybrid",
		"startDate": time.Now().AddDate(0, 3, 0).Format("2006-01-02"),
	}, &o, http.StatusCreated)
	apiCall(t, p, "POST", "/api/v1/offers/"+o.ID+"/publish", employer, nil, nil, http.StatusOK)

	cand := matchAccount(t, p, dataDir, "candidate", map[string]any{"email": "awa@example.fr", "password": password, "name": "Awa Diallo"})
	var prof struct{ Revision int64 }
	apiCall(t, p, "GET", "/api/v1/me/profile", cand, nil, &prof, http.StatusOK)
	apiCall(t, p, "PUT", "/api/v1/me/profile", cand, map[string]any{
		"revision": prof.Revision, "displayName": "Awa Diallo",
		"skills": []map[string]any{{"code": "tag:go", "level": 3, "evidence": "declared"}},
		"trainings": []map[string]any{{"title": "Développeur web", "provider": "AFPA", "status": "in_progress",
			"start": time.Now().AddDate(0, -2, 0).Format("2006-01-02"), "end": time.Now().AddDate(0, 1, 0).Format("2006-01-02"),
			"skills": []string{"tag:docker"}}},
		"communeId": "44143", "mobilityKm": 30, "remote": "hybrid", "visibility": "anonymous", "matchingConsent": true,
	}, nil, http.StatusOK)

	login := func(b *browser, email string) {
		b.do(t, chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"), fill("f-email", email), fill("f-password", password))
		b.submit(t, `form[action="/login"]`)
	}
	unfold := chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`)

	emp := newBrowser(t)
	emp.do(t, chromedp.Navigate(p.base+"/?lang=fr"))
	login(emp, "sam@atelier.fr")
	for _, lang := range []string{"fr", "en"} {
		emp.do(t, chromedp.Navigate(p.base+"/company/offers/"+o.ID+"/matches?lang="+lang), chromedp.WaitVisible("main h1"), unfold)
		text := get(t, emp, chromedp.Text(chromedp.CSS("main")))
		if !strings.Contains(text, "Profil") || strings.Contains(text, "Awa") {
			t.Fatalf("employer's list (%s): %q", lang, text)
		}
		emp.checkAxe(t)
		emp.screenshot(t, "matches-offer-"+lang)
	}

	c := newBrowser(t)
	c.do(t, chromedp.Navigate(p.base+"/?lang=fr"))
	login(c, "awa@example.fr")
	c.do(t, chromedp.Navigate(p.base+"/matches"), chromedp.WaitVisible("main h1"), unfold)
	if text := get(t, c, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "Développeur·se Go") || !strings.Contains(text, "À apprendre en priorité") {
		t.Fatalf("candidate's list: %q", text)
	}
	c.checkAxe(t)
	c.screenshot(t, "matches-candidate")
}
