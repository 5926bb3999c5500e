package notify_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/mail"
	"passerelle/internal/notify"
)

var unsubRE = regexp.MustCompile(`https://passerelle\.test/unsubscribe\?token=(\S+)`)

// TestEnqueueAndDeliver: a notification reaches the app at once and the
// mailbox through a real SMTP server, with the right recipient, subject,
// link and unsubscribe link.
func TestEnqueueAndDeliver(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, nil, false)
	sender := must(notify.NewSMTP(srv.config())).get(t)

	n := must(e.svc.Enqueue(bg, request("recrutement@acme.example", "fr"))).get(t)
	if n.UserID != employer || n.Kind != notify.KindNewApplication || n.Read {
		t.Fatalf("notification = %+v", n)
	}
	if got := must(e.svc.Unread(empCtx)).get(t); got != 1 {
		t.Fatalf("unread = %d", got)
	}
	if len(srv.received()) != 0 {
		t.Fatal("Enqueue sent the e-mail itself")
	}
	stored := must(e.repo.Email(bg, n.ID)).get(t)
	if stored.Status != notify.EmailPending || stored.To != "recrutement@acme.example" {
		t.Fatalf("outbox = %+v", stored)
	}

	if got := drain(t, e.worker(sender)); got != 1 {
		t.Fatalf("worker processed %d e-mails, want 1", got)
	}
	msgs := srv.received()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages", len(msgs))
	}
	m := msgs[0]
	if !slices.Equal(m.To, []string{"recrutement@acme.example"}) || m.From != "no-reply@passerelle.test" {
		t.Errorf("envelope from %q to %v", m.From, m.To)
	}
	if m.Header.Get("To") != "<recrutement@acme.example>" {
		t.Errorf("To header = %q", m.Header.Get("To"))
	}
	if m.Subject != "Nouvelle candidature\u00a0: «\u00a0Développeuse Go\u00a0»" {
		t.Errorf("subject = %q", m.Subject)
	}
	for _, want := range []string{
		"Camille Martin a postulé à votre offre «\u00a0Développeuse Go\u00a0»",
		"https://passerelle.test/applications/" + hexID(0xca1) + ":" + hexID(0xf01),
		"https://passerelle.test/account/notifications",
	} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}
	if !unsubRE.MatchString(m.Body) {
		t.Errorf("no unsubscribe link in:\n%s", m.Body)
	}
	sent := must(e.repo.Email(bg, n.ID)).get(t)
	if sent.Status != notify.EmailSent || sent.Attempts != 1 || sent.SentAt.IsZero() || sent.Claim != "" {
		t.Fatalf("after delivery = %+v", sent)
	}
	if got := drain(t, e.worker(sender)); got != 0 {
		t.Fatalf("a sent e-mail was processed again (%d)", got)
	}
}

func TestEnglishAndKinds(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, nil, false)
	for i, r := range []notify.Request{
		request("hr@acme.example", "en"),
		{To: notify.Recipient{UserID: cand, Email: "camille@example.fr", Lang: "en"}, Kind: notify.KindStatusChange,
			Args: []notify.Arg{notify.Text("Go developer"), notify.Key("application.status.interview")}, Link: "/applications/x"},
		{To: notify.Recipient{UserID: cand, Email: "camille@example.fr"}, Kind: notify.KindInvitation,
			Args: []notify.Arg{notify.Text("ACME"), notify.Text("Développeuse Go")}},
		{To: notify.Recipient{UserID: employer, Email: "hr@acme.example", Lang: "de"}, Kind: notify.KindEndorsement,
			Args: []notify.Arg{notify.Text("Mission locale"), notify.Text("Développeuse Go")}},
	} {
		r.Key = "k" + string(rune('0'+i))
		must(e.svc.Enqueue(bg, r)).get(t)
	}
	drain(t, e.worker(must(notify.NewSMTP(srv.config())).get(t)))
	var subjects []string
	for _, m := range srv.received() {
		subjects = append(subjects, m.Subject)
		if strings.Contains(m.Body, "%!") || strings.Contains(m.Subject, "%!") {
			t.Errorf("badly formatted message: %q\n%s", m.Subject, m.Body)
		}
	}
	slices.Sort(subjects)
	want := []string{
		"ACME vous invite à postuler",
		"New application: “Développeuse Go”",
		"Une personne recommandée pour «\u00a0Développeuse Go\u00a0»",
		"Your application to “Go developer” has moved on",
	}
	slices.Sort(want)
	if !slices.Equal(subjects, want) {
		t.Fatalf("subjects:\n got %q\nwant %q", subjects, want)
	}
	for _, m := range srv.received() {
		if strings.HasPrefix(m.Subject, "Your application") && !strings.Contains(m.Body, "now at this step: Interview.") {
			t.Errorf("status label not translated:\n%s", m.Body)
		}
	}
	list := must(e.svc.List(candCtx, 10)).get(t)
	if len(list) != 2 {
		t.Fatalf("candidate's notifications = %+v", list)
	}
	if got := e.svc.Text("fr", list[1]); got != "Votre candidature à «\u00a0Go developer\u00a0»\u00a0: Entretien." {
		t.Errorf("in-app text = %q", got)
	}
}

