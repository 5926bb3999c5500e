package applicationdb_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/application/applicationdb"
	"passerelle/internal/auth"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func open(t *testing.T) *applicationdb.Store {
	t.Helper()
	st := storetest.MustOpen(t)
	// Twice: the migration list may run it again after a crash.
	for range 2 {
		if err := applicationdb.EnsureIndexes(context.Background(), st); err != nil {
			t.Fatalf("EnsureIndexes: %v", err)
		}
	}
	return applicationdb.New(st)
}

func hexID(n int) string { return fmt.Sprintf("%024x", n) }

func code(err error) string { return passerelle.ErrorCode(err) }

var (
	bg = context.Background()
	at = time.Date(2026, 3, 2, 10, 0, 0, 123_000_000, time.UTC)
)

func app(cand, offer int, created time.Time) application.Application {
	c, o := hexID(cand), hexID(offer)
	return application.Application{
		ID: application.ID(c, o), CandidateID: c, OfferID: o, CompanyID: hexID(0xc01), Message: "Bonjour",
		Status: application.StatusReceived, AppliedBy: application.Actor{UserID: hexID(0xad0), Role: auth.RoleAdviser, OrgID: hexID(0xad1)},
		InvitationID: "inv",
		History:      []application.Transition{{To: application.StatusReceived, By: c, Role: auth.RoleCandidate, At: created}},
		CreatedAt:    created, UpdatedAt: created,
	}
}

