package server_test

import (
	"context"
	"strings"
	"testing"

	"passerelle/internal/notify"
)

func init() {
	// Every signed-in user has notifications and e-mail preferences of
	// their own; one notification belongs to the matrix candidate, so that
	// everyone else meets a 404. Failed e-mails are the admins'.
	addMatrix(map[string][6]string{
		"GET /api/v1/me/notifications":              {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
		"POST /api/v1/me/notifications/read-all":    {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
		"POST /api/v1/me/notifications/:id/read":    {deny, ok2xx, hide, hide, hide, hide},
		"GET /api/v1/me/notification-preferences":   {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
		"PATCH /api/v1/me/notification-preferences": {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
		"GET /api/v1/admin/emails":                  {deny, forb, forb, forb, forb, ok2xx},
		"POST /api/v1/admin/emails/:id/retry":       {deny, forb, forb, forb, forb, ok},

		"GET /notifications":           {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
		"POST /notifications/read-all": {deny, ok, ok, ok, ok, ok},
		"POST /notifications/:id/read": {deny, ok, hide, hide, hide, hide},
		"GET /account/notifications":   {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
		"POST /account/notifications":  {deny, ok, ok, ok, ok, ok},
		"GET /unsubscribe":             {anyOK, anyOK, anyOK, anyOK, anyOK, anyOK},
		"POST /unsubscribe":            {anyOK, anyOK, anyOK, anyOK, anyOK, anyOK},
		"GET /admin/emails":            {deny, forb, forb, forb, forb, ok2xx},
		"POST /admin/emails/:id/retry": {deny, forb, forb, forb, forb, ok},
	})
	pathParams = append([]func(*matrixEnv, string) (string, bool){notifyMatrixParams}, pathParams...)
	matrixBodies["PATCH /api/v1/me/notification-preferences"] = func(*matrixEnv, string) any {
		return map[string]any{"email": map[string]bool{"strong_match_digest": true}}
	}
}

// notifyMatrixParams fills the notification routes with a notification of
// the matrix candidate, and the retry routes with an e-mail that is not
// failed (an authorised admin meets a conflict, not a 404).
func notifyMatrixParams(m *matrixEnv, route string) (string, bool) {
	_, path, _ := strings.Cut(route, " ")
	switch route {
	case "POST /api/v1/me/notifications/:id/read", "POST /notifications/:id/read":
		id := m.once("notification", func() string { return notifyUser(m.t, m.env, m.people["candidate"], "").ID })
		return strings.Replace(path, ":id", id, 1), true
	case "POST /api/v1/admin/emails/:id/retry", "POST /admin/emails/:id/retry":
		id := m.once("email", func() string { return notifyUser(m.t, m.env, m.people["candidate"], m.people["candidate"].email).ID })
		return strings.Replace(path, ":id", id, 1), true
	}
	return "", false
}

// notifyUser queues a status change for u (with an e-mail when email is
// set), as the workflow would.
func notifyUser(t *testing.T, e *testEnv, u user, email string) notify.Notification {
	t.Helper()
	n, err := e.notes.Enqueue(context.Background(), notify.Request{
		To: notify.Recipient{UserID: u.id, Email: email, Lang: "fr"}, Kind: notify.KindStatusChange,
		Args: []notify.Arg{notify.Text("Développeur·se Go"), notify.Key("application.status.interview")}, Link: "/applications",
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

type notificationJSON struct {
	ID, Kind, Text, Link string
	Read                 bool
}

type notificationListJSON struct {
	Items  []notificationJSON
	Unread int
}

func (e *testEnv) notifications(t *testing.T, u user) notificationListJSON {
	t.Helper()
	r := e.api(t, "GET", "/api/v1/me/notifications", nil, u.access)
	if r.status != 200 {
		t.Fatalf("GET /me/notifications: %d %s", r.status, r.body)
	}
	var l notificationListJSON
	r.json(t, &l)
	return l
}

type preferencesJSON struct {
	Email []struct {
		Kind, Label string
		On          bool
	}
}

func (p preferencesJSON) on(kind string) bool {
	for _, x := range p.Email {
		if x.Kind == kind {
			return x.On
		}
	}
	return false
}

// emailOf returns the outbox e-mail of notification id, if any.
func (e *testEnv) emailOf(t *testing.T, id string) (notify.Email, bool) {
	t.Helper()
	m, err := e.notesRepo.Email(context.Background(), id)
	if err != nil {
		return notify.Email{}, false
	}
	return m, true
}

func TestNotifyAPI(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@a.fr", "732829320")
	other := e.employer(t, "owner@b.fr", "552100554")
	cand := e.candidate(t, "cand@example.fr")
	e.goProfile(t, cand, "Awa Diallo", "anonymous")
	offerID := publishedGoOffer(t, e, owner)
	a := e.apply(t, cand, offerID, "")

	t.Run("new application tells the company", func(t *testing.T) {
		l := e.notifications(t, owner)
		if l.Unread != 1 || len(l.Items) != 1 {
			t.Fatalf("owner's notifications = %+v, want one unread", l)
		}
		n := l.Items[0]
		if n.Kind != "new_application" || n.Read || n.Link != "/company/offers/"+offerID+"/applications" ||
			!strings.Contains(n.Text, "Awa Diallo") || !strings.Contains(n.Text, "Développeur·se Go") {
			t.Errorf("notification = %+v", n)
		}
		m, ok := e.emailOf(t, n.ID)
		if !ok || m.To != "owner@a.fr" || !strings.Contains(m.Subject, "Nouvelle candidature") || !strings.Contains(m.Text, "/unsubscribe?token=") {
			t.Errorf("e-mail = %+v (found %v), want a French e-mail to the owner with an unsubscribe link", m, ok)
		}
		if l := e.notifications(t, other); len(l.Items) != 0 {
			t.Errorf("another company got %+v", l)
		}
	})

	t.Run("status change tells the candidate", func(t *testing.T) {
		if r := e.move(t, owner, a.ID, map[string]string{"to": "in_review"}); r.status != 200 {
			t.Fatalf("move: %d %s", r.status, r.body)
		}
		l := e.notifications(t, cand)
		if l.Unread != 1 || l.Items[0].Kind != "status_change" || l.Items[0].Link != "/applications" || !strings.Contains(l.Items[0].Text, "En cours d'examen") {
			t.Fatalf("candidate's notifications = %+v", l)
		}
		r := e.api(t, "GET", "/api/v1/me/notifications", nil, cand.access, "Accept-Language", "en")
		var en notificationListJSON
		r.json(t, &en)
		if !strings.Contains(en.Items[0].Text, "In review") && !strings.Contains(en.Items[0].Text, "in review") {
			t.Errorf("English text = %q", en.Items[0].Text)
		}
	})

	t.Run("mark read", func(t *testing.T) {
		id := e.notifications(t, cand).Items[0].ID
		if r := e.api(t, "POST", "/api/v1/me/notifications/"+id+"/read", nil, other.access); r.status != 404 {
			t.Errorf("another user marks it: %d %s, want 404", r.status, r.body)
		}
		if r := e.api(t, "POST", "/api/v1/me/notifications/not-an-id/read", nil, cand.access); r.status != 404 {
			t.Errorf("malformed id: %d, want 404", r.status)
		}
		if e.notifications(t, cand).Unread != 1 {
			t.Fatal("another user's attempt changed the notification")
		}
		if r := e.api(t, "POST", "/api/v1/me/notifications/"+id+"/read", nil, cand.access); r.status != 204 {
			t.Fatalf("mark read: %d %s", r.status, r.body)
		}
		if l := e.notifications(t, cand); l.Unread != 0 || !l.Items[0].Read {
			t.Errorf("after mark read: %+v", l)
		}
	})

	t.Run("mark all read", func(t *testing.T) {
		notifyUser(t, e, owner, "")
		r := e.api(t, "POST", "/api/v1/me/notifications/read-all", nil, owner.access)
		var m struct{ Marked int }
		r.json(t, &m)
		if r.status != 200 || m.Marked != 2 {
			t.Fatalf("read-all: %d %s, want 2 marked", r.status, r.body)
		}
		if l := e.notifications(t, owner); l.Unread != 0 {
			t.Errorf("unread after read-all: %d", l.Unread)
		}
	})

	t.Run("bad limit", func(t *testing.T) {
		for _, q := range []string{"0", "101", "abc"} {
			r := e.api(t, "GET", "/api/v1/me/notifications?limit="+q, nil, cand.access)
			if r.status != 422 {
				t.Fatalf("limit=%s: %d, want 422", q, r.status)
			}
			if _, ok := r.problem(t).field("limit"); !ok {
				t.Errorf("limit=%s: no error on the field limit: %s", q, r.body)
			}
		}
	})

	t.Run("preferences", func(t *testing.T) {
		var p preferencesJSON
		r := e.api(t, "GET", "/api/v1/me/notification-preferences", nil, cand.access)
		r.json(t, &p)
		if r.status != 200 || len(p.Email) != len(notify.Kinds()) || !p.on("status_change") || p.Email[0].Label == "" {
			t.Fatalf("preferences: %d %+v", r.status, p)
		}
		r = e.api(t, "PATCH", "/api/v1/me/notification-preferences", map[string]any{"email": map[string]bool{"status_change": false}}, cand.access)
		r.json(t, &p)
		if r.status != 200 || p.on("status_change") || !p.on("invitation_to_apply") {
			t.Fatalf("turn status changes off: %d %s", r.status, r.body)
		}
		// An unknown kind names its field and changes nothing, not even the good one.
		r = e.api(t, "PATCH", "/api/v1/me/notification-preferences", map[string]any{"email": map[string]bool{"status_change": true, "spam": true}}, cand.access)
		if r.status != 422 {
			t.Fatalf("unknown kind: %d %s, want 422", r.status, r.body)
		}
		if _, ok := r.problem(t).field("email.spam"); !ok {
			t.Errorf("unknown kind: no error on email.spam: %s", r.body)
		}
		for _, body := range []any{map[string]any{}, map[string]any{"email": map[string]bool{}}, `{"email":{"status_change":"yes"}}`} {
			r := e.api(t, "PATCH", "/api/v1/me/notification-preferences", body, cand.access)
			if r.status != 422 || len(r.problem(t).Errors) == 0 {
				t.Errorf("PATCH %v: %d %s, want 422 with a field", body, r.status, r.body)
			}
		}
		e.api(t, "GET", "/api/v1/me/notification-preferences", nil, cand.access).json(t, &p)
		if p.on("status_change") {
			t.Fatal("a refused request changed the preferences")
		}
		// The e-mail is off; the in-app notification is still there.
		if r := e.move(t, owner, a.ID, map[string]string{"to": "interview"}); r.status != 200 {
			t.Fatalf("move: %d %s", r.status, r.body)
		}
		l := e.notifications(t, cand)
		if l.Unread != 1 || !strings.Contains(l.Items[0].Text, "Entretien") {
			t.Fatalf("in-app after turning e-mails off: %+v", l)
		}
		if _, ok := e.emailOf(t, l.Items[0].ID); ok {
			t.Error("an e-mail was queued for a kind the candidate turned off")
		}
	})

	t.Run("failed e-mails", func(t *testing.T) {
		admin := e.admin(t, "admin@passerelle.test")
		bouncing := e.employer(t, "owner@bounce.test", "443061841")
		e.apply(t, cand, publishedGoOffer(t, e, bouncing), "")
		sink := startSMTPSink(t)
		w := notify.NewWorker(e.notesRepo, sink.sender(t), notify.WorkerOptions{})
		for {
			did, err := w.ProcessOne(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !did {
				break
			}
		}
		if len(sink.messages()) == 0 {
			t.Fatal("the worker delivered nothing to the SMTP server")
		}
		var page struct {
			Items []struct{ ID, To, Kind, LastError string }
			Total int
		}
		r := e.api(t, "GET", "/api/v1/admin/emails", nil, admin.access)
		r.json(t, &page)
		if r.status != 200 || page.Total != 1 || page.Items[0].To != "owner@bounce.test" || !strings.Contains(page.Items[0].LastError, "550") {
			t.Fatalf("failed e-mails: %d %s", r.status, r.body)
		}
		if r := e.api(t, "GET", "/api/v1/admin/emails?pageSize=500", nil, admin.access); r.status != 422 {
			t.Errorf("pageSize=500: %d, want 422", r.status)
		}
		if r := e.api(t, "POST", "/api/v1/admin/emails/"+page.Items[0].ID+"/retry", nil, owner.access); r.status != 403 {
			t.Errorf("an employer retries: %d, want 403", r.status)
		}
		if r := e.api(t, "POST", "/api/v1/admin/emails/"+page.Items[0].ID+"/retry", nil, admin.access); r.status != 204 {
			t.Fatalf("retry: %d %s", r.status, r.body)
		}
		if r := e.api(t, "POST", "/api/v1/admin/emails/"+page.Items[0].ID+"/retry", nil, admin.access); r.status != 409 {
			t.Errorf("retry twice: %d, want 409", r.status)
		}
		if m, _ := e.emailOf(t, page.Items[0].ID); m.Status != notify.EmailPending {
			t.Errorf("after retry the e-mail is %s, want pending", m.Status)
		}
	})
}
