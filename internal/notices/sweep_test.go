package notices_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle/internal/account"
	"passerelle/internal/application"
	"passerelle/internal/application/applicationdb"
	"passerelle/internal/candidate"
	"passerelle/internal/notices"
	"passerelle/internal/notify"
)

func (e *env) sweeper() *notices.Sweeper {
	return &notices.Sweeper{Feed: applicationdb.New(e.st), Events: e.workflow, Checkpoints: e.jobs}
}

// TestSweepTellsWhatPublishLost writes each kind of workflow event while
// Publish fails, as after a crash between the write and Publish: the next
// sweep tells each exactly once, two instances sweeping at once included,
// and a second sweep tells nothing new.
func TestSweepTellsWhatPublishLost(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	owner := e.org(t, account.KindCompany, "Acme")
	colleague := e.user(t, owner.Role, "Collègue", owner.OrgID)
	adviser := e.org(t, account.KindAdviser, "Mission locale")
	cand := e.candidate(t, "Awa Diallo", 3, candidate.VisibilityAnonymous, true)
	invited := e.candidate(t, "Léo Martin", 3, candidate.VisibilityAnonymous, true)
	if _, err := e.profiles.LinkAdviser(cand.ctx, cand.ID, adviser.OrgID); err != nil {
		t.Fatal(err)
	}
	o := e.goOffer(t, owner, "Développeur·se Go")
	sw := e.sweeper()
	if rep, err := sw.Run(ctx); err != nil || rep.Read != 0 {
		t.Fatalf("sweep of an empty workflow: %+v %v", rep, err)
	}

	e.events.down.Store(true)
	a, err := e.apps.Apply(cand.ctx, application.ApplyInput{OfferID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.apps.Move(owner.ctx, a.ID, application.MoveInput{To: application.StatusInReview}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.apps.Invite(owner.ctx, application.InviteInput{OfferID: o.ID, CandidateID: invited.ID, Pseudonym: "Profil 123ABC"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.apps.Review(adviser.ctx, application.ReviewInput{CandidateID: cand.ID, OfferID: o.ID, Decision: application.DecisionEndorsed}); err != nil {
		t.Fatal(err)
	}
	e.events.down.Store(false)
	type want struct {
		who  person
		kind notify.Kind
	}
	wants := []want{{owner, notify.KindNewApplication}, {colleague, notify.KindNewApplication}, {cand, notify.KindStatusChange},
		{invited, notify.KindInvitation}, {owner, notify.KindEndorsement}, {colleague, notify.KindEndorsement}}
	for _, w := range wants {
		if got := e.told(t, w.who, w.kind); len(got) != 0 {
			t.Fatalf("%s told of %s before the sweep: %+v", w.who.Name, w.kind, got)
		}
	}

	// Two instances sweep at once.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { _, errs[i] = e.sweeper().Run(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		for _, w := range wants {
			if got := e.told(t, w.who, w.kind); len(got) != 1 {
				t.Errorf("%s: %s told of %s %d times, want once", when, w.who.Name, w.kind, len(got))
			}
		}
		// One e-mail for each notification: the owner, the colleague
		// (application, endorsement), the candidate, the invited one.
		for p, n := range map[*person]int64{&owner: 2, &colleague: 2, &cand: 1, &invited: 1} {
			if got := e.emails(t, *p); got != n {
				t.Errorf("%s: %d e-mails for %s, want %d", when, got, p.Name, n)
			}
		}
	}
	check("after the sweep")
	if rep, err := sw.Run(ctx); err != nil || rep.Read != 3 {
		t.Fatalf("second sweep: %+v %v, want the three documents read again (all within the safety window)", rep, err)
	}
	check("after a second sweep")
}

// TestSweepNeverTellsTwice: events told by Publish are not told again by
// the sweep.
func TestSweepNeverTellsTwice(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	owner := e.org(t, account.KindCompany, "Acme")
	cand := e.candidate(t, "Awa Diallo", 3, candidate.VisibilityAnonymous, true)
	o := e.goOffer(t, owner, "Développeur·se Go")
	a, err := e.apps.Apply(cand.ctx, application.ApplyInput{OfferID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.apps.Move(owner.ctx, a.ID, application.MoveInput{To: application.StatusInterview}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := e.sweeper().Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n, m := len(e.told(t, owner, notify.KindNewApplication)), len(e.told(t, cand, notify.KindStatusChange)); n != 1 || m != 1 {
		t.Fatalf("told %d applications and %d status changes, want one of each", n, m)
	}
}

// TestSweepWindow: a write takes its revision before it lands, so a
// transition may become visible after a write with a higher revision that
// the sweeper has read already. The checkpoint stays behind by the safety
// window, and the next sweep tells it.
func TestSweepWindow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	owner := e.org(t, account.KindCompany, "Acme")
	cand := e.candidate(t, "Awa Diallo", 3, candidate.VisibilityAnonymous, true)
	other := e.candidate(t, "Léo Martin", 3, candidate.VisibilityAnonymous, true)
	o := e.goOffer(t, owner, "Développeur·se Go")
	a, err := e.apps.Apply(cand.ctx, application.ApplyInput{OfferID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	// A sweep a minute later: the application is older than the window,
	// the checkpoint moves over it.
	sw := e.sweeper()
	sw.Now = func() time.Time { return time.Now().Add(time.Minute) }
	if _, err := sw.Run(ctx); err != nil {
		t.Fatal(err)
	}
	cp, err := e.jobs.Checkpoint(ctx, "notices.sweep")
	if err != nil || cp.Cursors["applications"] != a.Revision {
		t.Fatalf("checkpoint %+v %v, want the applications cursor at %d", cp, err, a.Revision)
	}

	// A recruiter's move takes its revision and stalls; meanwhile another
	// application lands with a higher one, and a sweep reads it.
	stalled, err := e.st.NextRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.apps.Apply(other.ctx, application.ApplyInput{OfferID: o.ID})
	if err != nil || b.Revision <= stalled {
		t.Fatalf("second application: revision %d (stalled %d), %v", b.Revision, stalled, err)
	}
	sw.Now = nil
	if rep, err := sw.Run(ctx); err != nil || rep.Read != 1 {
		t.Fatalf("sweep after the second application: %+v %v", rep, err)
	}
	if cp, _ := e.jobs.Checkpoint(ctx, "notices.sweep"); cp.Cursors["applications"] >= stalled {
		t.Fatalf("the checkpoint moved to %d, past the stalled revision %d", cp.Cursors["applications"], stalled)
	}

	// The move lands, with its lower revision, while Publish fails.
	e.events.down.Store(true)
	if _, err := e.apps.Move(owner.ctx, a.ID, application.MoveInput{To: application.StatusInterview}); err != nil {
		t.Fatal(err)
	}
	e.events.down.Store(false)
	if _, err := e.st.DB.Collection(applicationdb.Applications).UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revision", Value: stalled}}}}); err != nil {
		t.Fatal(err)
	}
	if got := e.told(t, cand, notify.KindStatusChange); len(got) != 0 {
		t.Fatalf("told before the sweep: %+v", got)
	}
	if _, err := sw.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.told(t, cand, notify.KindStatusChange); len(got) != 1 {
		t.Fatalf("the late transition was told %d times, want once", len(got))
	}
}
