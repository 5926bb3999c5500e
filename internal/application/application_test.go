package application_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/auth"
)

func TestApply(t *testing.T) {
	e := newEnv(t)
	a := must(e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(1), Message: "  Bonjour,\r\nje suis motivée.  "})).get(t)
	if a.ID != application.ID(cand, offer(1)) || a.CandidateID != cand || a.CompanyID != company || a.Status != application.StatusReceived {
		t.Fatalf("application = %+v", a)
	}
	if a.Message != "Bonjour,\nje suis motivée." {
		t.Errorf("message = %q, want trimmed with \\n line breaks", a.Message)
	}
	if a.AppliedBy != (application.Actor{UserID: cand, Role: auth.RoleCandidate}) {
		t.Errorf("applied by %+v", a.AppliedBy)
	}
	want := []application.Transition{{To: application.StatusReceived, By: cand, Role: auth.RoleCandidate, At: start}}
	if !slices.Equal(a.History, want) {
		t.Errorf("history = %+v, want %+v", a.History, want)
	}
	if got := e.events.kinds(); !slices.Equal(got, []application.EventKind{application.EventApplied}) {
		t.Errorf("events = %v", got)
	}

	t.Run("twice", func(t *testing.T) {
		_, err := e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(1)})
		wantErr(t, err, passerelle.ECONFLICT, "error.application.exists")
		// Concurrent duplicates: exactly one wins.
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Go(func() { _, errs[i] = e.svc.Apply(cand2Ctx, application.ApplyInput{OfferID: offer(2)}) })
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch code(err) {
			case "":
				won++
			case passerelle.ECONFLICT:
			default:
				t.Errorf("concurrent apply: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d concurrent applications succeeded, want 1", won)
		}
	})
	t.Run("after withdrawing", func(t *testing.T) {
		must(e.svc.Withdraw(candCtx, a.ID, "")).get(t)
		_, err := e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(1)})
		wantErr(t, err, passerelle.ECONFLICT, "error.application.exists_withdrawn")
	})

	for _, tt := range []struct {
		name     string
		ctx      context.Context
		in       application.ApplyInput
		code     string
		key      string
		field    string
		fieldKey string
	}{
		{"anonymous", anonCtx, application.ApplyInput{OfferID: offer(3)}, passerelle.EUNAUTHORIZED, "error.unauthorized", "", ""},
		{"employer", memberCtx, application.ApplyInput{OfferID: offer(3), CandidateID: cand}, passerelle.EFORBIDDEN, "error.application.candidates_only", "", ""},
		{"admin", adminCtx, application.ApplyInput{OfferID: offer(3), CandidateID: cand}, passerelle.EFORBIDDEN, "error.application.candidates_only", "", ""},
		{"for someone else", candCtx, application.ApplyInput{OfferID: offer(3), CandidateID: cand2}, passerelle.EFORBIDDEN, "error.application.candidates_only", "", ""},
		{"closed offer", candCtx, application.ApplyInput{OfferID: closedOffer}, passerelle.ECONFLICT, "error.application.offer_closed", "", ""},
		{"unknown offer", candCtx, application.ApplyInput{OfferID: hexID(0xdead)}, passerelle.ENOTFOUND, "error.application.offer_not_found", "", ""},
		{"malformed offer", candCtx, application.ApplyInput{OfferID: "x:y"}, passerelle.ENOTFOUND, "error.application.offer_not_found", "", ""},
		{"message too long", candCtx, application.ApplyInput{OfferID: offer(3), Message: strings.Repeat("é", application.MaxMessageRunes+1)},
			passerelle.EINVALID, "error.invalid", "message", "application.text.too_long"},
		{"control characters", candCtx, application.ApplyInput{OfferID: offer(3), Message: "a\x00b"},
			passerelle.EINVALID, "error.invalid", "message", "application.text.invalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Apply(tt.ctx, tt.in)
			wantErr(t, err, tt.code, tt.key)
			if tt.field != "" {
				var pe *passerelle.Error
				if !errors.As(err, &pe) || len(pe.Fields) != 1 || pe.Fields[0].Field != tt.field || pe.Fields[0].Key != tt.fieldKey {
					t.Fatalf("fields = %+v, want %s: %s", pe, tt.field, tt.fieldKey)
				}
			}
		})
	}
	t.Run("message at the limit", func(t *testing.T) {
		must(e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(4), Message: strings.Repeat("é", application.MaxMessageRunes)})).get(t)
	})
}

// TestAllowed holds the state machine whole: every pair of statuses.
func TestAllowed(t *testing.T) {
	ok := map[[2]application.Status]bool{}
	pipe := application.Pipeline()
	for i, from := range pipe[:len(pipe)-1] {
		for _, to := range pipe[i+1:] {
			ok[[2]application.Status{from, to}] = true
		}
		ok[[2]application.Status{from, application.StatusRejected}] = true
		ok[[2]application.Status{from, application.StatusWithdrawn}] = true
	}
	all := append(application.Statuses(), "", "unknown")
	for _, from := range all {
		for _, to := range all {
			if got := application.Allowed(from, to); got != ok[[2]application.Status{from, to}] {
				t.Errorf("Allowed(%q, %q) = %v", from, to, got)
			}
		}
	}
}

