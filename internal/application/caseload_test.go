package application_test

import (
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/application"
)

// TestForCaseload checks who reads a caseload's applications in one call:
// only advisers, and only of the candidates their organisation follows,
// whatever list they send.
func TestForCaseload(t *testing.T) {
	e := newEnv(t)
	a1 := must(e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(1)})).get(t)
	e.now = e.now.Add(time.Minute)
	a2 := must(e.svc.Apply(candCtx, application.ApplyInput{OfferID: offer(2)})).get(t)
	must(e.svc.Apply(cand2Ctx, application.ApplyInput{OfferID: offer(1)})).get(t)

	got := must(e.svc.ForCaseload(adviserCtx, []string{cand2, hidden, "not an id", cand, cand, hexID(0xdead)})).get(t)
	if len(got) != 2 || len(got[hidden]) != 0 || got[hidden] == nil {
		t.Fatalf("ForCaseload = %+v, want cand and hidden (no applications) only", got)
	}
	// Newest first, as ForCandidate lists them.
	want := must(e.svc.ForCandidate(adviserCtx, cand, application.PageRequest{})).get(t)
	if len(got[cand]) != 2 || len(want.Items) != 2 {
		t.Fatalf("cand's briefs = %+v", got[cand])
	}
	for i, b := range got[cand] {
		a := want.Items[i]
		if b != (application.Brief{ID: a.ID, CandidateID: cand, Status: a.Status, UpdatedAt: a.UpdatedAt}) {
			t.Fatalf("brief %d = %+v, want of %+v", i, b, a)
		}
	}
	if got[cand][0].ID != a2.ID || got[cand][1].ID != a1.ID {
		t.Fatalf("order = %+v", got[cand])
	}

	if got := must(e.svc.ForCaseload(otherAdviserCtx, []string{cand, cand2, hidden})).get(t); len(got) != 0 {
		t.Fatalf("another organisation reads %+v", got)
	}
	_, err := e.svc.ForCaseload(candCtx, []string{cand})
	wantErr(t, err, passerelle.EFORBIDDEN, "error.application.advisers_only")
	_, err = e.svc.ForCaseload(memberCtx, []string{cand})
	wantErr(t, err, passerelle.EFORBIDDEN, "error.application.advisers_only")
	_, err = e.svc.ForCaseload(adminCtx, []string{cand})
	wantErr(t, err, passerelle.EFORBIDDEN, "error.application.advisers_only")
	_, err = e.svc.ForCaseload(anonCtx, []string{cand})
	wantErr(t, err, passerelle.EUNAUTHORIZED)
}
