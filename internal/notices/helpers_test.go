package notices_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/account/accountdb"
	"passerelle/internal/application"
	"passerelle/internal/application/applicationdb"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/contract"
	"passerelle/internal/i18n"
	"passerelle/internal/matching"
	"passerelle/internal/notices"
	"passerelle/internal/notices/noticesdb"
	"passerelle/internal/notify"
	"passerelle/internal/notify/notifydb"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
	"passerelle/web"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// env is the real services on a fresh database: accounts, profiles,
// offers and the matching index, notifications, and the application
// workflow publishing through a Workflow that can be made to fail.
type env struct {
	st       *store.Store
	accounts *accountdb.Store
	profiles *candidate.Service
	offers   *offer.Service
	matches  *matching.Service
	notes    *notify.Service
	workflow notices.Workflow
	events   *flaky
	apps     *application.Service
	jobs     *noticesdb.Store

	mu  sync.Mutex
	now time.Time // the clock of offers, notifications and the digest
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// advance moves the clock of offers, notifications and the digest by d.
func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

// flaky is the Workflow behind a switch: while down, Publish fails as it
// does when the store cannot be reached, having told nobody.
type flaky struct {
	w    application.Events
	down atomic.Bool
}

func (f *flaky) Publish(ctx context.Context, e application.Event) error {
	if f.down.Load() {
		return passerelle.Errorf(passerelle.EUNAVAILABLE, "error.unavailable")
	}
	return f.w.Publish(ctx, e)
}

var unsubscribeKey = []byte("unsubscribe-key-for-notices-tests-0123456789")

func newEnv(t testing.TB) *env {
	t.Helper()
	st := storetest.MustOpen(t)
	ctx := context.Background()
	for _, f := range []func(context.Context, *store.Store) error{accountdb.EnsureIndexes, candidatedb.EnsureIndexes,
		offerdb.EnsureIndexes, applicationdb.EnsureIndexes, applicationdb.EnsureRevisionIndexes, notifydb.EnsureIndexes, noticesdb.EnsureIndexes} {
		if err := f(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	catalog, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, accounts: accountdb.New(st), jobs: noticesdb.New(st), now: time.Now()}
	tax, places := skill.Builtin(), place.Builtin()
	hook := &matching.Hook{}
	e.profiles = candidate.NewService(candidatedb.New(st), tax, places, time.Now, candidate.WithObserver(hook.Profile))
	e.offers = offer.NewService(offerdb.New(st), tax, places, e.clock, offer.WithRefresh(0), offer.WithObserver(hook.Offer))
	if e.matches, err = matching.New(matching.Config{Profiles: e.profiles, Offers: e.offers, Taxonomy: tax,
		Key: []byte("pseudonym-key-for-tests-0123456789abcdef")}); err != nil {
		t.Fatal(err)
	}
	hook.Attach(e.matches)
	mctx, stop := context.WithCancel(ctx)
	t.Cleanup(func() { stop(); e.matches.Close() })
	if err := e.matches.Start(mctx); err != nil {
		t.Fatal(err)
	}
	if e.notes, err = notify.NewService(notifydb.New(st), notify.Options{Messages: catalog, BaseURL: "http://passerelle.test",
		UnsubscribeKey: unsubscribeKey, Now: e.clock}); err != nil {
		t.Fatal(err)
	}
	e.workflow = notices.Workflow{Notify: e.notes, Accounts: e.accounts, Offers: offerdb.New(st), Profiles: candidatedb.New(st)}
	e.events = &flaky{w: e.workflow}
	e.apps = application.NewService(applicationdb.New(st), appOffers{offerdb.New(st)}, appCandidates{candidatedb.New(st)},
		time.Now, application.WithEvents(e.events))
	return e
}

// appOffers and appCandidates read for the workflow without access
// rules: the tests' callers are allowed what they do.
type appOffers struct{ s *offerdb.Store }

func (a appOffers) Offer(ctx context.Context, id string) (application.OfferInfo, error) {
	o, err := a.s.Offer(ctx, id)
	if err != nil {
		return application.OfferInfo{}, err
	}
	return application.OfferInfo{ID: o.ID, CompanyID: o.CompanyID, Title: o.Title, Published: o.Status == offer.StatusPublished}, nil
}

type appCandidates struct{ s *candidatedb.Store }

func (a appCandidates) Candidate(ctx context.Context, id string) (application.CandidateInfo, error) {
	p, err := a.s.Profile(ctx, id)
	if err != nil {
		return application.CandidateInfo{}, err
	}
	return application.CandidateInfo{ID: p.ID, AdviserOrgs: p.AdviserOrgs,
		Discoverable: p.MatchingConsent && p.Visibility >= candidate.VisibilityAnonymous}, nil
}

func (a appCandidates) InCaseload(ctx context.Context, orgID string, ids []string) ([]string, error) {
	return a.s.CaseloadMembers(ctx, orgID, ids)
}

var seq atomic.Int64

// newID returns an account-shaped id (24 hex digits).
func newID() string {
	var b [12]byte
	n := seq.Add(1)
	for i := range 8 {
		b[11-i] = byte(n >> (8 * i))
	}
	b[0] = 0x66
	return hex.EncodeToString(b[:])
}

// person is someone with an account, and the context they act in.
type person struct {
	account.User
	ctx context.Context
}

func (e *env) user(t testing.TB, role auth.Role, name, orgID string) person {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	id := newID()
	u, err := e.accounts.CreateUser(context.Background(), account.User{ID: id, Email: id + "@example.fr", Name: name, Role: role,
		OrgID: orgID, PasswordHash: "x", Verified: true, Lang: "fr", CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	return person{User: u, ctx: auth.NewContext(context.Background(), u.Identity("s"))}
}

// org creates an organisation of kind k and one member of it.
func (e *env) org(t testing.TB, k account.OrgKind, name string) person {
	t.Helper()
	now := time.Now().UTC()
	o := account.Organisation{ID: newID(), Kind: k, Name: name, City: "Nantes", CreatedAt: now, UpdatedAt: now}
	role := auth.RoleEmployer
	if k == account.KindAdviser {
		o.AdviserType, role = "public_employment", auth.RoleAdviser
	} else {
		o.SIREN = fmt.Sprintf("%09d", seq.Add(1))
	}
	if _, err := e.accounts.CreateOrganisation(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return e.user(t, role, "Membre de "+name, o.ID)
}

// candidate creates a candidate whose profile holds Go at goLevel and SQL,
// Docker in a training, in Rezé, with the given visibility and consent.
func (e *env) candidate(t testing.TB, name string, goLevel skill.Level, vis candidate.Visibility, consent bool) person {
	t.Helper()
	c := e.user(t, auth.RoleCandidate, name, "")
	p, err := e.profiles.Mine(c.ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	in := candidate.ProfileInput{
		DisplayName: name, Headline: "En reconversion",
		Skills: []candidate.SkillInput{{Code: "tag:go", Level: goLevel, Evidence: skill.EvidenceDeclared}, {Code: "tag:sql", Level: 2, Evidence: skill.EvidenceExperience}},
		Trainings: []candidate.TrainingInput{{Title: "Formation", Provider: "AFPA", Status: candidate.TrainingInProgress,
			Start: today.AddDate(0, -2, 0), End: today.AddDate(0, 1, 0), Skills: []skill.Code{"tag:docker"}}},
		CommuneID: "44143", MobilityKm: 30, Remote: candidate.RemoteHybrid, Visibility: vis, MatchingConsent: consent,
	}
	if _, err := e.profiles.Update(c.ctx, c.ID, in, p.Revision); err != nil {
		t.Fatal(err)
	}
	return c
}

// goOffer creates and publishes an offer of owner's company asking for Go
// (level 3) and SQL, Docker learnable, in Nantes.
func (e *env) goOffer(t testing.TB, owner person, title string) offer.Offer {
	t.Helper()
	o, err := e.offers.Create(owner.ctx, offer.OfferInput{
		Title: title, Rome: "M1805", Description: "Une équipe de six personnes.",
		Skills: []offer.SkillInput{{Code: "tag:go", MinLevel: 3, MustHave: true}, {Code: "tag:sql", MinLevel: 2, MustHave: true},
			{Code: "tag:docker", MinLevel: 2, Learnable: true}},
		Contract: contract.CDI, CommuneID: "44109", Remote: offer.RemoteHybrid, StartDate: time.Now().AddDate(0, 3, 0).UTC().Truncate(24 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	if o, err = e.offers.Publish(owner.ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	return o
}

// told returns the notifications of kind k that p has.
func (e *env) told(t testing.TB, p person, k notify.Kind) []notify.Notification {
	t.Helper()
	all, err := e.notes.List(p.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Notification
	for _, n := range all {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	return out
}

// emails counts the e-mails queued for p.
func (e *env) emails(t testing.TB, p person) int64 {
	t.Helper()
	n, err := e.st.DB.Collection(notifydb.Outbox).CountDocuments(context.Background(), bson.D{{Key: "userId", Value: p.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
