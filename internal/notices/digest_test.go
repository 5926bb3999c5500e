package notices_test

import (
	"context"
	"testing"
	"time"

	"passerelle/internal/account"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/matching"
	"passerelle/internal/notices"
	"passerelle/internal/notify"
	"passerelle/internal/offer/offerdb"
)

func (e *env) digest() *notices.Digest {
	return &notices.Digest{Published: e.offers, Ranker: e.matches, Matches: e.matches, Profiles: candidatedb.New(e.st),
		Offers: offerdb.New(e.st), Accounts: e.accounts, Prefs: e.notes, Notify: e.notes, Jobs: e.jobs, Due: e.jobs, Now: e.clock}
}

// score is c's score for offer id, as c reads it; 0 when not listed.
func (e *env) score(t *testing.T, c person, id string) float64 {
	t.Helper()
	page, err := e.matches.OffersForCandidate(c.ctx, matching.Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range page.Results {
		if m.Offer.ID == id {
			return m.Score
		}
	}
	return 0
}

// TestDigestFollowsNewOffers: a new offer tells the candidates it matches
// strongly, once a day: not a weak match, not a hidden profile, not a
// candidate without consent; a second offer the same day waits for the
// next day's digest.
func TestDigestFollowsNewOffers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	owner := e.org(t, account.KindCompany, "Acme")
	strong := e.candidate(t, "Awa Diallo", 3, candidate.VisibilityAnonymous, true)
	weak := e.candidate(t, "Léo Martin", 1, candidate.VisibilityVisible, true)
	hidden := e.candidate(t, "Zoé Caché", 3, candidate.VisibilityHidden, true)
	unwilling := e.candidate(t, "Max Refus", 3, candidate.VisibilityVisible, false)
	d := e.digest()
	if rep, err := d.Run(ctx); err != nil || rep != (notices.DigestReport{}) {
		t.Fatalf("run without offers: %+v %v", rep, err)
	}

	first := e.goOffer(t, owner, "Développeur·se Go")
	if s := e.score(t, strong, first.ID); s < notices.DigestMinScore {
		t.Fatalf("strong match scores %.2f: the test needs at least %.0f", s, notices.DigestMinScore)
	}
	if s := e.score(t, weak, first.ID); s >= notices.DigestMinScore {
		t.Fatalf("weak match scores %.2f: the test needs less than %.0f", s, notices.DigestMinScore)
	}
	for _, p := range []person{hidden, unwilling} {
		if s := e.score(t, p, first.ID); s < notices.DigestMinScore {
			t.Fatalf("%s scores %.2f: the test needs a strong score that their choice keeps from the digest", p.Name, s)
		}
	}
	e.advance(time.Second) // the digest's clock after the publication
	rep, err := d.Run(ctx)
	if err != nil || rep.Offers != 1 || rep.Marked != 1 || rep.Sent != 1 {
		t.Fatalf("run after the first offer: %+v %v, want one offer, one candidate marked, one digest", rep, err)
	}
	digests := func(p person) []notify.Notification { return e.told(t, p, notify.KindDigest) }
	got := digests(strong)
	if len(got) != 1 || got[0].Link != notices.MatchesPath || got[0].Args[0].Text != "1" || got[0].Args[1].Text != first.Title {
		t.Fatalf("strong match's digests = %+v, want one naming the offer", got)
	}
	if e.emails(t, strong) != 1 {
		t.Error("no digest e-mail")
	}
	for _, p := range []person{weak, hidden, unwilling} {
		if got := digests(p); len(got) != 0 {
			t.Errorf("%s got a digest: %+v", p.Name, got)
		}
	}

	// A second strong offer the same day: no second digest.
	e.advance(time.Second)
	second := e.goOffer(t, owner, "Développeur·se Go confirmé·e")
	e.advance(time.Second)
	rep, err = d.Run(ctx)
	if err != nil || rep.Sent != 0 || rep.Deferred != 1 {
		t.Fatalf("run after the second offer: %+v %v, want the candidate left for tomorrow", rep, err)
	}
	if got := digests(strong); len(got) != 1 {
		t.Fatalf("%d digests the same day, want one", len(got))
	}

	// The next day, the second offer is told, alone.
	e.advance(24 * time.Hour)
	rep, err = d.Run(ctx)
	if err != nil || rep.Sent != 1 {
		t.Fatalf("run the next day: %+v %v, want one digest", rep, err)
	}
	got = digests(strong)
	if len(got) != 2 || got[0].Args[0].Text != "1" || got[0].Args[1].Text != second.Title {
		t.Fatalf("digests after the next day = %+v, want a second one naming only the second offer", got)
	}
	for _, p := range []person{weak, hidden, unwilling} {
		if got := digests(p); len(got) != 0 {
			t.Errorf("%s got a digest: %+v", p.Name, got)
		}
	}
	// Nothing new since: the run after tells nothing, and nobody is left
	// due.
	e.advance(time.Hour)
	if rep, err := d.Run(ctx); err != nil || rep.Sent != 0 {
		t.Fatalf("run without news: %+v %v", rep, err)
	}
	if due, err := e.jobs.Due(ctx, e.clock().Add(72*time.Hour), 10); err != nil || len(due) != 0 {
		t.Fatalf("marks left: %+v %v", due, err)
	}
}

// TestStrongCandidatesIsASystemCall: a signed-in user may not ask whom an
// offer matches.
func TestStrongCandidatesIsASystemCall(t *testing.T) {
	e := newEnv(t)
	owner := e.org(t, account.KindCompany, "Acme")
	e.candidate(t, "Awa Diallo", 3, candidate.VisibilityAnonymous, true)
	o := e.goOffer(t, owner, "Développeur·se Go")
	if _, err := e.matches.StrongCandidates(owner.ctx, o.ID, notices.DigestMinScore); err == nil {
		t.Fatal("an employer asked for the strong candidates of their offer")
	}
	admin := auth.NewContext(context.Background(), auth.Identity{UserID: newID(), Role: auth.RoleAdmin})
	for _, ctx := range []context.Context{context.Background(), admin} {
		got, err := e.matches.StrongCandidates(ctx, o.ID, notices.DigestMinScore)
		if err != nil || len(got) != 1 {
			t.Fatalf("strong candidates: %+v %v, want one", got, err)
		}
	}
}
