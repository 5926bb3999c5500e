package caseload_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/account/accountdb"
	"passerelle/internal/application"
	"passerelle/internal/application/applicationdb"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/caseload"
	"passerelle/internal/caseload/caseloaddb"
	"passerelle/internal/matching"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// env is the caseload service on a fresh database with the real services
// it reads through, and a store of accounts to create people in.
type env struct {
	svc      *caseload.Service
	profiles *candidate.Service
	accounts *accountdb.Store
	repo     *caseloaddb.Store
	apps     *application.Service
	offers   *offer.Service
	st       *store.Store
}

var seq atomic.Int64

// newID returns an account-shaped id (24 hex digits).
func newID() string {
	var b [12]byte
	n := seq.Add(1)
	for i := range 8 {
		b[11-i] = byte(n >> (8 * i))
	}
	b[0] = 0x65
	return hex.EncodeToString(b[:])
}

func newEnv(t testing.TB) env {
	t.Helper()
	st := storetest.MustOpen(t)
	ctx := context.Background()
	for _, f := range []func(context.Context, *store.Store) error{accountdb.EnsureIndexes, candidatedb.EnsureIndexes,
		offerdb.EnsureIndexes, applicationdb.EnsureIndexes, caseloaddb.EnsureIndexes, caseloaddb.EnsureIndexes} {
		if err := f(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	tax, places := skill.Builtin(), place.Builtin()
	hook := &matching.Hook{}
	profiles := candidate.NewService(candidatedb.New(st), tax, places, time.Now, candidate.WithObserver(hook.Profile))
	offers := offer.NewService(offerdb.New(st), tax, places, time.Now, offer.WithRefresh(0), offer.WithObserver(hook.Offer))
	matches, err := matching.New(matching.Config{Profiles: profiles, Offers: offers, Taxonomy: tax, Key: []byte("pseudonym-key-for-tests-0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	hook.Attach(matches)
	mctx, stop := context.WithCancel(ctx)
	t.Cleanup(func() { stop(); matches.Close() })
	if err := matches.Start(mctx); err != nil {
		t.Fatal(err)
	}
	apps := application.NewService(applicationdb.New(st), appOffers{offers}, appCandidates{profiles, candidatedb.New(st)}, time.Now)
	accounts := accountdb.New(st)
	repo := caseloaddb.New(st)
	a := caseload.Accounts{Store: accounts}
	svc := caseload.NewService(repo, profiles, a, a, apps, caseload.BestMatch{Ranker: matches}, time.Now)
	return env{svc: svc, profiles: profiles, accounts: accounts, repo: repo, apps: apps, offers: offers, st: st}
}

// appOffers and appCandidates read for the application service with the
// caller's rights, as the wiring's adapters do.
type appOffers struct{ s *offer.Service }

func (a appOffers) Offer(ctx context.Context, id string) (application.OfferInfo, error) {
	o, err := a.s.Get(ctx, id)
	if err != nil {
		return application.OfferInfo{}, err
	}
	return application.OfferInfo{ID: o.ID, CompanyID: o.CompanyID, Title: o.Title, Published: o.Status == offer.StatusPublished}, nil
}

type appCandidates struct {
	s     *candidate.Service
	store *candidatedb.Store
}

func (a appCandidates) Candidate(ctx context.Context, id string) (application.CandidateInfo, error) {
	p, err := a.s.Get(ctx, id)
	if err != nil {
		return application.CandidateInfo{}, err
	}
	return application.CandidateInfo{ID: p.ID, AdviserOrgs: p.AdviserOrgs}, nil
}

func (a appCandidates) InCaseload(ctx context.Context, orgID string, ids []string) ([]string, error) {
	return a.store.CaseloadMembers(ctx, orgID, ids)
}

// person is someone with an account, and the context they act in.
type person struct {
	account.User
	ctx context.Context
}

func (e env) user(t testing.TB, role auth.Role, email, name, orgID string, verified bool) person {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	u, err := e.accounts.CreateUser(context.Background(), account.User{ID: newID(), Email: email, Name: name, Role: role, OrgID: orgID,
		PasswordHash: "x", Verified: verified, Lang: "fr", CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	return person{User: u, ctx: auth.NewContext(context.Background(), u.Identity("s"))}
}

func (e env) candidate(t *testing.T, email string) person {
	t.Helper()
	return e.user(t, auth.RoleCandidate, email, "Awa "+email, "", true)
}

// adviserOrg creates an adviser organisation and one adviser of it.
func (e env) adviserOrg(t testing.TB, name string) person {
	t.Helper()
	now := time.Now().UTC()
	o, err := e.accounts.CreateOrganisation(context.Background(), account.Organisation{ID: newID(), Kind: account.KindAdviser,
		Name: name, City: "Nantes", AdviserType: "public_employment", CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	return e.user(t, auth.RoleAdviser, fmt.Sprintf("adviser-%s@ml.fr", o.ID), "Conseil "+name, o.ID, true)
}

func wantErr(t *testing.T, err error, code, key string) {
	t.Helper()
	var perr *passerelle.Error
	if passerelle.ErrorCode(err) != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
	if key != "" && (!asErr(err, &perr) || perr.Key != key) {
		t.Fatalf("err = %v, want key %s", err, key)
	}
}

func asErr(err error, target **passerelle.Error) bool {
	for err != nil {
		if p, ok := err.(*passerelle.Error); ok {
			*target = p
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// sees reports whether adviser a may read candidate c's profile.
func (e env) sees(t *testing.T, a, c person) bool {
	t.Helper()
	_, err := e.profiles.Get(a.ctx, c.ID)
	switch passerelle.ErrorCode(err) {
	case "":
		return true
	case passerelle.ENOTFOUND:
		return false
	}
	t.Fatalf("Get: %v", err)
	return false
}

func TestInviteThenAcceptLinks(t *testing.T) {
	e := newEnv(t)
	adv := e.adviserOrg(t, "Mission locale")
	other := e.adviserOrg(t, "Cap emploi")
	cand := e.candidate(t, "awa@example.fr")
	stranger := e.candidate(t, "zoe@example.fr")

	// The answer is the same for an address with or without an account.
	for _, email := range []string{" Awa@Example.fr ", "nobody@example.fr"} {
		inv, err := e.svc.Invite(adv.ctx, email)
		if err != nil || inv.Status != caseload.Pending || inv.OrgID != adv.OrgID {
			t.Fatalf("Invite(%q) = %+v, %v", email, inv, err)
		}
	}
	_, err := e.svc.Invite(adv.ctx, "awa@example.fr")
	wantErr(t, err, passerelle.ECONFLICT, "error.caseload.already_invited")
	_, err = e.svc.Invite(adv.ctx, "not an address")
	wantErr(t, err, passerelle.EINVALID, "")
	_, err = e.svc.Invite(cand.ctx, "x@example.fr")
	wantErr(t, err, passerelle.EFORBIDDEN, "error.caseload.advisers_only")

	mine, err := e.svc.MyInvitations(cand.ctx)
	if err != nil || len(mine) != 1 || mine[0].Email != "awa@example.fr" {
		t.Fatalf("MyInvitations = %+v, %v", mine, err)
	}
	id := mine[0].ID
	if got, _ := e.svc.MyInvitations(stranger.ctx); len(got) != 0 {
		t.Fatalf("another candidate sees %+v", got)
	}
	// Only the candidate the invitation was sent to may answer it.
	_, err = e.svc.AcceptInvitation(stranger.ctx, id)
	wantErr(t, err, passerelle.ENOTFOUND, "error.caseload.invitation_not_found")
	_, err = e.svc.AcceptInvitation(other.ctx, id)
	wantErr(t, err, passerelle.EFORBIDDEN, "")
	if e.sees(t, adv, cand) {
		t.Fatal("the adviser sees the candidate before acceptance")
	}

	// The candidate has no profile yet: accepting creates it.
	inv, err := e.svc.AcceptInvitation(cand.ctx, id)
	if err != nil || inv.Status != caseload.Accepted || inv.CandidateID != cand.ID {
		t.Fatalf("AcceptInvitation = %+v, %v", inv, err)
	}
	if !e.sees(t, adv, cand) || e.sees(t, other, cand) {
		t.Fatal("after acceptance, the adviser must see the candidate and only that organisation")
	}
	// A retry finishes the job without error; a decline after it is refused.
	if _, err := e.svc.AcceptInvitation(cand.ctx, id); err != nil {
		t.Fatalf("accepting twice: %v", err)
	}
	_, err = e.svc.DeclineInvitation(cand.ctx, id)
	wantErr(t, err, passerelle.ECONFLICT, "error.caseload.answered")

	links, err := e.svc.MyLinks(cand.ctx)
	if err != nil || len(links) != 1 || links[0].Org.Name != "Mission locale" || links[0].Via != caseload.ViaInvitation || links[0].Since.IsZero() {
		t.Fatalf("MyLinks = %+v, %v", links, err)
	}
	if got, _ := e.svc.MyInvitations(cand.ctx); len(got) != 0 {
		t.Fatalf("answered invitations still pending: %+v", got)
	}
}

func TestUnverifiedEmailSeesNoInvitation(t *testing.T) {
	e := newEnv(t)
	adv := e.adviserOrg(t, "Mission locale")
	cand := e.user(t, auth.RoleCandidate, "new@example.fr", "Léa", "", false)
	inv, err := e.svc.Invite(adv.ctx, "new@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.svc.MyInvitations(cand.ctx); err != nil || len(got) != 0 {
		t.Fatalf("unverified address sees %+v, %v", got, err)
	}
	_, err = e.svc.AcceptInvitation(cand.ctx, inv.ID)
	wantErr(t, err, passerelle.ENOTFOUND, "error.caseload.invitation_not_found")
}

func TestDeclineLinksNothing(t *testing.T) {
	e := newEnv(t)
	adv := e.adviserOrg(t, "Mission locale")
	cand := e.candidate(t, "awa@example.fr")
	inv, err := e.svc.Invite(adv.ctx, cand.Email)
	if err != nil {
		t.Fatal(err)
	}
	if inv, err = e.svc.DeclineInvitation(cand.ctx, inv.ID); err != nil || inv.Status != caseload.Declined {
		t.Fatalf("DeclineInvitation = %+v, %v", inv, err)
	}
	_, err = e.svc.AcceptInvitation(cand.ctx, inv.ID)
	wantErr(t, err, passerelle.ECONFLICT, "error.caseload.answered")

	r, err := e.svc.RequestLink(cand.ctx, adv.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = e.svc.DeclineRequest(adv.ctx, r.ID); err != nil || r.Status != caseload.Declined {
		t.Fatalf("DeclineRequest = %+v, %v", r, err)
	}
	_, err = e.svc.AcceptRequest(adv.ctx, r.ID)
	wantErr(t, err, passerelle.ECONFLICT, "error.caseload.answered")
	if e.sees(t, adv, cand) {
		t.Fatal("declines linked the candidate")
	}
	if links, _ := e.svc.MyLinks(cand.ctx); len(links) != 0 {
		t.Fatalf("MyLinks after declines = %+v", links)
	}
	// Inviting again after a decline opens a new invitation.
	if inv, err := e.svc.Invite(adv.ctx, cand.Email); err != nil || inv.Status != caseload.Pending {
		t.Fatalf("invite again: %+v %v", inv, err)
	}
}

func TestRequestThenAdviserAcceptsLinks(t *testing.T) {
	e := newEnv(t)
	adv := e.adviserOrg(t, "Mission locale")
	colleague := e.user(t, auth.RoleAdviser, "colleague@ml.fr", "Collègue", adv.OrgID, true)
	other := e.adviserOrg(t, "Cap emploi")
	cand := e.candidate(t, "awa@example.fr")

	orgs, err := e.svc.Organisations(cand.ctx)
	if err != nil || len(orgs) != 2 || orgs[0].Name != "Cap emploi" {
		t.Fatalf("Organisations = %+v, %v", orgs, err)
	}
	_, err = e.svc.RequestLink(cand.ctx, newID())
	wantErr(t, err, passerelle.EINVALID, "")
	_, err = e.svc.RequestLink(adv.ctx, adv.OrgID)
	wantErr(t, err, passerelle.EFORBIDDEN, "error.caseload.candidates_only")

	r, err := e.svc.RequestLink(cand.ctx, adv.OrgID)
	if err != nil || r.Status != caseload.Pending || r.CandidateName == "" {
		t.Fatalf("RequestLink = %+v, %v", r, err)
	}
	_, err = e.svc.RequestLink(cand.ctx, adv.OrgID)
	wantErr(t, err, passerelle.ECONFLICT, "error.caseload.request_pending")

	// Another organisation's adviser neither sees nor answers it.
	if got, _ := e.svc.OrgRequests(other.ctx); len(got) != 0 {
		t.Fatalf("other organisation sees %+v", got)
	}
	_, err = e.svc.AcceptRequest(other.ctx, r.ID)
	wantErr(t, err, passerelle.ENOTFOUND, "error.caseload.request_not_found")
	_, err = e.svc.DeclineRequest(other.ctx, r.ID)
	wantErr(t, err, passerelle.ENOTFOUND, "error.caseload.request_not_found")
	_, err = e.svc.AcceptRequest(cand.ctx, r.ID)
	wantErr(t, err, passerelle.EFORBIDDEN, "")
	if e.sees(t, other, cand) || e.sees(t, adv, cand) {
		t.Fatal("linked before any adviser accepted")
	}

	got, err := e.svc.OrgRequests(colleague.ctx)
	if err != nil || len(got) != 1 || got[0].ID != r.ID {
		t.Fatalf("OrgRequests = %+v, %v", got, err)
	}
	if r, err = e.svc.AcceptRequest(colleague.ctx, r.ID); err != nil || r.Status != caseload.Accepted || r.AnsweredBy != colleague.ID {
		t.Fatalf("AcceptRequest = %+v, %v", r, err)
	}
	if !e.sees(t, adv, cand) || e.sees(t, other, cand) {
		t.Fatal("after acceptance, the organisation's advisers must see the candidate, and only they")
	}
	_, err = e.svc.AcceptRequest(adv.ctx, r.ID)
	wantErr(t, err, passerelle.ECONFLICT, "error.caseload.answered")
	_, err = e.svc.RequestLink(cand.ctx, adv.OrgID)
	wantErr(t, err, passerelle.ECONFLICT, "error.caseload.already_linked")
	mine, err := e.svc.MyRequests(cand.ctx)
	if err != nil || len(mine) != 1 || mine[0].Status != caseload.Accepted {
		t.Fatalf("MyRequests = %+v, %v", mine, err)
	}
}

func TestCandidateEndsLink(t *testing.T) {
	e := newEnv(t)
	adv := e.adviserOrg(t, "Mission locale")
	cand := e.candidate(t, "awa@example.fr")
	r, err := e.svc.RequestLink(cand.ctx, adv.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AcceptRequest(adv.ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	d, err := e.svc.Dashboard(adv.ctx, caseload.Filter{}, caseload.PageRequest{})
	if err != nil || d.Total != 1 || d.Rows[0].CandidateID != cand.ID {
		t.Fatalf("Dashboard before the end = %+v, %v", d, err)
	}

	err = e.svc.EndLink(adv.ctx, adv.OrgID)
	wantErr(t, err, passerelle.EFORBIDDEN, "")
	if err := e.svc.EndLink(cand.ctx, adv.OrgID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.profiles.Get(adv.ctx, cand.ID); passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
		t.Fatalf("adviser reads the profile after the end: %v", err)
	}
	err = e.svc.EndLink(cand.ctx, adv.OrgID)
	wantErr(t, err, passerelle.ENOTFOUND, "error.caseload.not_linked")
	if d, err := e.svc.Dashboard(adv.ctx, caseload.Filter{}, caseload.PageRequest{}); err != nil || d.Total != 0 || d.CaseloadSize != 0 {
		t.Fatalf("Dashboard after the end = %+v, %v", d, err)
	}
	// The end is recorded; the old request cannot bring the link back.
	records, err := e.repo.CandidateLinks(context.Background(), cand.ID, 10)
	if err != nil || len(records) != 1 || records[0].EndedAt.IsZero() || records[0].EndedBy != cand.ID || records[0].Via != caseload.ViaRequest {
		t.Fatalf("link records = %+v, %v", records, err)
	}
	_, err = e.svc.AcceptRequest(adv.ctx, r.ID)
	wantErr(t, err, passerelle.ECONFLICT, "error.caseload.answered")
	if links, _ := e.svc.MyLinks(cand.ctx); len(links) != 0 {
		t.Fatalf("MyLinks after the end = %+v", links)
	}
	// A new request starts again.
	if r, err := e.svc.RequestLink(cand.ctx, adv.OrgID); err != nil || r.Status != caseload.Pending {
		t.Fatalf("request again: %+v %v", r, err)
	}
}

func TestDashboardFiltersAndPages(t *testing.T) {
	e := newEnv(t)
	adv := e.adviserOrg(t, "Mission locale")
	var names []string
	for i, n := range []string{"Zoé Bernard", "Awa Diallo", "Léo Martin"} {
		c := e.candidate(t, fmt.Sprintf("c%d@example.fr", i))
		if _, err := e.profiles.Mine(c.ctx, n); err != nil {
			t.Fatal(err)
		}
		if _, err := e.profiles.LinkAdviser(c.ctx, c.ID, adv.OrgID); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	slices.Sort(names)
	rowNames := func(d caseload.Dashboard) []string {
		var out []string
		for _, r := range d.Rows {
			out = append(out, r.Name)
		}
		return out
	}
	d, err := e.svc.Dashboard(adv.ctx, caseload.Filter{}, caseload.PageRequest{Size: 2})
	if err != nil || d.Total != 3 || d.Pages() != 2 || !slices.Equal(rowNames(d), names[:2]) {
		t.Fatalf("first page = %v (total %d), %v", rowNames(d), d.Total, err)
	}
	if len(d.Outcomes) != len(application.Statuses()) || d.Rows[0].TotalApplications != 0 || d.Rows[0].Inactive {
		t.Fatalf("outcomes %+v, row %+v", d.Outcomes, d.Rows[0])
	}
	d, _ = e.svc.Dashboard(adv.ctx, caseload.Filter{}, caseload.PageRequest{Number: 2, Size: 2})
	if !slices.Equal(rowNames(d), names[2:]) {
		t.Fatalf("second page = %v", rowNames(d))
	}
	d, _ = e.svc.Dashboard(adv.ctx, caseload.Filter{Text: "  diallo "}, caseload.PageRequest{})
	if !slices.Equal(rowNames(d), []string{"Awa Diallo"}) {
		t.Fatalf("text filter = %v", rowNames(d))
	}
	d, _ = e.svc.Dashboard(adv.ctx, caseload.Filter{NoApplication: true}, caseload.PageRequest{})
	if d.Total != 3 {
		t.Fatalf("no application yet = %d, want 3", d.Total)
	}
	for _, f := range []caseload.Filter{{Inactive: true}, {Status: application.StatusHired}} {
		if d, _ := e.svc.Dashboard(adv.ctx, f, caseload.PageRequest{}); d.Total != 0 || d.CaseloadSize != 3 {
			t.Fatalf("filter %+v = %d of %d, want 0 of 3", f, d.Total, d.CaseloadSize)
		}
	}
	_, err = e.svc.Dashboard(adv.ctx, caseload.Filter{Status: "nonsense"}, caseload.PageRequest{})
	wantErr(t, err, passerelle.EINVALID, "")
	cand := e.candidate(t, "x@example.fr")
	_, err = e.svc.Dashboard(cand.ctx, caseload.Filter{}, caseload.PageRequest{})
	wantErr(t, err, passerelle.EFORBIDDEN, "error.caseload.advisers_only")
	other := e.adviserOrg(t, "Cap emploi")
	if d, err := e.svc.Dashboard(other.ctx, caseload.Filter{}, caseload.PageRequest{}); err != nil || d.CaseloadSize != 0 {
		t.Fatalf("another organisation's dashboard = %+v, %v", d, err)
	}
}
