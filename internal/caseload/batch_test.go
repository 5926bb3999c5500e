package caseload_test

import (
	"context"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/auth"
	"passerelle/internal/caseload"
)

// perCandidate reads candidateID's applications the way the dashboard used
// to, page by page through ForCandidate, as briefs.
func perCandidate(t *testing.T, apps *application.Service, ctx context.Context, candidateID string) ([]application.Brief, error) {
	t.Helper()
	var out []application.Brief
	for n := 1; ; n++ {
		pg, err := apps.ForCandidate(ctx, candidateID, application.PageRequest{Number: n, Size: 100})
		if err != nil {
			return nil, err
		}
		for _, a := range pg.Items {
			out = append(out, application.Brief{ID: a.ID, CandidateID: a.CandidateID, Status: a.Status, UpdatedAt: a.UpdatedAt})
		}
		if n*pg.Size >= pg.Total || len(pg.Items) == 0 {
			return out, nil
		}
	}
}

// TestForCaseloadEqualsForCandidate checks, on a random world, that the
// batched read of a caseload's applications returns what reading them
// candidate by candidate does, and nothing of candidates outside the
// caseload however the list is made up.
func TestForCaseloadEqualsForCandidate(t *testing.T) {
	e := newEnv(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 7))
	w := buildCaseload(t, e, r, 24, 6, func(int) int { return r.IntN(6) })

	// The adviser's list mixes the caseload with outsiders who have
	// applications, an unknown id, a malformed one and a duplicate.
	asked := slices.Concat(w.candidates, w.outsiders, []string{newID(), "not-an-id", w.candidates[0]})
	r.Shuffle(len(asked), func(i, j int) { asked[i], asked[j] = asked[j], asked[i] })
	got, err := e.apps.ForCaseload(w.adviser.ctx, asked)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(w.candidates) {
		t.Fatalf("ForCaseload returned %d candidates, want the %d of the caseload: %v", len(got), len(w.candidates), slices.Collect(maps.Keys(got)))
	}
	total := 0
	for _, id := range w.candidates {
		want, err := perCandidate(t, e.apps, w.adviser.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got[id], want, func(a, b application.Brief) bool { return a == b }) {
			t.Errorf("candidate %s:\n batched        %+v\n per candidate  %+v", id, got[id], want)
		}
		total += len(want)
	}
	if total == 0 {
		t.Fatal("the random world has no application: the comparison proves nothing")
	}
	for _, id := range w.outsiders {
		if _, ok := got[id]; ok {
			t.Errorf("outsider %s read through ForCaseload: %+v", id, got[id])
		}
		if _, err := e.apps.ForCandidate(w.adviser.ctx, id, application.PageRequest{}); passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
			t.Errorf("ForCandidate(outsider %s) = %v, want ENOTFOUND", id, err)
		}
	}

	// Another organisation's adviser reads nothing of this caseload.
	other := e.adviserOrg(t, "Autre mission locale")
	if got, err := e.apps.ForCaseload(other.ctx, w.candidates); err != nil || len(got) != 0 {
		t.Fatalf("another organisation's ForCaseload = %v, %v", got, err)
	}
	// Nobody else may ask.
	for _, ctx := range []context.Context{
		auth.NewContext(context.Background(), auth.Identity{UserID: w.candidates[0], Role: auth.RoleCandidate, SessionID: "s"}),
		auth.NewContext(context.Background(), auth.Identity{UserID: newID(), Role: auth.RoleEmployer, OrgID: newID(), SessionID: "s"}),
		auth.NewContext(context.Background(), auth.Identity{UserID: newID(), Role: auth.RoleAdmin, SessionID: "s"}),
	} {
		_, err := e.apps.ForCaseload(ctx, w.candidates)
		wantErr(t, err, passerelle.EFORBIDDEN, "error.application.advisers_only")
	}
	_, err = e.apps.ForCaseload(context.Background(), w.candidates)
	wantErr(t, err, passerelle.EUNAUTHORIZED, "")

	// The dashboard's rows are what the per-candidate reads give.
	d, err := e.svc.Dashboard(w.adviser.ctx, caseload.Filter{}, caseload.PageRequest{Size: 100})
	if err != nil || d.Total != len(w.candidates) || len(d.Rows) != len(w.candidates) {
		t.Fatalf("Dashboard = %d rows of %d, %v", len(d.Rows), d.Total, err)
	}
	outcomes := map[application.Status]int{}
	for _, row := range d.Rows {
		want, err := perCandidate(t, e.apps, w.adviser.ctx, row.CandidateID)
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.profiles.Get(w.adviser.ctx, row.CandidateID)
		if err != nil {
			t.Fatal(err)
		}
		counts, last := map[application.Status]int{}, p.UpdatedAt
		for _, a := range want {
			counts[a.Status]++
			outcomes[a.Status]++
			if a.UpdatedAt.After(last) {
				last = a.UpdatedAt
			}
		}
		if row.TotalApplications != len(want) || !maps.Equal(row.Applications, counts) || !row.LastActivity.Equal(last) {
			t.Errorf("row %s = %d %v %v, want %d %v %v", row.CandidateID, row.TotalApplications, row.Applications, row.LastActivity, len(want), counts, last)
		}
	}
	for _, o := range d.Outcomes {
		if o.Count != outcomes[o.Status] {
			t.Errorf("outcome %s = %d, want %d", o.Status, o.Count, outcomes[o.Status])
		}
	}
}
