//go:build e2e

package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"passerelle/internal/demo"
)

// TestBrowserFailedEmailsAndEndingALink: in the demo world served with an
// SMTP server that refuses the employer's address for good, a candidate's
// application makes the employer's e-mail fail; an admin sees it on
// /admin/emails and sends it again. Then the candidate opens the page that
// confirms ending the link with her adviser organisation, and keeps it.
// Both pages in French, axe clean.
func TestBrowserFailedEmailsAndEndingALink(t *testing.T) {
	const employer, candidate = "claire.moreau@passerelle.test", "isabelle.fournier@passerelle.test"
	mails := startMailServer(t, employer)
	p := startServer(t, t.TempDir(), "PASSERELLE_SEED=true",
		"PASSERELLE_SMTP_HOST=127.0.0.1", "PASSERELLE_SMTP_PORT="+strconv.Itoa(mails.port), "PASSERELLE_SMTP_TLS=none",
		"PASSERELLE_SMTP_USERNAME=passerelle", "PASSERELLE_SMTP_PASSWORD="+smtpPassword)
	login := func(email string) string {
		var tok struct{ AccessToken string }
		apiCall(t, p, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": demo.DemoPassword}, &tok, http.StatusOK)
		return tok.AccessToken
	}
	var offers struct {
		Items []struct{ ID, CompanyName string }
	}
	apiCall(t, p, "GET", "/api/v1/offers?pageSize=50", "", nil, &offers, http.StatusOK)
	offerID := ""
	for _, o := range offers.Items {
		if o.CompanyName == "Loire Data Conseil" {
			offerID = o.ID
		}
	}
	if offerID == "" {
		t.Fatalf("no published offer of Loire Data Conseil in %+v", offers.Items)
	}
	// Any new application notifies the company's members, Claire among them.
	cand := login("thierry.gautier@passerelle.test")
	apiCall(t, p, "POST", "/api/v1/offers/"+offerID+"/applications", cand, map[string]string{"message": "Bonjour"}, nil, http.StatusCreated)

	admin := login("admin@passerelle.test")
	var failed struct{ Items []struct{ ID, To string } }
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(300 * time.Millisecond) {
		apiCall(t, p, "GET", "/api/v1/admin/emails", admin, nil, &failed, http.StatusOK)
		if len(failed.Items) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(failed.Items) == 0 || failed.Items[0].To != employer {
		t.Fatalf("failed e-mails: %+v", failed.Items)
	}

	b := newBrowser(t)
	signIn := func(email string) {
		b.do(t, chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"), fill("f-email", email), fill("f-password", demo.DemoPassword))
		b.submit(t, `form[action="/login"]`)
	}
	b.do(t, chromedp.Navigate(p.base+"/?lang=fr"))
	signIn("admin@passerelle.test")
	b.do(t, chromedp.Navigate(p.base+"/admin/emails"), chromedp.WaitVisible("main table"))
	if text := get(t, b, chromedp.Text(chromedp.CSS("main table tbody"))); !strings.Contains(text, employer) {
		t.Fatalf("the failed e-mail is not listed: %s", text)
	}
	b.checkAxe(t)
	b.screenshot(t, "admin-emails")
	b.submit(t, `form[action="/admin/emails/`+failed.Items[0].ID+`/retry"]`)
	if text := get(t, b, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "remis dans la file d'envoi") {
		t.Errorf("after retry the page says: %s", text)
	}
	b.submit(t, `form[action="/logout"]`)

	signIn(candidate)
	b.do(t, chromedp.Navigate(p.base+"/account/advisers"), chromedp.WaitVisible("main h1"),
		chromedp.Click(`a[href^="/account/advisers/links/"]`), chromedp.WaitVisible(`main form[action$="/end"]`))
	if h := b.h1(t); !strings.Contains(h, "Arrêter le suivi par Maison de l'emploi Nantes-Erdre") {
		t.Errorf("confirmation page h1 %q", h)
	}
	b.checkAxe(t)
	b.screenshot(t, "advisers-end-confirm")
}