func TestInApp(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 5 {
		r := request("", "fr") // no address: in-app only
		r.Args[0] = notify.Text("Candidat " + string(rune('A'+i)))
		ids = append(ids, must(e.svc.Enqueue(bg, r)).get(t).ID)
		e.clock.advance(time.Minute)
	}
	if _, total, _ := e.repo.FailedEmails(bg, 0, 10); total != 0 {
		t.Fatal("an e-mail was queued without an address")
	}
	list := must(e.svc.List(empCtx, 3)).get(t)
	if len(list) != 3 || list[0].ID != ids[4] || list[2].ID != ids[2] {
		t.Fatalf("newest first, 3: %+v", list)
	}
	if l := must(e.svc.List(empCtx, 100000)).get(t); len(l) != 5 {
		t.Fatalf("unbounded ask = %d", len(l))
	}
	if l := must(e.svc.List(candCtx, 10)).get(t); len(l) != 0 {
		t.Fatalf("another user's list = %+v", l)
	}
	if err := e.svc.MarkRead(candCtx, ids[0]); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("another user marked it read: %v", err)
	}
	if err := e.svc.MarkRead(empCtx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.MarkRead(empCtx, ids[0]); err != nil {
		t.Fatalf("marking twice: %v", err)
	}
	if got := must(e.svc.Unread(empCtx)).get(t); got != 4 {
		t.Fatalf("unread = %d", got)
	}
	if got := must(e.svc.MarkAllRead(empCtx)).get(t); got != 4 {
		t.Fatalf("mark all = %d", got)
	}
	if got := must(e.svc.Unread(empCtx)).get(t); got != 0 {
		t.Fatalf("unread after all = %d", got)
	}
	if _, err := e.svc.List(bg, 10); code(err) != passerelle.EUNAUTHORIZED {
		t.Fatalf("anonymous list: %v", err)
	}
}

func TestEnqueueValidation(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name string
		edit func(*notify.Request)
		key  string
	}{
		{"unknown kind", func(r *notify.Request) { r.Kind = "spam" }, "notify.kind.invalid"},
		{"missing argument", func(r *notify.Request) { r.Args = r.Args[:1] }, "notify.args.invalid"},
		{"bad user", func(r *notify.Request) { r.To.UserID = "me" }, "notify.recipient.invalid"},
		{"bad address", func(r *notify.Request) { r.To.Email = "x@y.fr\r\nBcc: evil@z.fr" }, "notify.email.invalid"},
		{"named address", func(r *notify.Request) { r.To.Email = "Eve <eve@z.fr>" }, "notify.email.invalid"},
		{"absolute link", func(r *notify.Request) { r.Link = "https://evil.example/" }, "notify.link.invalid"},
		{"scheme-relative link", func(r *notify.Request) { r.Link = "//evil.example/" }, "notify.link.invalid"},
		{"long argument", func(r *notify.Request) { r.Args[1] = notify.Text(strings.Repeat("x", 301)) }, "notify.args.invalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := request("a@b.fr", "fr")
			tt.edit(&r)
			_, err := e.svc.Enqueue(bg, r)
			var got []string
			var pe *passerelle.Error
			if errors.As(err, &pe) {
				for _, f := range pe.Fields {
					got = append(got, f.Key)
				}
			}
			if code(err) != passerelle.EINVALID || !slices.Contains(got, tt.key) {
				t.Fatalf("error %v (%v), want EINVALID with %s", err, got, tt.key)
			}
		})
	}
	// A line break in an argument cannot reach the subject line.
	r := request("a@b.fr", "fr")
	r.Args[1] = notify.Text("Dev\r\nBcc: evil@z.fr")
	n := must(e.svc.Enqueue(bg, r)).get(t)
	if m := must(e.repo.Email(bg, n.ID)).get(t); strings.ContainsAny(m.Subject, "\r\n") {
		t.Fatalf("subject = %q", m.Subject)
	}
}

