//go:build e2e

package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var outboxUnsubscribe = regexp.MustCompile(`https?://\S+/unsubscribe\?token=\S+`)

// outboxUnsubscribeLink waits (up to a minute: the worker delivers in the
// background) for an e-mail to addr with an unsubscribe link in the outbox
// folder and returns the link's path and query.
func outboxUnsubscribeLink(t *testing.T, dataDir, addr string) string {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if link, ok := findOutboxLink(t, dataDir, addr, outboxUnsubscribe); ok {
			return link
		}
	}
	t.Fatalf("no e-mail with an unsubscribe link for %s in the outbox", addr)
	return ""
}

// TestBrowserNotifications: an employer hears of a new application in the
// navigation and the notifications page, marks it read, chooses their
// e-mails; someone not logged in follows the e-mail's unsubscribe link.
// Every page in French, axe clean.
func TestBrowserNotifications(t *testing.T) {
	dataDir := t.TempDir()
	p := startServer(t, dataDir)
	const password = "une-passerelle-vers-le-numerique"
	employer := matchAccount(t, p, dataDir, "employer", map[string]any{"email": "sam@atelier.fr", "password": password, "name": "Sam Durand",
		"company": map[string]string{"name": "Atelier Numérique", "siren": "732829320", "city": "Nantes"}})
	var o struct{ ID string }
	apiCall(t, p, "POST", "/api/v1/offers", employer, map[string]any{
		"title": "Développeur·se Go", "rome": "M1805", "description": "Une équipe de six personnes.",
		"skills":   []map[string]any{{"code": "tag:go", "minLevel": 3, "mustHave": true}},
		"contract": "cdi", "communeId": "44109", "remote": "hybrid",
		"startDate": time.Now().AddDate(0, 3, 0).Format("2006-01-02"),
	}, &o, http.StatusCreated)
	apiCall(t, p, "POST", "/api/v1/offers/"+o.ID+"/publish", employer, nil, nil, http.StatusOK)
	cand := matchAccount(t, p, dataDir, "candidate", map[string]any{"email": "awa@example.fr", "password": password, "name": "Awa Diallo"})
	apiCall(t, p, "POST", "/api/v1/offers/"+o.ID+"/applications", cand, map[string]string{"message": "Bonjour"}, nil, http.StatusCreated)
	unsubscribe := outboxUnsubscribeLink(t, dataDir, "sam@atelier.fr")

	b := newBrowser(t)
	b.do(t, chromedp.Navigate(p.base+"/?lang=fr"), chromedp.WaitVisible("main h1"))
	b.do(t, chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"), fill("f-email", "sam@atelier.fr"), fill("f-password", password))
	b.submit(t, `form[action="/login"]`)

	t.Run("notifications page", func(t *testing.T) {
		b.do(t, chromedp.Navigate(p.base+"/notifications"), chromedp.WaitVisible("main h1"))
		nav := get(t, b, chromedp.Text(chromedp.CSS(`nav a[href="/notifications"]`)))
		if strings.TrimSpace(nav) != "Notifications (1 non lue)" {
			t.Errorf("navigation link = %q, want the unread count in words", nav)
		}
		text := get(t, b, chromedp.Text(chromedp.CSS("main")))
		if !strings.Contains(text, "Awa Diallo a postulé") || !strings.Contains(text, "Non lue") {
			t.Fatalf("notifications page: %q", text)
		}
		b.checkAxe(t)
		b.screenshot(t, "notifications-fr")
		b.submit(t, `form[action$="/read"]`)
		text = get(t, b, chromedp.Text(chromedp.CSS("main")))
		if !strings.Contains(text, "Notification marquée comme lue.") || !strings.Contains(text, "Lue") || strings.Contains(text, "Non lue") {
			t.Fatalf("after marking read: %q", text)
		}
		if nav := get(t, b, chromedp.Text(chromedp.CSS(`nav a[href="/notifications"]`))); strings.TrimSpace(nav) != "Notifications" {
			t.Errorf("navigation after reading = %q", nav)
		}
		b.checkAxe(t)
	})

	t.Run("preferences page", func(t *testing.T) {
		b.do(t, chromedp.Navigate(p.base+"/account/notifications"), chromedp.WaitVisible("main h1"))
		if h1 := b.h1(t); h1 != "E-mails de notification" {
			t.Fatalf("h1 = %q", h1)
		}
		b.checkAxe(t)
		b.screenshot(t, "notification-preferences-fr")
		b.do(t, chromedp.Click(chromedp.CSS("#f-email-adviser_endorsement")))
		b.submit(t, `form[action="/account/notifications"]`)
		text := get(t, b, chromedp.Text(chromedp.CSS("main")))
		checked := get(t, b, chromedp.Evaluate[bool](`document.querySelector("#f-email-adviser_endorsement").checked`))
		if !strings.Contains(text, "Vos choix d'e-mails sont enregistrés.") || checked {
			t.Fatalf("after saving: checked=%v %q", checked, text)
		}
		b.checkAxe(t)
	})

	t.Run("unsubscribe without login", func(t *testing.T) {
		anon := newBrowser(t)
		anon.do(t, chromedp.Navigate(p.base+"/?lang=fr"), chromedp.WaitVisible("main h1"))
		anon.do(t, chromedp.Navigate(p.base+unsubscribe), chromedp.WaitVisible("main h1"))
		text := get(t, anon, chromedp.Text(chromedp.CSS("main")))
		if !strings.Contains(text, "Nouvelles candidatures") || !strings.Contains(text, "Rien n'est changé tant que vous n'avez pas confirmé.") {
			t.Fatalf("unsubscribe page: %q", text)
		}
		anon.checkAxe(t)
		anon.screenshot(t, "unsubscribe-fr")
		anon.submit(t, `form[action="/unsubscribe"]`)
		text = get(t, anon, chromedp.Text(chromedp.CSS("main")))
		if !strings.Contains(text, "vous ne recevrez plus les e-mails") {
			t.Fatalf("after confirming: %q", text)
		}
		anon.checkAxe(t)
		b.do(t, chromedp.Navigate(p.base+"/account/notifications"), chromedp.WaitVisible("main h1"))
		if on := get(t, b, chromedp.Evaluate[bool](`document.querySelector("#f-email-new_application").checked`)); on {
			t.Error("new application e-mails still on after unsubscribing")
		}
	})
}
