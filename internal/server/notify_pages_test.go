package server_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"passerelle/internal/i18n"
	"passerelle/internal/notify"
	"passerelle/web"
)

// testUnsubscribeKey signs the test server's unsubscribe links; tests sign
// expired ones with it.
var testUnsubscribeKey = []byte("unsubscribe-key-for-tests-0123456789abcdef")

var unsubscribeLink = regexp.MustCompile(`/unsubscribe\?token=(\S+)`)

// unsubscribeToken is the token of the unsubscribe link of an e-mail.
func unsubscribeToken(t *testing.T, m notify.Email) string {
	t.Helper()
	got := unsubscribeLink.FindStringSubmatch(m.Text)
	if got == nil {
		t.Fatalf("no unsubscribe link in %q", m.Text)
	}
	tok, err := url.QueryUnescape(got[1])
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func plain(s string) string { return strings.ReplaceAll(html.UnescapeString(s), "\u00a0", " ") }

func TestNotifyPages(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@a.fr", "732829320")
	other := e.employer(t, "owner@b.fr", "552100554")
	cand := e.candidate(t, "cand@example.fr")
	e.goProfile(t, cand, "Awa Diallo", "anonymous")
	offerID := publishedGoOffer(t, e, owner)
	e.apply(t, cand, offerID, "")
	first := e.notifications(t, owner).Items[0]
	notifyUser(t, e, owner, "")

	b := e.signedIn(t, owner)
	t.Run("list with the unread count in the navigation", func(t *testing.T) {
		p := b.page(t, "GET", "/notifications", nil).status(200)
		if txt := p.text(); !strings.Contains(txt, "Notifications (2 non lues)") || !strings.Contains(txt, "2 notifications non lues.") ||
			strings.Count(txt, " Non lue ") != 2 || !strings.Contains(txt, "Awa Diallo a postulé") {
			t.Errorf("the list lacks the unread count or labels:\n%s", txt)
		}
		p.contains(`href="/company/offers/`+offerID+`/applications"`, `action="/notifications/`+first.ID+`/read"`, `action="/notifications/read-all"`)
		en := b.page(t, "GET", "/notifications?lang=en", nil).status(200)
		if !strings.Contains(en.text(), "Notifications (2 unread)") {
			t.Error("the English navigation lacks the unread count")
		}
		b.page(t, "GET", "/notifications?lang=fr", nil)
	})

	t.Run("mark one read", func(t *testing.T) {
		r := b.post(t, "/notifications", "/notifications/"+first.ID+"/read", url.Values{})
		if r.status != 303 || r.header.Get("Location") != "/notifications" {
			t.Fatalf("mark read: %d → %q", r.status, r.header.Get("Location"))
		}
		txt := b.page(t, "GET", "/notifications", nil).status(200).text()
		if !strings.Contains(txt, "Notifications (1 non lue)") || !strings.Contains(txt, " Lue ") {
			t.Errorf("after mark read:\n%s", txt)
		}
		ob := e.signedIn(t, other)
		if r := ob.post(t, "/notifications", "/notifications/"+first.ID+"/read", url.Values{}); r.status != 404 {
			t.Errorf("another user marks it: %d, want 404", r.status)
		}
	})

	t.Run("mark all read", func(t *testing.T) {
		if r := b.post(t, "/notifications", "/notifications/read-all", url.Values{}); r.status != 303 {
			t.Fatalf("read-all: %d", r.status)
		}
		txt := b.page(t, "GET", "/notifications", nil).text()
		if strings.Contains(txt, "non lue") || !strings.Contains(txt, "Vous avez tout lu.") {
			t.Errorf("after read-all:\n%s", txt)
		}
	})

	t.Run("preferences", func(t *testing.T) {
		p := b.page(t, "GET", "/account/notifications", nil).status(200)
		p.contains(`<fieldset`, `<legend>`, `name="email" value="new_application" checked`, `name="email" value="adviser_endorsement" checked`)
		p.lacks(`value="strong_match_digest"`) // a candidate's kind
		bad := url.Values{"email": {"new_application", "strong_match_digest"}}
		r := b.post(t, "/account/notifications", "/account/notifications", bad)
		if r.status != 422 || !strings.Contains(plain(string(r.body)), "Choisissez un type de notification") {
			t.Fatalf("unknown kind: %d, want 422 with the message\n%s", r.status, r.body)
		}
		if prefs := e.prefs(t, owner); !prefs.EmailOn(notify.KindEndorsement) {
			t.Fatal("a refused form changed the preferences")
		}
		r = b.post(t, "/account/notifications", "/account/notifications", url.Values{"email": {"new_application"}})
		if r.status != 303 {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		prefs := e.prefs(t, owner)
		if !prefs.EmailOn(notify.KindNewApplication) || prefs.EmailOn(notify.KindEndorsement) {
			t.Errorf("preferences = %+v, want new applications on, endorsements off", prefs)
		}
		b.page(t, "GET", "/account/notifications", nil).contains(`value="new_application" checked`).lacks(`value="adviser_endorsement" checked`)
	})

	t.Run("unsubscribe without login", func(t *testing.T) {
		m, ok := e.emailOf(t, first.ID)
		if !ok {
			t.Fatal("no e-mail for the new application")
		}
		tok := unsubscribeToken(t, m)
		anon := e.browser()
		p := anon.page(t, "GET", "/unsubscribe?token="+url.QueryEscape(tok), nil).status(200)
		if txt := p.text(); !strings.Contains(txt, "« Nouvelles candidatures »") || !strings.Contains(txt, "Confirmer la désinscription") {
			t.Errorf("the confirmation page does not say what will be turned off:\n%s", txt)
		}
		if !e.prefs(t, owner).EmailOn(notify.KindNewApplication) {
			t.Fatal("following the link alone unsubscribed")
		}
		r := anon.post(t, "/unsubscribe?token="+url.QueryEscape(tok), "/unsubscribe", url.Values{"token": {tok}})
		if r.status != 200 || !strings.Contains(plain(string(r.body)), "vous ne recevrez plus les e-mails « Nouvelles candidatures »") {
			t.Fatalf("confirm: %d\n%s", r.status, r.body)
		}
		if e.prefs(t, owner).EmailOn(notify.KindNewApplication) {
			t.Fatal("the confirmation did not turn the e-mails off")
		}
	})

	t.Run("tampered or expired link", func(t *testing.T) {
		m, _ := e.emailOf(t, first.ID)
		tok := unsubscribeToken(t, m)
		// Another user's id in the payload, the signature kept.
		payload, rest, _ := strings.Cut(tok, ".")
		flip := "A"
		if payload[0] == 'A' {
			flip = "B"
		}
		tampered := flip + payload[1:] + "." + rest
		expiredSvc, err := notify.NewService(e.notesRepo, notify.Options{Messages: catalogForTests(t), UnsubscribeKey: testUnsubscribeKey,
			UnsubscribeTTL: time.Hour, Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }})
		if err != nil {
			t.Fatal(err)
		}
		link, _ := expiredSvc.UnsubscribeLink(other.id, notify.KindNewApplication)
		expired, _ := url.QueryUnescape(strings.SplitN(link, "token=", 2)[1])
		anon := e.browser()
		for _, c := range []struct{ token, fr, en string }{
			{tampered, "Ce lien de désinscription n'est pas valide", "This unsubscribe link is not valid"},
			{"garbage", "Ce lien de désinscription n'est pas valide", "This unsubscribe link is not valid"},
			{expired, "Ce lien de désinscription a expiré", "This unsubscribe link has expired"},
		} {
			p := anon.page(t, "GET", "/unsubscribe?lang=fr&token="+url.QueryEscape(c.token), nil).status(400)
			if !strings.Contains(p.text(), c.fr) {
				t.Errorf("GET with %q: French page lacks %q:\n%s", c.token, c.fr, p.text())
			}
			if en := anon.page(t, "GET", "/unsubscribe?lang=en&token="+url.QueryEscape(c.token), nil).status(400); !strings.Contains(en.text(), c.en) {
				t.Errorf("GET with %q: English page lacks %q", c.token, c.en)
			}
			r := anon.post(t, "/login", "/unsubscribe", url.Values{"token": {c.token}})
			if r.status != 400 {
				t.Errorf("POST with %q: %d, want 400", c.token, r.status)
			}
		}
		if !e.prefs(t, other).EmailOn(notify.KindNewApplication) {
			t.Error("an expired link changed the preferences")
		}
	})

	t.Run("failed e-mails for admins", func(t *testing.T) {
		admin := e.admin(t, "admin@passerelle.test")
		bouncing := e.employer(t, "owner@bounce.test", "443061841")
		e.apply(t, cand, publishedGoOffer(t, e, bouncing), "")
		w := notify.NewWorker(e.notesRepo, startSMTPSink(t).sender(t), notify.WorkerOptions{})
		for {
			did, err := w.ProcessOne(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !did {
				break
			}
		}
		ab := e.signedIn(t, admin)
		p := ab.page(t, "GET", "/admin/emails", nil).status(200).contains("owner@bounce.test", "550")
		id := regexp.MustCompile(`action="/admin/emails/([0-9a-f]+)/retry"`).FindStringSubmatch(p.body)
		if id == nil {
			t.Fatalf("no retry form:\n%s", p.body)
		}
		if r := ab.post(t, "/admin/emails", "/admin/emails/"+id[1]+"/retry", url.Values{}); r.status != 303 {
			t.Fatalf("retry: %d", r.status)
		}
		if m, _ := e.emailOf(t, id[1]); m.Status != notify.EmailPending {
			t.Errorf("after retry: %s, want pending", m.Status)
		}
		ab.page(t, "GET", "/admin/emails", nil).status(200).contains("remis dans la file").lacks("owner@bounce.test")
		if r := b.do(t, "GET", "/admin/emails", nil); r.status != 403 {
			t.Errorf("an employer opens the admin page: %d, want 403", r.status)
		}
	})
}

func catalogForTests(t *testing.T) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// prefs reads u's preferences from the service, as u.
func (e *testEnv) prefs(t *testing.T, u user) notify.Preferences {
	t.Helper()
	p, err := e.notes.Preferences(identity(u, ""))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