func TestIdempotentKey(t *testing.T) {
	e := newEnv(t)
	r := request("a@b.fr", "fr")
	r.Key = "applied:" + hexID(1)
	first := must(e.svc.Enqueue(bg, r)).get(t)
	second := must(e.svc.Enqueue(bg, r)).get(t)
	if first.ID != second.ID {
		t.Fatalf("ids %s and %s", first.ID, second.ID)
	}
	if got := must(e.svc.List(empCtx, 10)).get(t); len(got) != 1 {
		t.Fatalf("notifications = %d", len(got))
	}
	sent := 0
	w := e.worker(senderFunc(func(context.Context, mail.Message) error { sent++; return nil }))
	drain(t, w)
	if sent != 1 {
		t.Fatalf("sent %d e-mails", sent)
	}
}

type senderFunc func(context.Context, mail.Message) error

func (f senderFunc) Send(ctx context.Context, m mail.Message) error { return f(ctx, m) }

func TestPreferences(t *testing.T) {
	e := newEnv(t)
	p := must(e.svc.SetEmail(empCtx, notify.KindNewApplication, false)).get(t)
	if p.EmailOn(notify.KindNewApplication) || !p.EmailOn(notify.KindDigest) {
		t.Fatalf("prefs = %+v", p)
	}
	n := must(e.svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t)
	if _, err := e.repo.Email(bg, n.ID); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("an e-mail was queued for a kind turned off: %v", err)
	}
	if got := must(e.svc.Unread(empCtx)).get(t); got != 1 {
		t.Fatal("the in-app notification was dropped with the e-mail")
	}
	must(e.svc.SetEmail(empCtx, notify.KindNewApplication, true)).get(t)
	n = must(e.svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t)
	must(e.repo.Email(bg, n.ID)).get(t)
	if p := must(e.svc.SetEmail(candCtx, notify.KindDigest, true)).get(t); len(p.EmailOff) != 0 {
		t.Fatalf("turning on what was never off = %+v", p)
	}
	if _, err := e.svc.SetEmail(empCtx, "spam", false); code(err) != passerelle.EINVALID {
		t.Fatalf("unknown kind: %v", err)
	}
	if _, err := e.svc.SetEmail(bg, notify.KindDigest, false); code(err) != passerelle.EUNAUTHORIZED {
		t.Fatalf("anonymous: %v", err)
	}
}

func TestUnsubscribe(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, nil, false)
	w := e.worker(must(notify.NewSMTP(srv.config())).get(t))
	must(e.svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t)
	drain(t, w)
	match := unsubRE.FindStringSubmatch(srv.received()[0].Body)
	if match == nil {
		t.Fatal("no unsubscribe link")
	}
	token := must(url.QueryUnescape(match[1])).get(t)

	t.Run("refused", func(t *testing.T) {
		payload := employer + "|" + string(notify.KindNewApplication)
		otherPurpose := must(auth.Sign("confirm-email", payload, unsubKey, e.clock.now().Add(time.Hour))).get(t)
		otherKey := must(auth.Sign(notify.Purpose, payload, []byte("another-key-another-key-another-key!"), e.clock.now().Add(time.Hour))).get(t)
		badPayload := must(auth.Sign(notify.Purpose, employer+"|everything", unsubKey, e.clock.now().Add(time.Hour))).get(t)
		for name, tok := range map[string]string{
			"other purpose": otherPurpose,
			"other key":     otherKey,
			"bad payload":   badPayload,
			"altered":       strings.Replace(token, token[:4], "AAAA", 1),
			"empty":         "",
			"garbage":       "not.a.token",
		} {
			if _, err := e.svc.Unsubscribe(bg, tok); code(err) != passerelle.EINVALID || key(err) != "error.notify.unsubscribe_invalid" {
				t.Errorf("%s: %v", name, err)
			}
		}
		if p := must(e.repo.Preferences(bg, employer)).get(t); !p.EmailOn(notify.KindNewApplication) {
			t.Fatal("a refused token turned e-mails off")
		}
	})

	// No identity in the context: the link works without logging in.
	got := must(e.svc.Unsubscribe(bg, token)).get(t)
	if got != (notify.Unsubscribed{UserID: employer, Kind: notify.KindNewApplication}) {
		t.Fatalf("unsubscribed = %+v", got)
	}
	must(e.svc.Unsubscribe(bg, token)).get(t) // twice is fine
	p := must(e.repo.Preferences(bg, employer)).get(t)
	if p.EmailOn(notify.KindNewApplication) || !p.EmailOn(notify.KindStatusChange) {
		t.Fatalf("prefs = %+v", p)
	}
	must(e.svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t)
	if drain(t, w) != 0 || len(srv.received()) != 1 {
		t.Fatal("an e-mail was sent after unsubscribing")
	}

	t.Run("expired", func(t *testing.T) {
		e.clock.advance(notify.DefaultUnsubscribeTTL + time.Hour)
		if _, err := e.svc.Unsubscribe(bg, token); key(err) != "error.notify.unsubscribe_expired" {
			t.Fatalf("expired token: %v", err)
		}
	})
}