func TestApplications(t *testing.T) {
	s := open(t)
	a := app(1, 10, at)
	created, err := s.CreateApplication(bg, a)
	if err != nil {
		t.Fatal(err)
	}
	a.Revision = created.Revision
	if got, err := s.Application(bg, a.ID); err != nil || !reflect.DeepEqual(got, a) || !reflect.DeepEqual(created, a) {
		t.Fatalf("round trip:\n got %+v (%v)\nwant %+v", got, err, a)
	}
	if _, err := s.CreateApplication(bg, a); code(err) != passerelle.ECONFLICT {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := s.Application(bg, "none"); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("missing: %v", err)
	}

	tr := application.Transition{From: application.StatusReceived, To: application.StatusRejected, By: hexID(0xe01), Role: auth.RoleEmployer,
		At: at.Add(time.Hour), Reason: application.ReasonOther, Note: "Budget"}
	rej := application.Rejection{Reason: application.ReasonOther, Note: "Budget"}
	if _, err := s.AppendTransition(bg, a.ID, a.Revision+1000, tr, rej); code(err) != passerelle.ECONFLICT {
		t.Fatalf("stale revision: %v", err)
	}
	wrongFrom := tr
	wrongFrom.From = application.StatusInReview
	if _, err := s.AppendTransition(bg, a.ID, a.Revision, wrongFrom, rej); code(err) != passerelle.ECONFLICT {
		t.Fatalf("wrong status: %v", err)
	}
	moved, err := s.AppendTransition(bg, a.ID, a.Revision, tr, rej)
	if err != nil {
		t.Fatal(err)
	}
	want := a
	want.Status, want.Rejection, want.UpdatedAt, want.Revision = application.StatusRejected, rej, tr.At, moved.Revision
	want.History = append(want.History, tr)
	if moved.Revision <= a.Revision || !reflect.DeepEqual(moved, want) {
		t.Fatalf("moved:\n got %+v\nwant %+v", moved, want)
	}
	if _, err := s.AppendTransition(bg, a.ID, a.Revision, tr, rej); code(err) != passerelle.ECONFLICT {
		t.Fatalf("replayed move: %v", err)
	}

	// Lists: newest first, paged, counted; the company check ignores
	// withdrawn applications.
	for i := 2; i <= 4; i++ {
		if _, err := s.CreateApplication(bg, app(1, 10+i, at.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateApplication(bg, app(2, 10, at.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	list, total, err := s.CandidateApplications(bg, hexID(1), 1, 2)
	if err != nil || total != 4 || len(list) != 2 || list[0].OfferID != hexID(13) || list[1].OfferID != hexID(12) {
		t.Fatalf("candidate list = %v %d %v", list, total, err)
	}
	if list, total, _ := s.CandidateApplications(bg, hexID(1), 10, 2); total != 4 || len(list) != 0 {
		t.Fatalf("beyond the last page: %v %d", list, total)
	}
	list, total, err = s.OfferApplications(bg, hexID(10), "", 0, 10)
	if err != nil || total != 2 || list[0].CandidateID != hexID(2) {
		t.Fatalf("offer list = %v %d %v", list, total, err)
	}
	if _, total, _ := s.OfferApplications(bg, hexID(10), application.StatusRejected, 0, 10); total != 1 {
		t.Fatalf("rejected of the offer = %d", total)
	}
	if ok, err := s.HasLiveApplication(bg, hexID(0xc01), hexID(2)); !ok || err != nil {
		t.Fatalf("live application: %v %v", ok, err)
	}
	w := app(3, 10, at)
	w.Status = application.StatusWithdrawn
	if _, err := s.CreateApplication(bg, w); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.HasLiveApplication(bg, hexID(0xc01), hexID(3)); ok {
		t.Fatal("a withdrawn application counts as live")
	}
	if ok, _ := s.HasLiveApplication(bg, hexID(0xc02), hexID(2)); ok {
		t.Fatal("an application counts for another company")
	}
}

func TestInvitations(t *testing.T) {
	s := open(t)
	inv := application.Invitation{ID: application.InvitationID(hexID(10), hexID(1)), OfferID: hexID(10), CompanyID: hexID(0xc01), CandidateID: hexID(1),
		Pseudonym: "Profil 1", Message: "Venez", InvitedBy: hexID(0xe01), Status: application.InvitationPending, CreatedAt: at}
	created, err := s.CreateInvitation(bg, inv)
	if err != nil {
		t.Fatal(err)
	}
	inv.Revision = created.Revision
	if got, _ := s.Invitation(bg, inv.ID); !reflect.DeepEqual(got, inv) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, inv)
	}
	if _, err := s.CreateInvitation(bg, inv); code(err) != passerelle.ECONFLICT {
		t.Fatalf("duplicate: %v", err)
	}
	ans, err := s.AnswerInvitation(bg, inv.ID, application.InvitationAccepted, "app", at.Add(time.Hour))
	if err != nil || ans.Status != application.InvitationAccepted || ans.ApplicationID != "app" || !ans.RespondedAt.Equal(at.Add(time.Hour)) || ans.Revision <= inv.Revision {
		t.Fatalf("answered = %+v %v", ans, err)
	}
	if _, err := s.AnswerInvitation(bg, inv.ID, application.InvitationDeclined, "", at); code(err) != passerelle.ECONFLICT {
		t.Fatalf("second answer: %v", err)
	}
	if l, n, _ := s.CandidateInvitations(bg, hexID(1), 0, 10); n != 1 || len(l) != 1 {
		t.Fatalf("candidate invitations = %v", l)
	}
	if l, n, _ := s.OfferInvitations(bg, hexID(10), 0, 10); n != 1 || len(l) != 1 {
		t.Fatalf("offer invitations = %v", l)
	}
}

func TestEndorsements(t *testing.T) {
	s := open(t)
	e := application.Endorsement{ID: application.EndorsementID(hexID(1), hexID(10), hexID(0xad1)), CandidateID: hexID(1), OfferID: hexID(10),
		CompanyID: hexID(0xc01), OrgID: hexID(0xad1), Decision: application.DecisionEndorsed, Note: "Bien", By: hexID(0xad0), At: at}
	first, err := s.PutEndorsement(bg, e)
	if err != nil {
		t.Fatal(err)
	}
	e2 := e
	e2.ID, e2.OrgID, e2.At = application.EndorsementID(hexID(1), hexID(10), hexID(0xad2)), hexID(0xad2), at.Add(time.Minute)
	if _, err := s.PutEndorsement(bg, e2); err != nil {
		t.Fatal(err)
	}
	got, err := s.OfferEndorsements(bg, hexID(10), application.DecisionEndorsed, 10)
	if err != nil || len(got) != 2 || got[0].OrgID != hexID(0xad2) {
		t.Fatalf("offer endorsements = %+v %v", got, err)
	}
	e.Decision, e.At = application.DecisionRejected, at.Add(time.Hour)
	replaced, err := s.PutEndorsement(bg, e)
	if err != nil || replaced.Revision <= first.Revision {
		t.Fatalf("replace: %+v %v", replaced, err)
	}
	if got, _ := s.OfferEndorsements(bg, hexID(10), application.DecisionEndorsed, 10); len(got) != 1 {
		t.Fatalf("after replacing: %+v", got)
	}
	if got, _ := s.CandidateEndorsements(bg, hexID(1), 10); len(got) != 2 || !reflect.DeepEqual(got[0], replaced) {
		t.Fatalf("candidate endorsements = %+v", got)
	}
	if got, _ := s.ChangedEndorsements(bg, first.Revision, 10); len(got) != 2 || got[0].Revision > got[1].Revision {
		t.Fatalf("changed = %+v", got)
	}
}

func TestPool(t *testing.T) {
	s := open(t)
	e := application.PoolEntry{ID: application.PoolEntryID(hexID(0xc01), hexID(1)), CompanyID: hexID(0xc01), CandidateID: hexID(1),
		Pseudonym: "Profil 1", Note: "Junior", AddedBy: hexID(0xe01), Status: application.PoolPending, CreatedAt: at}
	created, err := s.CreatePoolEntry(bg, e)
	if err != nil {
		t.Fatal(err)
	}
	e.Revision = created.Revision
	if got, _ := s.PoolEntry(bg, e.ID); !reflect.DeepEqual(got, e) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, e)
	}
	if _, err := s.CreatePoolEntry(bg, e); code(err) != passerelle.ECONFLICT {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := s.SetPoolStatus(bg, e.ID, []application.PoolStatus{application.PoolActive}, application.PoolDeclined, at); code(err) != passerelle.ECONFLICT {
		t.Fatalf("from the wrong status: %v", err)
	}
	got, err := s.SetPoolStatus(bg, e.ID, []application.PoolStatus{application.PoolPending, application.PoolActive}, application.PoolDeclined, at.Add(time.Hour))
	if err != nil || got.Status != application.PoolDeclined || !got.RespondedAt.Equal(at.Add(time.Hour)) {
		t.Fatalf("set status = %+v %v", got, err)
	}
	if err := s.DeletePoolEntry(bg, e.ID, []application.PoolStatus{application.PoolPending}); code(err) != passerelle.ECONFLICT {
		t.Fatalf("deleting a declined entry: %v", err)
	}
	if err := s.DeletePoolEntry(bg, "none", []application.PoolStatus{application.PoolPending}); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("deleting a missing entry: %v", err)
	}
	if err := s.DeletePoolEntry(bg, e.ID, []application.PoolStatus{application.PoolDeclined}); err != nil {
		t.Fatal(err)
	}
	if l, n, _ := s.CompanyPool(bg, hexID(0xc01), 0, 10); n != 0 || len(l) != 0 {
		t.Fatalf("pool after delete = %v", l)
	}
}

func TestSettings(t *testing.T) {
	s := open(t)
	if got, err := s.Settings(bg, hexID(1)); err != nil || got != (application.Settings{CandidateID: hexID(1)}) {
		t.Fatalf("default = %+v %v", got, err)
	}
	put, err := s.PutSettings(bg, application.Settings{CandidateID: hexID(1), AdviserMayApply: true, UpdatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Settings(bg, hexID(1)); got != put || !got.AdviserMayApply {
		t.Fatalf("stored = %+v, want %+v", got, put)
	}
	if _, err := s.PutSettings(bg, application.Settings{CandidateID: hexID(1), UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Settings(bg, hexID(1)); got.AdviserMayApply {
		t.Fatalf("replaced = %+v", got)
	}
}

func TestCandidatesBriefs(t *testing.T) {
	s := open(t)
	// Candidate 1 has four applications, 2 has one, 3 (not asked for) one.
	for _, x := range []struct{ cand, offer, hours int }{{1, 10, 0}, {1, 11, 3}, {2, 10, 1}, {1, 12, 2}, {3, 10, 5}, {1, 13, 1}} {
		if _, err := s.CreateApplication(bg, app(x.cand, x.offer, at.Add(time.Duration(x.hours)*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	brief := func(cand, offer, hours int) application.Brief {
		return application.Brief{ID: application.ID(hexID(cand), hexID(offer)), CandidateID: hexID(cand), Status: application.StatusReceived,
			UpdatedAt: at.Add(time.Duration(hours) * time.Hour)}
	}
	got, err := s.CandidatesBriefs(bg, []string{hexID(2), hexID(1), hexID(9)}, 3)
	want := []application.Brief{brief(1, 11, 3), brief(1, 12, 2), brief(1, 13, 1), brief(2, 10, 1)}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("CandidatesBriefs (at most 3 each):\n got %+v (%v)\nwant %+v", got, err, want)
	}
	if got, err := s.CandidatesBriefs(bg, nil, 3); err != nil || len(got) != 0 {
		t.Fatalf("no candidates: %+v, %v", got, err)
	}
	if _, err := s.CandidatesBriefs(bg, make([]string, application.MaxCaseloadRead+1), 3); err == nil {
		t.Fatal("more candidates than MaxCaseloadRead were read")
	}
}
