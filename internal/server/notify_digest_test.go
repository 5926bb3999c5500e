package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"passerelle/internal/account/accountdb"
	"passerelle/internal/auth"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/matching"
	"passerelle/internal/notices"
	"passerelle/internal/notices/noticesdb"
	"passerelle/internal/notify"
	"passerelle/internal/offer/offerdb"
)

// TestDigest runs the strong-match digest on the real services: a
// candidate who agreed to the matching hears once a day of the strong
// matches published since their last digest, found from the new offers; a
// hidden profile hears nothing.
func TestDigest(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@a.fr", "732829320")
	cand := e.candidate(t, "cand@example.fr")
	e.goProfile(t, cand, "Awa Diallo", "anonymous")
	hidden := e.candidate(t, "hidden@example.fr")
	e.goProfile(t, hidden, "Léo Caché", "hidden")
	offerID := publishedGoOffer(t, e, owner)

	page, err := e.matches.OffersForCandidate(identity(cand, auth.RoleCandidate), matching.Query{})
	if err != nil || len(page.Results) != 1 || page.Results[0].Offer.ID != offerID {
		t.Fatalf("matches of the candidate: %+v %v", page, err)
	}
	if score := page.Results[0].Score; score < notices.DigestMinScore {
		t.Fatalf("score %.2f: not a strong match, the test needs one", score)
	}

	// clock moves the digest and the notifications (the day of a digest)
	// together.
	now := time.Now()
	clock := func() time.Time { return now }
	notes, err := notify.NewService(e.notesRepo, notify.Options{Messages: catalogForTests(t), UnsubscribeKey: testUnsubscribeKey, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	jobs := noticesdb.New(e.st)
	d := &notices.Digest{Published: e.offers, Ranker: e.matches, Matches: e.matches, Profiles: candidatedb.New(e.st),
		Offers: offerdb.New(e.st), Accounts: accountdb.New(e.st), Prefs: notes, Notify: notes, Jobs: jobs, Due: jobs, Now: clock}
	ctx := context.Background()
	digests := func(u user) []notificationJSON {
		var out []notificationJSON
		for _, n := range e.notifications(t, u).Items {
			if n.Kind == "strong_match_digest" {
				out = append(out, n)
			}
		}
		return out
	}

	// The new offer marks the candidates it matches strongly (the hidden
	// profile is not among them) and the same run tells them.
	rep, err := d.Run(ctx)
	if err != nil || rep.Offers != 1 || rep.Marked != 1 || rep.Sent != 1 {
		t.Fatalf("first run: %+v %v, want one offer, one candidate marked, one digest", rep, err)
	}
	got := digests(cand)
	if len(got) != 1 || got[0].Link != "/matches" || !strings.Contains(got[0].Text, "1, dont") || !strings.Contains(got[0].Text, "Développeur·se Go") {
		t.Fatalf("candidate's digests = %+v, want one naming the offer", got)
	}
	if m, ok := e.emailOf(t, got[0].ID); !ok || m.To != cand.email || !strings.Contains(m.Text, "/unsubscribe?token=") {
		t.Errorf("digest e-mail = %+v (%v)", m, ok)
	}
	if len(digests(hidden)) != 0 {
		t.Error("a hidden profile got a digest")
	}

	if rep, _ := d.Run(ctx); rep.Sent != 0 || len(digests(cand)) != 1 {
		t.Fatalf("second run the same day sent %d, want none", rep.Sent)
	}

	// The next day: nothing new since the last digest, nothing sent; a new
	// strong match published, one digest naming it.
	now = now.Add(25 * time.Hour)
	if rep, err := d.Run(ctx); err != nil || rep.Sent != 0 {
		t.Fatalf("next day without new offers: %+v %v, want nothing sent", rep, err)
	}
	publishedGoOffer(t, e, owner)
	if rep, err := d.Run(ctx); err != nil || rep.Sent != 1 {
		t.Fatalf("next day with a new offer: %+v %v, want one sent", rep, err)
	}
	if got := digests(cand); len(got) != 2 || !strings.Contains(got[0].Text, "1, dont") {
		t.Errorf("digests after the second day = %+v", got)
	}
}