// TestRetryBackoffThenFailed: a server answering 451 gets the e-mail
// again after 1 min, 5 min, 30 min and 2 h, then it fails and admins see
// it; once the server is back, an admin's retry delivers it.
func TestRetryBackoffThenFailed(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, nil, false)
	srv.setFail(tempFail)
	w := e.worker(must(notify.NewSMTP(srv.config())).get(t))
	n := must(e.svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t)

	for i, wait := range notify.DefaultBackoff {
		if did := must(w.ProcessOne(bg)).get(t); !did {
			t.Fatalf("attempt %d: nothing due", i+1)
		}
		m := must(e.repo.Email(bg, n.ID)).get(t)
		if m.Status != notify.EmailPending || m.Attempts != i+1 || !m.Due.Equal(e.clock.now().Add(wait)) || !strings.Contains(m.LastError, "451") {
			t.Fatalf("after attempt %d: %+v", i+1, m)
		}
		e.clock.advance(wait - time.Second)
		if did := must(w.ProcessOne(bg)).get(t); did {
			t.Fatalf("attempt %d retried before its backoff", i+1)
		}
		e.clock.advance(time.Second)
	}
	if did := must(w.ProcessOne(bg)).get(t); !did {
		t.Fatal("last attempt: nothing due")
	}
	m := must(e.repo.Email(bg, n.ID)).get(t)
	if m.Status != notify.EmailFailed || m.Attempts != 5 || m.FailedAt.IsZero() {
		t.Fatalf("after the last attempt: %+v", m)
	}
	e.clock.advance(24 * time.Hour)
	if did := must(w.ProcessOne(bg)).get(t); did {
		t.Fatal("a failed e-mail was tried again")
	}

	failed, total, err := e.svc.Failed(adminCtx, 0, 10)
	if err != nil || total != 1 || failed[0].ID != n.ID || !strings.Contains(failed[0].LastError, "451") {
		t.Fatalf("failed list = %+v %d %v", failed, total, err)
	}
	if _, _, err := e.svc.Failed(empCtx, 0, 10); code(err) != passerelle.EFORBIDDEN {
		t.Fatalf("an employer lists failures: %v", err)
	}
	if err := e.svc.Retry(empCtx, n.ID); code(err) != passerelle.EFORBIDDEN {
		t.Fatalf("an employer retries: %v", err)
	}

	srv.setFail(nil)
	if err := e.svc.Retry(adminCtx, n.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Retry(adminCtx, n.ID); code(err) != passerelle.ECONFLICT {
		t.Fatalf("retrying a pending e-mail: %v", err)
	}
	if drain(t, w) != 1 || len(srv.received()) != 1 {
		t.Fatal("the retried e-mail was not delivered")
	}
	if _, total, _ := e.svc.Failed(adminCtx, 0, 10); total != 0 {
		t.Fatal("a delivered e-mail is still listed as failed")
	}
}