// reach makes a fresh application of cand to offer(n) and moves it to
// status from, the way people do.
func reach(t *testing.T, e *env, n int, from application.Status) application.Application {
	t.Helper()
	a := must(e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(n)})).get(t)
	switch from {
	case application.StatusReceived:
	case application.StatusWithdrawn:
		a = must(e.svc.Withdraw(candCtx, a.ID, "J'ai trouvé un poste.")).get(t)
	case application.StatusRejected:
		a = must(e.svc.Move(memberCtx, a.ID, application.MoveInput{To: from, Reason: application.ReasonPositionFilled})).get(t)
	default:
		a = must(e.svc.Move(memberCtx, a.ID, application.MoveInput{To: from})).get(t)
	}
	if a.Status != from {
		t.Fatalf("reached %s, want %s", a.Status, from)
	}
	return a
}

func TestTransitions(t *testing.T) {
	e := newEnv(t)
	const (
		received  = application.StatusReceived
		inReview  = application.StatusInReview
		interview = application.StatusInterview
		offerMade = application.StatusOfferMade
		hired     = application.StatusHired
		rejected  = application.StatusRejected
		withdrawn = application.StatusWithdrawn
	)
	for n, tt := range []struct {
		from   application.Status
		ctx    context.Context
		in     application.MoveInput
		code   string // "" for success
		errKey string
	}{
		{received, memberCtx, application.MoveInput{To: inReview}, "", ""},
		{received, member2Ctx, application.MoveInput{To: interview, Note: "Appel ce matin"}, "", ""},
		{received, memberCtx, application.MoveInput{To: hired}, "", ""},
		{received, memberCtx, application.MoveInput{To: rejected, Reason: application.ReasonSkillsMismatch, Note: "Il manque SQL."}, "", ""},
		{received, memberCtx, application.MoveInput{To: received}, passerelle.ECONFLICT, "error.application.transition"},
		{received, memberCtx, application.MoveInput{To: withdrawn}, passerelle.EFORBIDDEN, "error.application.forbidden"},
		{received, candCtx, application.MoveInput{To: withdrawn}, "", ""},
		{received, candCtx, application.MoveInput{To: inReview}, passerelle.EFORBIDDEN, "error.application.forbidden"},
		{received, candCtx, application.MoveInput{To: rejected, Reason: application.ReasonOther, Note: "x"}, passerelle.EFORBIDDEN, "error.application.forbidden"},
		{received, adviserCtx, application.MoveInput{To: withdrawn}, passerelle.EFORBIDDEN, "error.application.forbidden"},
		{received, adminCtx, application.MoveInput{To: inReview}, passerelle.EFORBIDDEN, "error.application.forbidden"},
		{received, outsiderCtx, application.MoveInput{To: inReview}, passerelle.ENOTFOUND, "error.application.not_found"},
		{received, cand2Ctx, application.MoveInput{To: withdrawn}, passerelle.ENOTFOUND, "error.application.not_found"},
		{received, otherAdviserCtx, application.MoveInput{To: withdrawn}, passerelle.ENOTFOUND, "error.application.not_found"},
		{received, anonCtx, application.MoveInput{To: inReview}, passerelle.EUNAUTHORIZED, "error.unauthorized"},
		{inReview, memberCtx, application.MoveInput{To: interview}, "", ""},
		{inReview, memberCtx, application.MoveInput{To: inReview}, passerelle.ECONFLICT, "error.application.transition"},
		{inReview, memberCtx, application.MoveInput{To: received}, passerelle.ECONFLICT, "error.application.transition"},
		{interview, memberCtx, application.MoveInput{To: offerMade}, "", ""},
		{interview, memberCtx, application.MoveInput{To: inReview}, passerelle.ECONFLICT, "error.application.transition"},
		{interview, memberCtx, application.MoveInput{To: rejected, Reason: application.ReasonNotAvailable}, "", ""},
		{interview, candCtx, application.MoveInput{To: withdrawn, Note: "Autre poste accepté"}, "", ""},
		{offerMade, memberCtx, application.MoveInput{To: hired}, "", ""},
		{offerMade, memberCtx, application.MoveInput{To: interview}, passerelle.ECONFLICT, "error.application.transition"},
		{offerMade, memberCtx, application.MoveInput{To: rejected, Reason: application.ReasonOther, Note: "Budget gelé"}, "", ""},
		{offerMade, candCtx, application.MoveInput{To: withdrawn}, "", ""},
		{hired, memberCtx, application.MoveInput{To: rejected, Reason: application.ReasonPositionFilled}, passerelle.ECONFLICT, "error.application.closed"},
		{hired, memberCtx, application.MoveInput{To: offerMade}, passerelle.ECONFLICT, "error.application.closed"},
		{hired, candCtx, application.MoveInput{To: withdrawn}, passerelle.ECONFLICT, "error.application.closed"},
		{rejected, memberCtx, application.MoveInput{To: inReview}, passerelle.ECONFLICT, "error.application.closed"},
		{rejected, memberCtx, application.MoveInput{To: rejected, Reason: application.ReasonOther, Note: "encore"}, passerelle.ECONFLICT, "error.application.closed"},
		{rejected, candCtx, application.MoveInput{To: withdrawn}, passerelle.ECONFLICT, "error.application.closed"},
		{withdrawn, memberCtx, application.MoveInput{To: interview}, passerelle.ECONFLICT, "error.application.closed"},
		{withdrawn, candCtx, application.MoveInput{To: withdrawn}, passerelle.ECONFLICT, "error.application.closed"},
	} {
		id, _ := auth.FromContext(tt.ctx)
		t.Run(string(tt.from)+"→"+string(tt.in.To)+" by "+string(id.Role), func(t *testing.T) {
			a := reach(t, e, n+1, tt.from)
			e.now = e.now.Add(time.Minute)
			got, err := e.svc.Move(tt.ctx, a.ID, tt.in)
			if tt.code != "" {
				wantErr(t, err, tt.code, tt.errKey)
				if cur := must(e.repo.Application(context.Background(), a.ID)).get(t); cur.Status != tt.from || len(cur.History) != len(a.History) {
					t.Fatalf("a refused move changed the application: %+v", cur)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.in.To || got.Revision <= a.Revision || !got.UpdatedAt.Equal(e.now) {
				t.Fatalf("moved to %s rev %d at %v, want %s after rev %d at %v", got.Status, got.Revision, got.UpdatedAt, tt.in.To, a.Revision, e.now)
			}
			last := got.History[len(got.History)-1]
			wantT := application.Transition{From: tt.from, To: tt.in.To, By: id.UserID, Role: id.Role, At: e.now, Reason: tt.in.Reason, Note: tt.in.Note}
			if last != wantT {
				t.Fatalf("history entry = %+v, want %+v", last, wantT)
			}
			stored := must(e.repo.Application(context.Background(), a.ID)).get(t)
			if len(stored.History) != len(a.History)+1 || stored.History[len(stored.History)-1] != wantT {
				t.Fatalf("stored history = %+v, want it to end with %+v", stored.History, wantT)
			}
			if tt.in.To == application.StatusRejected {
				if got.Rejection != (application.Rejection{Reason: tt.in.Reason, Note: tt.in.Note}) {
					t.Fatalf("rejection = %+v", got.Rejection)
				}
			}
			e.events.mu.Lock()
			ev := e.events.list[len(e.events.list)-1]
			e.events.mu.Unlock()
			if ev.Kind != application.EventMoved || ev.Transition != wantT || ev.Application.ID != a.ID {
				t.Fatalf("event = %+v", ev)
			}
		})
	}
}

func TestMoveValidation(t *testing.T) {
	e := newEnv(t)
	a := must(e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(1)})).get(t)
	for _, tt := range []struct {
		name  string
		in    application.MoveInput
		field string
		key   string
	}{
		{"unknown status", application.MoveInput{To: "archived"}, "to", "application.status.invalid"},
		{"rejection without reason", application.MoveInput{To: application.StatusRejected}, "reason", "application.reason.required"},
		{"unknown reason", application.MoveInput{To: application.StatusRejected, Reason: "rude"}, "reason", "application.reason.invalid"},
		{"other without a note", application.MoveInput{To: application.StatusRejected, Reason: application.ReasonOther, Note: "  "}, "note", "application.note.required"},
		{"reason on a move forward", application.MoveInput{To: application.StatusInReview, Reason: application.ReasonOther}, "reason", "application.reason.unexpected"},
		{"note too long", application.MoveInput{To: application.StatusInReview, Note: strings.Repeat("x", application.MaxNoteRunes+1)}, "note", "application.text.too_long"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Move(memberCtx, a.ID, tt.in)
			var pe *passerelle.Error
			if !errors.As(err, &pe) || pe.Code != passerelle.EINVALID || len(pe.Fields) != 1 || pe.Fields[0].Field != tt.field || pe.Fields[0].Key != tt.key {
				t.Fatalf("error = %v, want EINVALID %s: %s", err, tt.field, tt.key)
			}
		})
	}
	_, err := e.svc.Move(memberCtx, "nonsense", application.MoveInput{To: application.StatusInReview})
	wantErr(t, err, passerelle.ENOTFOUND, "error.application.not_found")
	_, err = e.svc.Move(memberCtx, application.ID(cand2, offer(1)), application.MoveInput{To: application.StatusInReview})
	wantErr(t, err, passerelle.ENOTFOUND)
}

