package server_test

import (
	"context"
	"strings"
	"testing"

	"passerelle/internal/account/accountdb"
	"passerelle/internal/application"
	"passerelle/internal/auth"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/notices"
	"passerelle/internal/offer/offerdb"
)

// TestNotifyWorkflowEvents: each event of the application workflow
// reaches the right people, through the real services: every member of
// the company for a new application and an adviser's endorsement (not a
// rejection), the candidate for an invitation to apply; a withdrawal tells
// nobody. The same event twice tells once.
func TestNotifyWorkflowEvents(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t, "admin@passerelle.test")
	owner := e.employer(t, "owner@atelier.fr", "732829320")
	if r := e.api(t, "POST", "/api/v1/organisations/"+owner.orgID+"/invitations", map[string]string{"email": "ines@atelier.fr"}, owner.access); r.status != 201 {
		t.Fatalf("invite colleague: %d %s", r.status, r.body)
	}
	tok := linkToken(t, e.mail.last(t, "ines@atelier.fr"))
	if r := e.api(t, "POST", "/api/v1/invitations/accept", map[string]string{"token": tok, "name": "Inès", "password": goodPassword}, ""); r.status != 201 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	colleague := user{email: "ines@atelier.fr", password: goodPassword}
	colleague.access, _ = e.login(t, colleague.email, goodPassword)
	cand := e.candidate(t, "cand@example.fr")
	e.goProfile(t, cand, "Awa Diallo", "anonymous")
	other := e.candidate(t, "other@example.fr")
	e.goProfile(t, other, "Noé Martin", "visible")
	offerID := publishedGoOffer(t, e, owner)

	kinds := func(u user) []string {
		var out []string
		for _, n := range e.notifications(t, u).Items {
			out = append(out, n.Kind+" "+n.Link)
		}
		return out
	}

	a := e.apply(t, cand, offerID, "")
	for _, u := range []user{owner, colleague} {
		if got := kinds(u); len(got) != 1 || got[0] != "new_application /company/offers/"+offerID+"/applications" {
			t.Errorf("%s after the application: %v", u.email, got)
		}
	}

	if r := e.api(t, "POST", "/api/v1/applications/"+a.ID+"/withdraw", nil, cand.access); r.status != 200 {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	if got := kinds(cand); len(got) != 0 {
		t.Errorf("the candidate was told of their own withdrawal: %v", got)
	}

	// The workflow cannot invite yet through this wiring (the company does
	// not read profiles through the candidate service): the event is
	// handed to the adapter as the workflow would.
	events := notices.Workflow{Notify: e.notes, Accounts: accountdb.New(e.st), Offers: offerdb.New(e.st), Profiles: candidatedb.New(e.st)}
	inv := application.Invitation{ID: application.InvitationID(offerID, other.id), OfferID: offerID, CompanyID: owner.orgID, CandidateID: other.id}
	for range 2 { // told once, however often the event comes
		if err := events.Publish(context.Background(), application.Event{Kind: application.EventInvited, Invitation: inv}); err != nil {
			t.Fatal(err)
		}
	}
	got := e.notifications(t, other).Items
	if len(got) != 1 || got[0].Kind != "invitation_to_apply" || got[0].Link != "/applications" || !strings.Contains(got[0].Text, "Atelier 732829320") {
		t.Errorf("invited candidate's notifications: %+v", got)
	}

	adviser := e.adviser(t, admin, "conseil@ml.fr")
	e.follow(t, other, adviser.orgID)
	review := func(d application.Decision) {
		t.Helper()
		if _, err := e.apps.Review(identity(adviser, auth.RoleAdviser), application.ReviewInput{CandidateID: other.id, OfferID: offerID, Decision: d, Note: "Très motivé"}); err != nil {
			t.Fatal(err)
		}
	}
	review(application.DecisionRejected)
	if got := kinds(owner); len(got) != 1 {
		t.Errorf("a rejection told the company: %v", got)
	}
	review(application.DecisionEndorsed)
	for _, u := range []user{owner, colleague} {
		got := e.notifications(t, u).Items
		if len(got) != 2 || got[0].Kind != "adviser_endorsement" || got[0].Link != "/company/offers/"+offerID+"/matches" || !strings.Contains(got[0].Text, "Mission locale conseil@ml.fr") {
			t.Errorf("%s after the endorsement: %+v", u.email, got)
		}
	}
}