func TestPermanentFailure(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, nil, false)
	srv.failRcpt = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	w := e.worker(must(notify.NewSMTP(srv.config())).get(t))
	n := must(e.svc.Enqueue(bg, request("nobody@acme.example", "fr"))).get(t)
	drain(t, w)
	m := must(e.repo.Email(bg, n.ID)).get(t)
	if m.Status != notify.EmailFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "550") {
		t.Fatalf("after a 550: %+v", m)
	}
}

// TestClaimRace: workers racing on one outbox deliver every e-mail exactly
// once.
func TestClaimRace(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, nil, false)
	sender := must(notify.NewSMTP(srv.config())).get(t)
	const n = 24
	for i := range n {
		r := request("a@b.fr", "fr")
		r.Args[0] = notify.Text("Candidat " + string(rune('A'+i)))
		must(e.svc.Enqueue(bg, r)).get(t)
	}
	var wg sync.WaitGroup
	for range 4 {
		w := e.worker(sender)
		wg.Go(func() {
			for {
				did, err := w.ProcessOne(bg)
				if err != nil {
					t.Error(err)
					return
				}
				if !did {
					return
				}
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for _, m := range srv.received() {
		seen[m.Body]++
	}
	if len(seen) != n {
		t.Fatalf("%d distinct e-mails arrived, want %d", len(seen), n)
	}
	for body, k := range seen {
		if k != 1 {
			t.Errorf("sent %d times:\n%s", k, body)
		}
	}

	t.Run("one e-mail, many claims", func(t *testing.T) {
		id := must(e.svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t).ID
		var mu sync.Mutex
		won := 0
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				now := e.clock.now()
				_, ok, err := e.repo.ClaimEmail(bg, now, now.Add(time.Minute), "claim"+string(rune('a'+i)))
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if won != 1 {
			t.Fatalf("%d claims won, want 1", won)
		}
		if m := must(e.repo.Email(bg, id)).get(t); m.Status != notify.EmailSending || m.Attempts != 1 {
			t.Fatalf("claimed = %+v", m)
		}
	})
}

// TestCrashMidSend: a worker that dies after its claim leaves the e-mail
// to another once the lease is over, and cannot record an outcome then.
func TestCrashMidSend(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, nil, false)
	n := must(e.svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t)
	now := e.clock.now()
	dead, ok, err := e.repo.ClaimEmail(bg, now, now.Add(10*time.Minute), "dead-worker")
	if err != nil || !ok || dead.ID != n.ID {
		t.Fatalf("claim: %+v %v %v", dead, ok, err)
	}
	w := e.worker(must(notify.NewSMTP(srv.config())).get(t))
	e.clock.advance(9 * time.Minute)
	if did := must(w.ProcessOne(bg)).get(t); did {
		t.Fatal("an e-mail was taken during another worker's lease")
	}
	e.clock.advance(time.Minute)
	if did := must(w.ProcessOne(bg)).get(t); !did {
		t.Fatal("the e-mail of a dead worker was not taken over")
	}
	if len(srv.received()) != 1 {
		t.Fatal("not delivered")
	}
	m := must(e.repo.Email(bg, n.ID)).get(t)
	if m.Status != notify.EmailSent || m.Attempts != 2 {
		t.Fatalf("after take-over = %+v", m)
	}
	if err := e.repo.MarkSent(bg, n.ID, "dead-worker", now); code(err) != passerelle.ECONFLICT {
		t.Fatalf("the dead worker recorded an outcome: %v", err)
	}
	if err := e.repo.MarkFailed(bg, n.ID, "dead-worker", now, "x"); code(err) != passerelle.ECONFLICT {
		t.Fatalf("the dead worker recorded a failure: %v", err)
	}
}

func TestDigestOncePerDay(t *testing.T) {
	e := newEnv(t)
	digest := notify.Request{To: notify.Recipient{UserID: cand, Email: "camille@example.fr"}, Kind: notify.KindDigest,
		Args: []notify.Arg{notify.Text("3"), notify.Text("Développeuse Go")}, Link: "/matches"}
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() { _, errs[i] = e.svc.Enqueue(bg, digest) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, notify.ErrDigestSent):
			t.Errorf("concurrent digest: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d digests queued on one day, want 1", ok)
	}
	if _, err := e.svc.Enqueue(bg, digest); !errors.Is(err, notify.ErrDigestSent) || code(err) != passerelle.ECONFLICT {
		t.Fatalf("second digest: %v", err)
	}
	// 22:59 UTC on 2 March is 23:59 in Paris: still the same day.
	e.clock.advance(13*time.Hour + 59*time.Minute)
	if _, err := e.svc.Enqueue(bg, digest); !errors.Is(err, notify.ErrDigestSent) {
		t.Fatalf("digest late in the Paris day: %v", err)
	}
	e.clock.advance(2 * time.Minute)
	must(e.svc.Enqueue(bg, digest)).get(t)
	if p := must(e.repo.Preferences(bg, cand)).get(t); p.LastDigestDay != "2026-03-03" {
		t.Fatalf("last digest day = %q", p.LastDigestDay)
	}
	sent := 0
	drain(t, e.worker(senderFunc(func(context.Context, mail.Message) error { sent++; return nil })))
	if sent != 2 {
		t.Fatalf("%d digests sent over two days, want 2", sent)
	}
}

func TestWorkerRunWakes(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, nil, false)
	w := notify.NewWorker(e.repo, must(notify.NewSMTP(srv.config())).get(t), notify.WorkerOptions{Poll: time.Hour})
	svc := must(notify.NewService(e.repo, notify.Options{Messages: must(catalog()).get(t), BaseURL: "https://passerelle.test",
		UnsubscribeKey: unsubKey, Wake: w.Wake})).get(t)
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	must(svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t)
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(srv.received()) != 1 {
		t.Fatal("Wake did not make the worker send (poll is an hour)")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
}

// TestOutboxFolder: with no SMTP server, e-mails land in the folder.
func TestOutboxFolder(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	sender := must(notify.NewSender(notify.SMTPConfig{}, &mail.Outbox{Dir: dir, From: "Passerelle <no-reply@passerelle.test>"}, nil)).get(t)
	must(e.svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t)
	drain(t, e.worker(sender))
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("outbox holds %d files", len(files))
	}
	b, _ := os.ReadFile(files[0])
	if !strings.Contains(string(b), "To: <a@b.fr>") || !strings.Contains(string(b), "unsubscribe?token=") {
		t.Fatalf("file:\n%s", b)
	}
	if _, err := notify.NewSender(notify.SMTPConfig{}, nil, nil); err == nil {
		t.Fatal("no SMTP and no folder accepted")
	}
}