// TestConcurrentMoves: recruiters clicking at once never both move an
// application, and none is lost: the history holds exactly the one move.
func TestConcurrentMoves(t *testing.T) {
	e := newEnv(t)
	a := must(e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(1)})).get(t)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = e.svc.Move(memberCtx, a.ID, application.MoveInput{To: application.StatusInReview})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case key(err) != "error.application.transition":
			t.Errorf("concurrent move: %v", err)
		}
	}
	got := must(e.repo.Application(context.Background(), a.ID)).get(t)
	if ok != 1 || len(got.History) != 2 {
		t.Fatalf("%d moves succeeded, history %+v; want 1 and 2 entries", ok, got.History)
	}
}

// TestWhoReadsWhat: the candidate reads status and reason but not which
// recruiter did it; the company reads everything; others nothing.
func TestWhoReadsWhat(t *testing.T) {
	e := newEnv(t)
	a := must(e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(1)})).get(t)
	must(e.svc.Move(memberCtx, a.ID, application.MoveInput{To: application.StatusInReview})).get(t)
	must(e.svc.Move(memberCtx, a.ID, application.MoveInput{To: application.StatusRejected, Reason: application.ReasonSkillsMismatch, Note: "Il manque SQL."})).get(t)

	mine := must(e.svc.Get(candCtx, a.ID)).get(t)
	if mine.Status != application.StatusRejected || mine.Rejection.Reason != application.ReasonSkillsMismatch || mine.Rejection.Note != "Il manque SQL." {
		t.Fatalf("candidate reads %+v", mine)
	}
	for _, h := range mine.History[1:] {
		if h.By != "" || h.Role != auth.RoleEmployer {
			t.Errorf("candidate reads recruiter %q (%s)", h.By, h.Role)
		}
	}
	if mine.History[0].By != cand {
		t.Errorf("candidate's own entry lost its author: %+v", mine.History[0])
	}
	theirs := must(e.svc.Get(memberCtx, a.ID)).get(t)
	if theirs.History[2].By != recruiter {
		t.Errorf("company reads %+v", theirs.History[2])
	}
	must(e.svc.Get(adviserCtx, a.ID)).get(t) // cand's adviser
	must(e.svc.Get(adminCtx, a.ID)).get(t)
	for name, ctx := range map[string]context.Context{"outsider": outsiderCtx, "other candidate": cand2Ctx, "other adviser": otherAdviserCtx} {
		if _, err := e.svc.Get(ctx, a.ID); code(err) != passerelle.ENOTFOUND {
			t.Errorf("%s: %v, want ENOTFOUND", name, err)
		}
	}
	if _, err := e.svc.Get(anonCtx, a.ID); code(err) != passerelle.EUNAUTHORIZED {
		t.Errorf("anonymous: %v", err)
	}

	t.Run("lists", func(t *testing.T) {
		for n := 2; n <= 4; n++ {
			e.now = e.now.Add(time.Minute)
			must(e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(n)})).get(t)
		}
		must(e.svc.Apply(cand2Ctx, application.ApplyInput{OfferID: offer(4)})).get(t)
		p := must(e.svc.ForCandidate(candCtx, cand, application.PageRequest{Size: 2})).get(t)
		if p.Total != 4 || len(p.Items) != 2 || p.Items[0].OfferID != offer(4) || p.Items[1].OfferID != offer(3) {
			t.Fatalf("page 1 = %d of %d: %+v", len(p.Items), p.Total, p.Items)
		}
		p = must(e.svc.ForCandidate(adviserCtx, cand, application.PageRequest{Number: 2, Size: 2})).get(t)
		if len(p.Items) != 2 || p.Items[1].OfferID != offer(1) {
			t.Fatalf("page 2 = %+v", p.Items)
		}
		if _, err := e.svc.ForCandidate(cand2Ctx, cand, application.PageRequest{}); code(err) != passerelle.ENOTFOUND {
			t.Errorf("another candidate lists: %v", err)
		}
		if _, err := e.svc.ForCandidate(memberCtx, cand, application.PageRequest{}); code(err) != passerelle.ENOTFOUND {
			t.Errorf("an employer lists a candidate's applications: %v", err)
		}
		q := must(e.svc.ForOffer(memberCtx, offer(4), "", application.PageRequest{Size: 500})).get(t)
		if q.Total != 2 || q.Size != 100 {
			t.Fatalf("offer list = %+v", q)
		}
		q = must(e.svc.ForOffer(memberCtx, offer(1), application.StatusRejected, application.PageRequest{})).get(t)
		if q.Total != 1 {
			t.Fatalf("rejected of offer 1 = %+v", q)
		}
		if _, err := e.svc.ForOffer(outsiderCtx, offer(4), "", application.PageRequest{}); code(err) != passerelle.EFORBIDDEN {
			t.Errorf("outsider lists an offer's applications: %v", err)
		}
		if _, err := e.svc.ForOffer(memberCtx, offer(4), "lost", application.PageRequest{}); code(err) != passerelle.EINVALID {
			t.Errorf("bad status filter: %v", err)
		}
	})
}

