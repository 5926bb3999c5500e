package demo_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle/internal/account"
	"passerelle/internal/account/accountdb"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/demo"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The real services must satisfy what Seed declares it needs.
var (
	_ demo.Accounts = (*account.Service)(nil)
	_ demo.Users    = (*accountdb.Store)(nil)
	_ demo.Profiles = (*candidate.Service)(nil)
	_ demo.Offers   = (*offer.Service)(nil)
	_ demo.Taxonomy = skill.Builtin()
	_ demo.Places   = place.Builtin()
)

// today is the fixed day the tests seed on.
var today = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// cheap makes argon2id cheap: the tests exercise the seeding, not the CPU.
var cheap = auth.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}

type nullMailer struct{}

func (nullMailer) Send(context.Context, account.Message) error { return nil }

// env is the services Seed writes through, on a fresh database.
type env struct {
	st       *store.Store
	accounts *account.Service
	profiles *candidate.Service
	offers   *offer.Service
	deps     demo.Deps
}

func migrate(t testing.TB, st *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, f := range []func(context.Context, *store.Store) error{accountdb.EnsureIndexes, candidatedb.EnsureIndexes, offerdb.EnsureIndexes} {
		if err := f(ctx, st); err != nil {
			t.Fatalf("ensure indexes: %v", err)
		}
	}
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st := storetest.MustOpen(t)
	migrate(t, st)
	hasher, err := auth.NewHasher(4, auth.WithParams(cheap))
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewTokens(auth.TokenConfig{Key: []byte("0123456789abcdef0123456789abcdef"), Issuer: "passerelle-test",
		Audience: "passerelle-api", TTL: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return today }
	tax, places := skill.Builtin(), place.Builtin()
	e := &env{st: st}
	e.accounts = account.NewService(accountdb.New(st), hasher, tokens, nullMailer{}, account.Options{Now: now})
	e.profiles = candidate.NewService(candidatedb.New(st), tax, places, now)
	e.offers = offer.NewService(offerdb.New(st), tax, places, now)
	e.deps = demo.Deps{Accounts: e.accounts, Users: accountdb.New(st), Profiles: e.profiles, Offers: e.offers, Taxonomy: tax, Places: places, Now: now}
	return e
}

func bg(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// login returns the demo login whose address starts with prefix.
func login(t *testing.T, r demo.Report, prefix string) demo.Login {
	t.Helper()
	for _, l := range r.Logins {
		if strings.HasPrefix(l.Email, prefix) {
			return l
		}
	}
	t.Fatalf("no demo login %s… in %v", prefix, r.Logins)
	return demo.Login{}
}

func TestSeed(t *testing.T) {
	e := newEnv(t)
	ctx := bg(t)
	r, err := demo.Seed(ctx, e.deps)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if r.AlreadySeeded || r.Password != demo.DemoPassword {
		t.Errorf("report = %+v", r)
	}
	if r.Companies != 5 || r.Offers != 14 || r.PublishedOffers != 12 || r.Candidates != 13 || r.Advisers != 2 {
		t.Errorf("counts: %d companies, %d offers (%d published), %d candidates, %d advisers; want 5, 14 (12), 13, 2",
			r.Companies, r.Offers, r.PublishedOffers, r.Candidates, r.Advisers)
	}
	roles := map[auth.Role]int{}
	for _, l := range r.Logins {
		roles[l.Role]++
	}
	if roles[auth.RoleAdmin] != 1 || roles[auth.RoleEmployer] != 7 || roles[auth.RoleAdviser] != 2 || roles[auth.RoleCandidate] != 13 {
		t.Errorf("logins by role = %v", roles)
	}

	// Every login works with the demo password.
	users := map[string]account.User{}
	for _, l := range r.Logins {
		u, err := e.accounts.Authenticate(ctx, l.Email, r.Password, "192.0.2.7")
		if err != nil {
			t.Fatalf("log in as %s: %v", l.Email, err)
		}
		if u.Role != l.Role || u.Name != l.Name {
			t.Errorf("%s logs in as %s %q, listed as %s %q", l.Email, u.Role, u.Name, l.Role, l.Name)
		}
		users[l.Email] = u
	}

	t.Run("career changer's training ends before the data analyst offer starts", func(t *testing.T) {
		isabelle := users[login(t, r, "isabelle.").Email]
		p, err := e.profiles.Mine(auth.NewContext(ctx, isabelle.Identity("t")), isabelle.Name)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.FormerOccupations) == 0 || p.FormerOccupations[0].Rome != "M1203" {
			t.Errorf("former occupations = %+v, want the accountant's M1203", p.FormerOccupations)
		}
		if len(p.Trainings) != 1 || p.Trainings[0].Status != candidate.TrainingInProgress {
			t.Fatalf("trainings = %+v, want one in progress", p.Trainings)
		}
		end := p.Trainings[0].End
		if !end.After(today) || end.After(today.AddDate(0, 2, 0)) {
			t.Errorf("training ends %s, want within the next month or so of %s", end.Format(time.DateOnly), today.Format(time.DateOnly))
		}
		page, err := e.offers.Search(ctx, offer.SearchQuery{Text: "data analyst"})
		if err != nil {
			t.Fatal(err)
		}
		var analyst offer.Offer
		for _, res := range page.Results {
			if res.Offer.Rome == "M1851" {
				analyst = res.Offer
			}
		}
		if analyst.ID == "" {
			t.Fatalf("no published data analyst offer found by searching; got %d results", page.Total)
		}
		if !end.Before(analyst.StartDate) {
			t.Errorf("training ends %s, offer starts %s: want the training to end first", end.Format(time.DateOnly), analyst.StartDate.Format(time.DateOnly))
		}
		if !analyst.OpenToCareerChangers {
			t.Error("the data analyst offer is not open to career changers")
		}
		// The adviser validated one of her skills.
		validated := slices.ContainsFunc(p.Skills, func(s candidate.Skill) bool {
			return s.Evidence == skill.EvidenceAdviserValidated && s.ValidatedBy != ""
		})
		if !validated || len(p.AdviserOrgs) != 1 {
			t.Errorf("skills %+v, adviser organisations %v: want one validated skill and one caseload", p.Skills, p.AdviserOrgs)
		}
	})

	t.Run("published offers are searchable", func(t *testing.T) {
		page, err := e.offers.Search(ctx, offer.SearchQuery{Page: offer.PageRequest{Size: offer.MaxPageSize}})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != r.PublishedOffers {
			t.Errorf("search finds %d offers, want the %d published", page.Total, r.PublishedOffers)
		}
		rezé := place.Builtin()
		if _, ok := rezé.ByID("44143"); !ok {
			t.Fatal("Rezé not in the built-in directory")
		}
		near, err := e.offers.Search(ctx, offer.SearchQuery{Skills: []skill.Code{"tag:linux"}, NearCommuneID: "44143", RadiusKm: 20})
		if err != nil {
			t.Fatal(err)
		}
		if near.Total < 2 {
			t.Errorf("offers asking for Linux within 20 km of Rezé: %d, want at least 2", near.Total)
		}
		for _, res := range page.Results {
			o := res.Offer
			if o.Status != offer.StatusPublished || o.Description == "" || len(o.Skills) == 0 || o.Place.CommuneID == "" {
				t.Errorf("offer %q: %+v", o.Title, o)
			}
			if !o.StartDate.IsZero() && (o.StartDate.Before(today) || o.StartDate.After(today.AddDate(0, 4, 1))) {
				t.Errorf("offer %q starts %s", o.Title, o.StartDate.Format(time.DateOnly))
			}
		}
	})

	t.Run("drafts and closed offers", func(t *testing.T) {
		statuses := map[offer.Status]int{}
		for _, l := range r.Logins {
			u := users[l.Email]
			if u.Role != auth.RoleEmployer || !u.OrgOwner {
				continue
			}
			page, err := e.offers.ListCompany(auth.NewContext(ctx, u.Identity("t")), u.OrgID, offer.PageRequest{Size: 100})
			if err != nil {
				t.Fatal(err)
			}
			if n := page.Total; n < 2 || n > 5 {
				t.Errorf("%s's company has %d offers", u.Email, n)
			}
			for _, res := range page.Results {
				statuses[res.Offer.Status]++
			}
			if _, err := e.offers.Company(ctx, u.OrgID); err != nil {
				t.Errorf("%s's company page: %v", u.Email, err)
			}
		}
		if statuses[offer.StatusDraft] != 1 || statuses[offer.StatusClosed] != 1 {
			t.Errorf("offers by status = %v, want one draft and one closed", statuses)
		}
	})

	t.Run("caseload, visibility", func(t *testing.T) {
		adviser := users[login(t, r, "sandrine.").Email]
		actx := auth.NewContext(ctx, adviser.Identity("t"))
		caseload, hidden, visible := 0, 0, 0
		for _, l := range r.Logins {
			if l.Role != auth.RoleCandidate {
				continue
			}
			u := users[l.Email]
			p, err := e.profiles.Mine(auth.NewContext(ctx, u.Identity("t")), u.Name)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(p.AdviserOrgs, adviser.OrgID) {
				caseload++
				if _, err := e.profiles.Get(actx, u.ID); err != nil {
					t.Errorf("adviser cannot read %s in their caseload: %v", u.Email, err)
				}
			}
			switch p.Visibility {
			case candidate.VisibilityHidden:
				hidden++
			case candidate.VisibilityVisible, candidate.VisibilityAnonymous:
				if !p.MatchingConsent {
					t.Errorf("%s is %s without consent", u.Email, p.Visibility)
				}
				visible++
			}
			if p.Headline == "" || len(p.Skills) < 4 || p.Place.IsZero() || len(p.Contracts) == 0 || len(p.Languages) == 0 {
				t.Errorf("%s's profile is thin: %+v", u.Email, p)
			}
		}
		if caseload != 5 || hidden != 1 || visible != 12 {
			t.Errorf("caseload %d, hidden %d, visible or anonymous %d; want 5, 1, 12", caseload, hidden, visible)
		}
	})

	t.Run("a second seed writes nothing", func(t *testing.T) {
		before := counts(t, e.st)
		again, err := demo.Seed(ctx, e.deps)
		if err != nil {
			t.Fatalf("second seed: %v", err)
		}
		if !again.AlreadySeeded || again.Offers != 0 || len(again.Logins) != len(r.Logins) {
			t.Errorf("second report = %+v", again)
		}
		if after := counts(t, e.st); after != before {
			t.Errorf("documents %v before, %v after the second seed", before, after)
		}
	})
}

// TestSeedResumes checks that a seed interrupted before its end (no
// administrator yet) is completed, not duplicated, by the next run.
func TestSeedResumes(t *testing.T) {
	e := newEnv(t)
	ctx := bg(t)
	if _, err := demo.Seed(ctx, e.deps); err != nil {
		t.Fatal(err)
	}
	want := counts(t, e.st)
	// Forget the administrator, as if the first run had stopped just before.
	if _, err := e.st.DB.Collection("users").DeleteOne(ctx, map[string]string{"email": demo.AdminEmail}); err != nil {
		t.Fatal(err)
	}
	r, err := demo.Seed(ctx, e.deps)
	if err != nil {
		t.Fatalf("resumed seed: %v", err)
	}
	if r.AlreadySeeded || r.Offers != 14 || r.Candidates != 13 {
		t.Errorf("resumed report = %+v", r)
	}
	if got := counts(t, e.st); got != want {
		t.Errorf("documents %v after resuming, want %v", got, want)
	}
}

// counts returns how many users, profiles, offers and company pages the
// store holds.
func counts(t *testing.T, st *store.Store) [4]int64 {
	t.Helper()
	var out [4]int64
	for i, coll := range []string{"users", candidatedb.Collection, offerdb.Offers, offerdb.Companies} {
		n, err := st.DB.Collection(coll).CountDocuments(context.Background(), map[string]any{})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = n
	}
	return out
}

func TestSIRENs(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range demo.CompanySIRENs() {
		if !auth.ValidSIREN(s) || seen[s] {
			t.Errorf("SIREN %s: valid %v, duplicate %v", s, auth.ValidSIREN(s), seen[s])
		}
		seen[s] = true
	}
}