func TestNewService(t *testing.T) {
	cat := must(catalog()).get(t)
	if _, err := notify.NewService(nil, notify.Options{Messages: cat, UnsubscribeKey: []byte("short")}); err == nil {
		t.Fatal("a short unsubscribe key was accepted")
	}
	if _, err := notify.NewService(nil, notify.Options{UnsubscribeKey: unsubKey}); err == nil {
		t.Fatal("no catalogue was accepted")
	}
}

func TestPurge(t *testing.T) {
	e := newEnv(t)
	sent := must(e.svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t)
	drain(t, e.worker(senderFunc(func(context.Context, mail.Message) error { return nil })))
	if err := e.svc.MarkRead(empCtx, sent.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(20 * 24 * time.Hour)
	pending := must(e.svc.Enqueue(bg, request("a@b.fr", "fr"))).get(t) // never delivered: kept
	e.clock.advance(11 * 24 * time.Hour)
	if _, _, err := e.svc.Purge(empCtx, 0, 0); code(err) != passerelle.EFORBIDDEN {
		t.Fatalf("an employer purged: %v", err)
	}
	purge := func(ctx context.Context) (int, int) {
		t.Helper()
		emails, notes, err := e.svc.Purge(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return emails, notes
	}
	emails, notes := purge(bg)
	if emails != 1 || notes != 0 {
		t.Fatalf("purged %d e-mails and %d notifications, want 1 and 0", emails, notes)
	}
	if _, err := e.repo.Email(bg, sent.ID); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("the delivered e-mail is still there: %v", err)
	}
	must(e.repo.Email(bg, pending.ID)).get(t)
	e.clock.advance(150 * 24 * time.Hour)
	if emails, notes = purge(adminCtx); emails != 0 || notes != 1 {
		t.Fatalf("purged %d e-mails and %d notifications, want 0 and 1 (the unread one stays)", emails, notes)
	}
	if got := must(e.svc.List(empCtx, 10)).get(t); len(got) != 1 || got[0].ID != pending.ID {
		t.Fatalf("left = %+v", got)
	}
}