func TestApplyOnBehalf(t *testing.T) {
	e := newEnv(t)
	in := application.ApplyInput{OfferID: offer(1), CandidateID: cand, Message: "Candidature déposée avec Camille."}
	_, err := e.svc.Apply(adviserCtx, in)
	wantErr(t, err, passerelle.EFORBIDDEN, "error.application.no_consent")

	if _, err := e.svc.SetAdviserMayApply(adviserCtx, true); code(err) != passerelle.EFORBIDDEN {
		t.Fatalf("an adviser gave consent for the candidate: %v", err)
	}
	st := must(e.svc.SetAdviserMayApply(candCtx, true)).get(t)
	if !st.AdviserMayApply || st.CandidateID != cand {
		t.Fatalf("settings = %+v", st)
	}
	if got := must(e.svc.Settings(adviserCtx, cand)).get(t); !got.AdviserMayApply {
		t.Fatalf("adviser reads %+v", got)
	}
	if _, err := e.svc.Settings(memberCtx, cand); code(err) != passerelle.ENOTFOUND {
		t.Errorf("an employer reads the settings: %v", err)
	}

	a := must(e.svc.Apply(adviserCtx, in)).get(t)
	if a.CandidateID != cand || a.AppliedBy != (application.Actor{UserID: hexID(0xad0), Role: auth.RoleAdviser, OrgID: adviserOrg}) {
		t.Fatalf("application = %+v", a)
	}
	_, err = e.svc.Apply(otherAdviserCtx, application.ApplyInput{OfferID: offer(2), CandidateID: cand})
	wantErr(t, err, passerelle.ENOTFOUND, "error.application.candidate_not_found")
	_, err = e.svc.Apply(adviserCtx, application.ApplyInput{OfferID: offer(2), CandidateID: cand2}) // not in the caseload
	wantErr(t, err, passerelle.ENOTFOUND, "error.application.candidate_not_found")
	_, err = e.svc.Apply(adviserCtx, application.ApplyInput{OfferID: offer(2)})
	wantErr(t, err, passerelle.ENOTFOUND, "error.application.candidate_not_found")

	must(e.svc.SetAdviserMayApply(candCtx, false)).get(t)
	_, err = e.svc.Apply(adviserCtx, application.ApplyInput{OfferID: offer(2), CandidateID: cand})
	wantErr(t, err, passerelle.EFORBIDDEN, "error.application.no_consent")
}

