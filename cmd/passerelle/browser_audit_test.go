//go:build e2e

package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"passerelle/internal/demo"
)

// TestBrowserProfileViews: in the demo world, the adviser opens a
// caseload candidate's profile; the candidate then reads, in French, who
// looked at it, and the page passes axe.
func TestBrowserProfileViews(t *testing.T) {
	dataDir := t.TempDir()
	p := startServer(t, dataDir, "PASSERELLE_SEED=true")
	login := func(email string) string {
		var tok struct{ AccessToken string }
		apiCall(t, p, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": demo.DemoPassword}, &tok, http.StatusOK)
		return tok.AccessToken
	}
	candidate := login("isabelle.fournier@passerelle.test")
	var me struct{ ID string }
	apiCall(t, p, "GET", "/api/v1/me", candidate, nil, &me, http.StatusOK)
	adviser := login("sandrine.legoff@passerelle.test")
	apiCall(t, p, "GET", "/api/v1/candidates/"+me.ID+"/profile", adviser, nil, nil, http.StatusOK)

	b := newBrowser(t)
	b.do(t, chromedp.Navigate(p.base+"/?lang=fr"), chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"),
		fill("f-email", "isabelle.fournier@passerelle.test"), fill("f-password", demo.DemoPassword))
	b.submit(t, `form[action="/login"]`)
	b.do(t, chromedp.Navigate(p.base+"/profile"), chromedp.WaitVisible("main h1"), chromedp.Click(`a[href="/profile/views"]`), chromedp.WaitVisible("main table"))
	if h := b.h1(t); h != "Qui a consulté mon profil" {
		t.Fatalf("h1 %q", h)
	}
	text := get(t, b, chromedp.Text(chromedp.CSS("main table tbody")))
	for _, want := range []string{"Maison de l'emploi Nantes-Erdre", "Conseiller", "Accompagnement par votre conseiller"} {
		if !strings.Contains(text, want) {
			t.Errorf("the trail lacks %q: %s", want, text)
		}
	}
	b.checkAxe(t)
	b.screenshot(t, "profile-views")
}
