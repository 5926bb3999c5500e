package application_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/application/applicationdb"
	"passerelle/internal/auth"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func hexID(n int) string { return fmt.Sprintf("%024x", n) }

var (
	company      = hexID(0xc01)
	otherCompany = hexID(0xc02)
	recruiter    = hexID(0xe01)
	adviserOrg   = hexID(0xad1)
	otherOrg     = hexID(0xad2)
	cand         = hexID(0xca1)
	cand2        = hexID(0xca2)
	hidden       = hexID(0xca9) // a candidate who is not discoverable
)

func as(role auth.Role, user, org string) context.Context {
	return auth.NewContext(context.Background(), auth.Identity{UserID: user, Role: role, OrgID: org, SessionID: "s"})
}

var (
	memberCtx       = as(auth.RoleEmployer, recruiter, company)
	member2Ctx      = as(auth.RoleEmployer, hexID(0xe03), company)
	outsiderCtx     = as(auth.RoleEmployer, hexID(0xe02), otherCompany)
	candCtx         = as(auth.RoleCandidate, cand, "")
	cand2Ctx        = as(auth.RoleCandidate, cand2, "")
	hiddenCtx       = as(auth.RoleCandidate, hidden, "")
	adviserCtx      = as(auth.RoleAdviser, hexID(0xad0), adviserOrg)
	otherAdviserCtx = as(auth.RoleAdviser, hexID(0xad3), otherOrg)
	adminCtx        = as(auth.RoleAdmin, hexID(0xa0), "")
	anonCtx         = context.Background()
)

// fakeOffers is a hand-written application.Offers.
type fakeOffers struct {
	mu     sync.Mutex
	offers map[string]application.OfferInfo
}

func (f *fakeOffers) Offer(_ context.Context, id string) (application.OfferInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.offers[id]
	if !ok {
		return application.OfferInfo{}, passerelle.Errorf(passerelle.ENOTFOUND, "error.offer.not_found")
	}
	return o, nil
}

func (f *fakeOffers) put(o application.OfferInfo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.offers[o.ID] = o
}

// fakeCandidates is a hand-written application.Candidates.
type fakeCandidates struct {
	mu    sync.Mutex
	cands map[string]application.CandidateInfo
}

func (f *fakeCandidates) Candidate(_ context.Context, id string) (application.CandidateInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cands[id]
	if !ok {
		return application.CandidateInfo{}, passerelle.Errorf(passerelle.ENOTFOUND, "error.profile.not_found")
	}
	return c, nil
}

func (f *fakeCandidates) InCaseload(_ context.Context, orgID string, ids []string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []string{}
	for _, id := range ids {
		if c, ok := f.cands[id]; ok && slices.Contains(c.AdviserOrgs, orgID) {
			out = append(out, id)
		}
	}
	return out, nil
}

// events records what the service published.
type events struct {
	mu   sync.Mutex
	list []application.Event
}

func (e *events) Publish(_ context.Context, ev application.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
	return nil
}

func (e *events) kinds() []application.EventKind {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []application.EventKind
	for _, ev := range e.list {
		out = append(out, ev.Kind)
	}
	return out
}

// env is a service on a fresh database, with two published offers of
// company (offer(1), offer(2)…) created on demand, one closed offer, and
// candidates: cand and cand2 (discoverable, cand advised by adviserOrg) and
// hidden (not discoverable).
type env struct {
	svc    *application.Service
	repo   *applicationdb.Store
	offers *fakeOffers
	events *events
	now    time.Time
}

var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// closedOffer is an offer of company that takes no applications.
var closedOffer = hexID(0x0ff0)

func offer(n int) string { return hexID(0x0f00 + n) }

func newEnv(t *testing.T) *env {
	t.Helper()
	st := storetest.MustOpen(t)
	if err := applicationdb.EnsureIndexes(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	e := &env{repo: applicationdb.New(st), events: &events{}, now: start}
	e.offers = &fakeOffers{offers: map[string]application.OfferInfo{
		closedOffer: {ID: closedOffer, CompanyID: company, Title: "Ancienne offre"},
	}}
	for n := 1; n <= 60; n++ {
		e.offers.put(application.OfferInfo{ID: offer(n), CompanyID: company, Title: fmt.Sprintf("Offre %d", n), Published: true})
	}
	cands := &fakeCandidates{cands: map[string]application.CandidateInfo{
		cand:   {ID: cand, AdviserOrgs: []string{adviserOrg}, Discoverable: true},
		cand2:  {ID: cand2, Discoverable: true},
		hidden: {ID: hidden, AdviserOrgs: []string{adviserOrg}},
	}}
	e.svc = application.NewService(e.repo, e.offers, cands, func() time.Time { return e.now }, application.WithEvents(e.events))
	return e
}

func code(err error) string { return passerelle.ErrorCode(err) }

func key(err error) string {
	var pe *passerelle.Error
	if errors.As(err, &pe) {
		return pe.Key
	}
	return ""
}

// outcome is a result and its error, for must(f()).get(t).
type outcome[T any] struct {
	v   T
	err error
}

// must holds a call's results until get checks them.
func must[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

// get returns the result, failing the test on an error.
func (o outcome[T]) get(t *testing.T) T {
	t.Helper()
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.v
}

// wantErr checks err's code (and key, when given).
func wantErr(t *testing.T, err error, wantCode string, wantKey ...string) {
	t.Helper()
	if code(err) != wantCode {
		t.Fatalf("error %v: code %q, want %q", err, code(err), wantCode)
	}
	if len(wantKey) > 0 && key(err) != wantKey[0] {
		t.Fatalf("error %v: key %q, want %q", err, key(err), wantKey[0])
	}
}