func TestInvitation(t *testing.T) {
	e := newEnv(t)
	inv := must(e.svc.Invite(memberCtx, application.InviteInput{OfferID: offer(1), CandidateID: cand, Pseudonym: "Profil 7F3A9C", Message: "Votre profil nous intéresse."})).get(t)
	if inv.CandidateID != "" || inv.Pseudonym != "Profil 7F3A9C" || inv.Status != application.InvitationPending || inv.ID != application.InvitationID(offer(1), cand) {
		t.Fatalf("invitation as the company reads it = %+v", inv)
	}
	if strings.Contains(inv.ID, cand) {
		t.Fatal("the invitation id shows the candidate id")
	}
	if ok := must(e.svc.RevealedTo(context.Background(), company, cand)).get(t); ok {
		t.Fatal("revealed before acceptance")
	}

	t.Run("refused", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			ctx  context.Context
			in   application.InviteInput
			code string
			key  string
		}{
			{"twice", memberCtx, application.InviteInput{OfferID: offer(1), CandidateID: cand}, passerelle.ECONFLICT, "error.application.invitation.exists"},
			{"not discoverable", memberCtx, application.InviteInput{OfferID: offer(1), CandidateID: hidden}, passerelle.ENOTFOUND, "error.application.candidate_not_found"},
			{"unknown candidate", memberCtx, application.InviteInput{OfferID: offer(1), CandidateID: hexID(0xbad)}, passerelle.ENOTFOUND, "error.application.candidate_not_found"},
			{"other company", outsiderCtx, application.InviteInput{OfferID: offer(1), CandidateID: cand2}, passerelle.EFORBIDDEN, "error.application.company_only"},
			{"admin", adminCtx, application.InviteInput{OfferID: offer(1), CandidateID: cand2}, passerelle.EFORBIDDEN, "error.application.company_only"},
			{"candidate", candCtx, application.InviteInput{OfferID: offer(1), CandidateID: cand2}, passerelle.EFORBIDDEN, "error.application.company_only"},
			{"closed offer", memberCtx, application.InviteInput{OfferID: closedOffer, CandidateID: cand2}, passerelle.ECONFLICT, "error.application.offer_closed"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.svc.Invite(tt.ctx, tt.in)
				wantErr(t, err, tt.code, tt.key)
			})
		}
		must(e.svc.Apply(cand2Ctx, application.ApplyInput{OfferID: offer(2)})).get(t)
		_, err := e.svc.Invite(memberCtx, application.InviteInput{OfferID: offer(2), CandidateID: cand2})
		wantErr(t, err, passerelle.ECONFLICT, "error.application.invitation.already_applied")
	})

	t.Run("decline", func(t *testing.T) {
		d := must(e.svc.Invite(memberCtx, application.InviteInput{OfferID: offer(3), CandidateID: cand, Pseudonym: "Profil 7F3A9C"})).get(t)
		if _, err := e.svc.DeclineInvitation(cand2Ctx, d.ID); code(err) != passerelle.ENOTFOUND {
			t.Fatalf("another candidate declined: %v", err)
		}
		if _, err := e.svc.DeclineInvitation(memberCtx, d.ID); code(err) != passerelle.ENOTFOUND {
			t.Fatalf("the company declined: %v", err)
		}
		got := must(e.svc.DeclineInvitation(candCtx, d.ID)).get(t)
		if got.Status != application.InvitationDeclined || got.RespondedAt.IsZero() {
			t.Fatalf("declined = %+v", got)
		}
		must(e.svc.DeclineInvitation(candCtx, d.ID)).get(t) // twice is fine
		if _, err := e.svc.AcceptInvitation(candCtx, d.ID, ""); key(err) != "error.application.invitation.answered" {
			t.Fatalf("accept after decline: %v", err)
		}
		if ok := must(e.svc.RevealedTo(context.Background(), company, cand)).get(t); ok {
			t.Fatal("declining revealed the candidate")
		}
		seen := must(e.svc.GetInvitation(memberCtx, d.ID)).get(t)
		if seen.CandidateID != "" || seen.Status != application.InvitationDeclined {
			t.Fatalf("company reads %+v", seen)
		}
	})

	t.Run("accept", func(t *testing.T) {
		if _, err := e.svc.AcceptInvitation(cand2Ctx, inv.ID, ""); code(err) != passerelle.ENOTFOUND {
			t.Fatalf("another candidate accepted: %v", err)
		}
		a := must(e.svc.AcceptInvitation(candCtx, inv.ID, "Avec plaisir.")).get(t)
		if a.ID != application.ID(cand, offer(1)) || a.InvitationID != inv.ID || a.Message != "Avec plaisir." || a.Status != application.StatusReceived {
			t.Fatalf("application = %+v", a)
		}
		if ok := must(e.svc.RevealedTo(context.Background(), company, cand)).get(t); !ok {
			t.Fatal("not revealed after acceptance")
		}
		if ok := must(e.svc.RevealedTo(context.Background(), otherCompany, cand)).get(t); ok {
			t.Fatal("revealed to another company")
		}
		seen := must(e.svc.GetInvitation(memberCtx, inv.ID)).get(t)
		if seen.CandidateID != cand || seen.Status != application.InvitationAccepted || seen.ApplicationID != a.ID {
			t.Fatalf("company reads %+v", seen)
		}
		again := must(e.svc.AcceptInvitation(candCtx, inv.ID, "autre")).get(t)
		if again.ID != a.ID || again.Message != "Avec plaisir." {
			t.Fatalf("accepting again = %+v", again)
		}
		if _, err := e.svc.DeclineInvitation(candCtx, inv.ID); key(err) != "error.application.invitation.answered" {
			t.Fatalf("decline after accept: %v", err)
		}
		list := must(e.svc.InvitationsForOffer(memberCtx, offer(1), application.PageRequest{})).get(t)
		if list.Total != 1 || list.Items[0].CandidateID != cand {
			t.Fatalf("offer invitations = %+v", list)
		}
		if _, err := e.svc.InvitationsForOffer(outsiderCtx, offer(1), application.PageRequest{}); code(err) != passerelle.EFORBIDDEN {
			t.Fatalf("outsider lists invitations: %v", err)
		}
		mine := must(e.svc.InvitationsForCandidate(candCtx, cand, application.PageRequest{})).get(t)
		if mine.Total != 2 {
			t.Fatalf("candidate's invitations = %+v", mine)
		}
		// Withdrawing ends what the company may see.
		must(e.svc.Withdraw(candCtx, a.ID, "")).get(t)
		if ok := must(e.svc.RevealedTo(context.Background(), company, cand)).get(t); ok {
			t.Fatal("still revealed after withdrawal")
		}
	})

	t.Run("resumes after a half-done accept", func(t *testing.T) {
		r := must(e.svc.Invite(memberCtx, application.InviteInput{OfferID: offer(5), CandidateID: cand2})).get(t)
		// The first write of an accept landed, the second did not.
		half := application.Application{ID: application.ID(cand2, offer(5)), CandidateID: cand2, OfferID: offer(5), CompanyID: company,
			Status: application.StatusReceived, InvitationID: r.ID, AppliedBy: application.Actor{UserID: cand2, Role: auth.RoleCandidate},
			History: []application.Transition{{To: application.StatusReceived, By: cand2, Role: auth.RoleCandidate, At: start}}, CreatedAt: start, UpdatedAt: start}
		must(e.repo.CreateApplication(context.Background(), half)).get(t)
		a := must(e.svc.AcceptInvitation(cand2Ctx, r.ID, "")).get(t)
		if a.ID != half.ID {
			t.Fatalf("application = %+v", a)
		}
		if got := must(e.svc.GetInvitation(cand2Ctx, r.ID)).get(t); got.Status != application.InvitationAccepted || got.ApplicationID != half.ID {
			t.Fatalf("invitation = %+v", got)
		}
	})

	t.Run("offer closed before the answer", func(t *testing.T) {
		r := must(e.svc.Invite(memberCtx, application.InviteInput{OfferID: offer(6), CandidateID: cand2})).get(t)
		e.offers.put(application.OfferInfo{ID: offer(6), CompanyID: company, Title: "Offre 6"})
		_, err := e.svc.AcceptInvitation(cand2Ctx, r.ID, "")
		wantErr(t, err, passerelle.ECONFLICT, "error.application.offer_closed")
		if got := must(e.svc.GetInvitation(cand2Ctx, r.ID)).get(t); got.Status != application.InvitationPending {
			t.Fatalf("invitation = %+v", got)
		}
	})
}

