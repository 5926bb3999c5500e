package notifydb_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/notify"
	"passerelle/internal/notify/notifydb"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func hexID(n int) string { return fmt.Sprintf("%024x", n) }

func code(err error) string { return passerelle.ErrorCode(err) }

var (
	bg = context.Background()
	at = time.Date(2026, 3, 2, 10, 0, 0, 123_000_000, time.UTC)
)

func open(t *testing.T) *notifydb.Store {
	t.Helper()
	st := storetest.MustOpen(t)
	for range 2 {
		if err := notifydb.EnsureIndexes(bg, st); err != nil {
			t.Fatalf("EnsureIndexes: %v", err)
		}
	}
	return notifydb.New(st)
}

func TestNotificationsRoundTrip(t *testing.T) {
	s := open(t)
	n := notify.Notification{ID: hexID(1), UserID: hexID(0x70), Kind: notify.KindStatusChange,
		Args: []notify.Arg{notify.Text("Dev"), notify.Key("application.status.hired")}, Link: "/x", CreatedAt: at}
	if err := s.InsertNotification(bg, n); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertNotification(bg, n); code(err) != passerelle.ECONFLICT {
		t.Fatalf("duplicate: %v", err)
	}
	got, err := s.Notifications(bg, n.UserID, 10)
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], n) {
		t.Fatalf("round trip:\n got %+v %v\nwant %+v", got, err, n)
	}
	if err := s.MarkRead(bg, hexID(0xbad), n.ID, at); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("another user's: %v", err)
	}
}

func TestPreferencesAndDigestDay(t *testing.T) {
	s := open(t)
	u := hexID(7)
	if p, err := s.Preferences(bg, u); err != nil || !reflect.DeepEqual(p, notify.Preferences{UserID: u}) {
		t.Fatalf("default = %+v %v", p, err)
	}
	if p, _ := s.SetEmailOff(bg, u, notify.KindDigest, false, at); p.UserID != u || len(p.EmailOff) != 0 {
		t.Fatalf("turning on for a new user = %+v", p)
	}
	if p, _ := s.Preferences(bg, u); !p.UpdatedAt.IsZero() {
		t.Fatalf("turning on for a new user stored a document: %+v", p)
	}
	for range 2 {
		if _, err := s.SetEmailOff(bg, u, notify.KindDigest, true, at); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := s.SetEmailOff(bg, u, notify.KindInvitation, true, at)
	if !reflect.DeepEqual(p.EmailOff, []notify.Kind{notify.KindDigest, notify.KindInvitation}) {
		t.Fatalf("off = %v", p.EmailOff)
	}
	if ok, err := s.ClaimDigestDay(bg, u, "2026-03-02", at); !ok || err != nil {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	if ok, err := s.ClaimDigestDay(bg, u, "2026-03-02", at); ok || err != nil {
		t.Fatalf("second claim the same day: %v %v", ok, err)
	}
	if err := s.ReleaseDigestDay(bg, u, "2026-03-02"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.ClaimDigestDay(bg, u, "2026-03-02", at); !ok {
		t.Fatal("claim after release refused")
	}
	if ok, _ := s.ClaimDigestDay(bg, hexID(8), "2026-03-02", at); !ok {
		t.Fatal("first claim of a user without preferences refused")
	}
	p, _ = s.SetEmailOff(bg, u, notify.KindDigest, false, at)
	if !reflect.DeepEqual(p.EmailOff, []notify.Kind{notify.KindInvitation}) || p.LastDigestDay != "2026-03-02" {
		t.Fatalf("prefs = %+v", p)
	}
}

func TestOutboxStates(t *testing.T) {
	s := open(t)
	mk := func(n int, due time.Time) notify.Email {
		return notify.Email{ID: hexID(n), UserID: hexID(0x70), Kind: notify.KindInvitation, To: "a@b.fr", Subject: "S", Text: "T",
			Status: notify.EmailPending, Due: due, CreatedAt: at}
	}
	later, sooner := mk(1, at.Add(time.Minute)), mk(2, at)
	for _, e := range []notify.Email{later, sooner} {
		if err := s.InsertEmail(bg, e); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Email(bg, sooner.ID); !reflect.DeepEqual(got, sooner) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, sooner)
	}
	e, ok, err := s.ClaimEmail(bg, at.Add(time.Hour), at.Add(2*time.Hour), "c1")
	if err != nil || !ok || e.ID != sooner.ID || e.Status != notify.EmailSending || e.Claim != "c1" || e.Attempts != 1 {
		t.Fatalf("first claim = %+v %v %v (want the earliest due)", e, ok, err)
	}
	if err := s.Reschedule(bg, e.ID, "other", at, "x"); code(err) != passerelle.ECONFLICT {
		t.Fatalf("reschedule under another claim: %v", err)
	}
	if err := s.MarkFailed(bg, e.ID, "c1", at, "boom"); err != nil {
		t.Fatal(err)
	}
	failed, total, _ := s.FailedEmails(bg, 0, 10)
	if total != 1 || failed[0].LastError != "boom" || failed[0].Claim != "" || !failed[0].LeaseUntil.IsZero() {
		t.Fatalf("failed = %+v", failed)
	}
	if err := s.RequeueEmail(bg, e.ID, at); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Email(bg, e.ID); got.Status != notify.EmailPending || got.Attempts != 0 || !got.FailedAt.IsZero() {
		t.Fatalf("requeued = %+v", got)
	}
	if _, ok, _ := s.ClaimEmail(bg, at.Add(-time.Second), at, "c2"); ok {
		t.Fatal("claimed an e-mail before it was due")
	}
}
