package offer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The built-in taxonomy and directory must satisfy the declared interfaces.
var (
	_ offer.Taxonomy = skill.Builtin()
	_ offer.Places   = place.Builtin()
)

func hexID(n int) string { return fmt.Sprintf("%024x", n) }

var (
	company      = hexID(0xc01)
	otherCompany = hexID(0xc02)
	recruiter    = hexID(0xe01)
	adviserOrg   = hexID(0xad1)
)

func as(role auth.Role, user, org string) context.Context {
	return auth.NewContext(context.Background(), auth.Identity{UserID: user, Role: role, OrgID: org, SessionID: "s"})
}

var (
	memberCtx   = as(auth.RoleEmployer, recruiter, company)
	outsiderCtx = as(auth.RoleEmployer, hexID(0xe02), otherCompany)
	candCtx     = as(auth.RoleCandidate, hexID(0xca1), "")
	adviserCtx  = as(auth.RoleAdviser, hexID(0xad0), adviserOrg)
	adminCtx    = as(auth.RoleAdmin, hexID(0xa0), "")
	anonCtx     = context.Background()
)

// clock is a settable test clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// communes is a directory with three communes of Nantes Métropole and
// Paris, for distance tests.
var communes = sync.OnceValue(func() *place.Directory {
	f, err := os.Open("testdata/communes.csv")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	d, err := place.Parse(f)
	if err != nil {
		panic(err)
	}
	return d
})

type env struct {
	svc   *offer.Service
	repo  *offerdb.Store
	st    *store.Store
	clock *clock
}

func newEnv(t *testing.T, opts ...offer.Option) env {
	t.Helper()
	st := storetest.MustOpen(t)
	if err := offerdb.EnsureIndexes(context.Background(), st); err != nil {
		t.Fatalf("EnsureIndexes: %v", err)
	}
	repo := offerdb.New(st)
	c := &clock{t: start}
	return env{svc: offer.NewService(repo, skill.Builtin(), communes(), c.now, opts...), repo: repo, st: st, clock: c}
}

// another returns a second service on the same store: another API instance.
func (e env) another(opts ...offer.Option) *offer.Service {
	return offer.NewService(e.repo, skill.Builtin(), communes(), e.clock.now, opts...)
}

func validInput() offer.OfferInput {
	return offer.OfferInput{
		Title:       "Développeur Go (H/F)",
		Rome:        "M1805",
		Description: "Vous rejoindrez l'équipe back-end de notre plateforme logistique.\nPostgreSQL, Docker.",
		Skills: []offer.SkillInput{
			{Code: "tag:go", MinLevel: 2, MustHave: true},
			{Code: "tag:sql", MinLevel: 2, MustHave: true, Learnable: true},
			{Code: "tag:docker", MinLevel: 1},
		},
		Contract:             contract.CDI,
		CommuneID:            "44109",
		Remote:               offer.RemoteHybrid,
		Salary:               offer.Salary{Min: 34000, Max: 42000},
		StartDate:            time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		OpenToCareerChangers: true,
	}
}

func create(t *testing.T, e env, in offer.OfferInput) offer.Offer {
	t.Helper()
	o, err := e.svc.Create(memberCtx, in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return o
}

func published(t *testing.T, e env, in offer.OfferInput) offer.Offer {
	t.Helper()
	o, err := e.svc.Publish(memberCtx, create(t, e, in).ID)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return o
}

func wantErr(t *testing.T, err error, code, key string) {
	t.Helper()
	var perr *passerelle.Error
	if !errors.As(err, &perr) {
		t.Fatalf("error = %v, want a *passerelle.Error %s %s", err, code, key)
	}
	if perr.Code != code || (key != "" && perr.Key != key) {
		t.Fatalf("error = %s %s (%v), want %s %s", perr.Code, perr.Key, err, code, key)
	}
}

func fields(t *testing.T, err error) map[string]passerelle.FieldError {
	t.Helper()
	var perr *passerelle.Error
	if !errors.As(err, &perr) || perr.Code != passerelle.EINVALID {
		t.Fatalf("error = %v, want EINVALID", err)
	}
	out := map[string]passerelle.FieldError{}
	for _, f := range perr.Fields {
		if _, dup := out[f.Field]; !dup {
			out[f.Field] = f
		}
	}
	return out
}

func ids(rs []offer.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Offer.ID)
	}
	return out
}

// contextCancelled returns a context already cancelled: a store call under
// it fails at once, as with an unreachable store.
func contextCancelled() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx, cancel
}