func TestEndorsement(t *testing.T) {
	e := newEnv(t)
	in := application.ReviewInput{CandidateID: cand, OfferID: offer(1), Decision: application.DecisionEndorsed, Note: "Immersion réussie en février."}
	for _, tt := range []struct {
		name string
		ctx  context.Context
		in   application.ReviewInput
		code string
		key  string
	}{
		{"employer", memberCtx, in, passerelle.EFORBIDDEN, "error.application.endorsement.advisers_only"},
		{"candidate", candCtx, in, passerelle.EFORBIDDEN, "error.application.endorsement.advisers_only"},
		{"admin", adminCtx, in, passerelle.EFORBIDDEN, "error.application.endorsement.advisers_only"},
		{"anonymous", anonCtx, in, passerelle.EUNAUTHORIZED, "error.unauthorized"},
		{"adviser outside the caseload", otherAdviserCtx, in, passerelle.ENOTFOUND, "error.application.candidate_not_found"},
		{"unknown candidate", adviserCtx, application.ReviewInput{CandidateID: hexID(0xbad), OfferID: offer(1), Decision: application.DecisionEndorsed}, passerelle.ENOTFOUND, "error.application.candidate_not_found"},
		{"closed offer", adviserCtx, application.ReviewInput{CandidateID: cand, OfferID: closedOffer, Decision: application.DecisionEndorsed}, passerelle.ECONFLICT, "error.application.offer_closed"},
		{"bad decision", adviserCtx, application.ReviewInput{CandidateID: cand, OfferID: offer(1), Decision: "maybe"}, passerelle.EINVALID, "error.invalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Review(tt.ctx, tt.in)
			wantErr(t, err, tt.code, tt.key)
		})
	}
	got := must(e.svc.Review(adviserCtx, in)).get(t)
	if got.ID != application.EndorsementID(cand, offer(1), adviserOrg) || got.CompanyID != company || got.By != hexID(0xad0) || got.Note != in.Note {
		t.Fatalf("endorsement = %+v", got)
	}
	// A hidden candidate of the caseload can be reviewed too.
	must(e.svc.Review(adviserCtx, application.ReviewInput{CandidateID: hidden, OfferID: offer(1), Decision: application.DecisionRejected, Note: "Pas encore."})).get(t)

	recs := must(e.svc.Recommendations(memberCtx, offer(1))).get(t)
	if len(recs) != 1 || recs[0].CandidateID != cand || recs[0].Note != in.Note {
		t.Fatalf("recommendations = %+v", recs)
	}
	if _, err := e.svc.Recommendations(outsiderCtx, offer(1)); code(err) != passerelle.EFORBIDDEN {
		t.Fatalf("outsider reads recommendations: %v", err)
	}
	// A later decision replaces the earlier one.
	e.now = e.now.Add(time.Hour)
	must(e.svc.Review(adviserCtx, application.ReviewInput{CandidateID: cand, OfferID: offer(1), Decision: application.DecisionRejected})).get(t)
	if recs := must(e.svc.Recommendations(memberCtx, offer(1))).get(t); len(recs) != 0 {
		t.Fatalf("recommendations after rejection = %+v", recs)
	}
	revs := must(e.svc.Reviews(candCtx, cand)).get(t)
	if len(revs) != 1 || revs[0].Decision != application.DecisionRejected {
		t.Fatalf("candidate's reviews = %+v", revs)
	}
	if _, err := e.svc.Reviews(memberCtx, cand); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("employer reads reviews: %v", err)
	}
	changed := must(e.svc.ChangedReviews(context.Background(), 0, 10)).get(t)
	if len(changed) != 2 {
		t.Fatalf("changed reviews = %+v", changed)
	}
	if _, err := e.svc.ChangedReviews(memberCtx, 0, 10); code(err) != passerelle.EFORBIDDEN {
		t.Fatalf("employer catches up: %v", err)
	}
}

func TestTalentPool(t *testing.T) {
	e := newEnv(t)
	p := must(e.svc.AskToPool(memberCtx, application.PoolInput{CandidateID: cand, Pseudonym: "Profil 7F3A9C", Note: "Junior prometteuse"})).get(t)
	if p.Status != application.PoolPending || p.CandidateID != "" || p.Note != "Junior prometteuse" {
		t.Fatalf("entry as the company reads it = %+v", p)
	}
	if ok := must(e.svc.RevealedTo(context.Background(), company, cand)).get(t); ok {
		t.Fatal("a pending pool entry revealed the candidate")
	}
	_, err := e.svc.AskToPool(member2Ctx, application.PoolInput{CandidateID: cand})
	wantErr(t, err, passerelle.ECONFLICT, "error.application.pool.exists")
	_, err = e.svc.AskToPool(memberCtx, application.PoolInput{CandidateID: hidden})
	wantErr(t, err, passerelle.ENOTFOUND, "error.application.candidate_not_found")
	_, err = e.svc.AskToPool(adviserCtx, application.PoolInput{CandidateID: cand})
	wantErr(t, err, passerelle.EFORBIDDEN, "error.application.company_only")

	pool := must(e.svc.Pool(memberCtx, company, application.PageRequest{})).get(t)
	if pool.Total != 1 || pool.Items[0].CandidateID != "" {
		t.Fatalf("pool = %+v", pool)
	}
	for name, ctx := range map[string]context.Context{"other company": outsiderCtx, "candidate": candCtx, "adviser": adviserCtx} {
		if _, err := e.svc.Pool(ctx, company, application.PageRequest{}); code(err) != passerelle.EFORBIDDEN {
			t.Errorf("%s reads the pool: %v", name, err)
		}
	}
	mine := must(e.svc.PoolsOf(candCtx, cand)).get(t)
	if len(mine) != 1 || mine[0].Note != "" || mine[0].CompanyID != company {
		t.Fatalf("candidate's pools = %+v", mine)
	}

	if _, err := e.svc.AnswerPool(cand2Ctx, p.ID, true); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("another candidate answered: %v", err)
	}
	if _, err := e.svc.AnswerPool(memberCtx, p.ID, true); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("the company answered for the candidate: %v", err)
	}
	got := must(e.svc.AnswerPool(candCtx, p.ID, true)).get(t)
	if got.Status != application.PoolActive || got.Note != "" {
		t.Fatalf("accepted = %+v", got)
	}
	if ok := must(e.svc.RevealedTo(context.Background(), company, cand)).get(t); !ok {
		t.Fatal("an active pool entry does not reveal the candidate")
	}
	if pool := must(e.svc.Pool(memberCtx, company, application.PageRequest{})).get(t); pool.Items[0].CandidateID != cand {
		t.Fatalf("pool after consent = %+v", pool)
	}
	if _, err := e.svc.AnswerPool(candCtx, p.ID, false); key(err) != "error.application.pool.answered" {
		t.Fatalf("declining after accepting: %v", err)
	}

	// Leaving withdraws consent for good.
	left := must(e.svc.LeavePool(candCtx, p.ID)).get(t)
	if left.Status != application.PoolDeclined {
		t.Fatalf("left = %+v", left)
	}
	if ok := must(e.svc.RevealedTo(context.Background(), company, cand)).get(t); ok {
		t.Fatal("still revealed after leaving the pool")
	}
	_, err = e.svc.AskToPool(memberCtx, application.PoolInput{CandidateID: cand})
	wantErr(t, err, passerelle.ECONFLICT, "error.application.pool.declined")
	wantErr(t, e.svc.RemoveFromPool(memberCtx, p.ID), passerelle.ECONFLICT, "error.application.pool.declined")

	// A company removes a pending entry; an applicant who is not
	// discoverable may still be asked, the company knows them.
	must(e.svc.Apply(hiddenCtx, application.ApplyInput{OfferID: offer(1)})).get(t)
	h := must(e.svc.AskToPool(memberCtx, application.PoolInput{CandidateID: hidden})).get(t)
	if err := e.svc.RemoveFromPool(outsiderCtx, h.ID); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("outsider removed an entry: %v", err)
	}
	if err := e.svc.RemoveFromPool(memberCtx, h.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.repo.PoolEntry(context.Background(), h.ID); code(err) != passerelle.ENOTFOUND {
		t.Fatalf("entry after removal: %v", err)
	}
	kinds := e.events.kinds()
	for _, k := range []application.EventKind{application.EventPoolRequested, application.EventPoolAnswered} {
		if !slices.Contains(kinds, k) {
			t.Errorf("no %s event in %v", k, kinds)
		}
	}
}
