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
	"passerelle/internal/application"
	"passerelle/internal/application/applicationdb"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	caseloadpkg "passerelle/internal/caseload"
	"passerelle/internal/caseload/caseloaddb"
	"passerelle/internal/demo"
	"passerelle/internal/i18n"
	"passerelle/internal/matching"
	"passerelle/internal/notices"
	"passerelle/internal/notify"
	"passerelle/internal/notify/notifydb"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/server"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
	"passerelle/web"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The real services must satisfy what Seed declares it needs.
var (
	_ demo.Accounts = (*account.Service)(nil)
	_ demo.Users    = (*accountdb.Store)(nil)
	_ demo.Profiles = (*candidate.Service)(nil)
	_ demo.Offers   = (*offer.Service)(nil)
	_ demo.Workflow = (*application.Service)(nil)
	_ demo.Matches  = (*matching.Service)(nil)
	_ demo.Taxonomy = skill.Builtin()
	_ demo.Places   = place.Builtin()
)

// today is the fixed day the tests seed on.
var today = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// cheap makes argon2id cheap: the tests exercise the seeding, not the CPU.
var cheap = auth.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}

type nullMailer struct{}

func (nullMailer) Send(context.Context, account.Message) error { return nil }

// env is the services Seed writes through, on a fresh database, wired as
// the server wires them: the matching index hears of profiles and offers,
// the workflow's events become notifications.
type env struct {
	st            *store.Store
	accounts      *account.Service
	profiles      *candidate.Service
	offers        *offer.Service
	workflow      *application.Service
	matches       *matching.Service
	notifications *notify.Service
	deps          demo.Deps
}

func migrate(t testing.TB, st *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, f := range []func(context.Context, *store.Store) error{accountdb.EnsureIndexes, candidatedb.EnsureIndexes, offerdb.EnsureIndexes,
		applicationdb.EnsureIndexes, notifydb.EnsureIndexes, caseloaddb.EnsureIndexes} {
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
	hook := &matching.Hook{}
	e.profiles = candidate.NewService(candidatedb.New(st), tax, places, now, candidate.WithObserver(hook.Profile))
	e.offers = offer.NewService(offerdb.New(st), tax, places, now, offer.WithObserver(hook.Offer))
	if e.matches, err = matching.New(matching.Config{Profiles: e.profiles, Offers: e.offers, Taxonomy: tax,
		Key: []byte("pseudonyms-0123456789abcdef01234"), Now: now}); err != nil {
		t.Fatal(err)
	}
	hook.Attach(e.matches)
	ctx, cancel := context.WithCancel(context.Background())
	if err := e.matches.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); e.matches.Close() })
	catalog, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	if e.notifications, err = notify.NewService(notifydb.New(st), notify.Options{Now: now, Messages: catalog,
		BaseURL: "http://localhost:8080", UnsubscribeKey: []byte("unsubscribe-0123456789abcdef0123")}); err != nil {
		t.Fatal(err)
	}
	events := notices.Workflow{Notify: e.notifications, Accounts: accountdb.New(st), Offers: offerdb.New(st), Profiles: candidatedb.New(st)}
	e.workflow = application.NewService(applicationdb.New(st), server.ApplicationOffers{Offers: e.offers},
		server.ApplicationCandidates{Profiles: e.profiles, Store: candidatedb.New(st)}, now, application.WithEvents(events))
	e.deps = demo.Deps{Accounts: e.accounts, Users: accountdb.New(st), Profiles: e.profiles, Offers: e.offers, Taxonomy: tax, Places: places,
		Workflow: e.workflow, Matches: e.matches, Now: now,
		Caseload: caseloadpkg.NewService(caseloaddb.New(st), e.profiles, caseloadpkg.Accounts{Store: accountdb.New(st)},
			caseloadpkg.Accounts{Store: accountdb.New(st)}, e.workflow, caseloadpkg.BestMatch{Ranker: e.matches}, now)}
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
				// The link was asked for and accepted, so it has a record.
				links, err := e.deps.Caseload.(*caseloadpkg.Service).MyLinks(auth.NewContext(ctx, u.Identity("t")))
				if err != nil || len(links) != 1 || links[0].Since.IsZero() || links[0].Via != caseloadpkg.ViaRequest {
					t.Errorf("%s's links = %+v, %v; want one, by request, with its date", u.Email, links, err)
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

	t.Run("applications along the pipeline", func(t *testing.T) {
		if r.Applications != 7 || r.Endorsements != 2 || r.Invitations != 1 {
			t.Errorf("workflow: %d applications, %d endorsements, %d invitations; want 7, 2, 1", r.Applications, r.Endorsements, r.Invitations)
		}
		want := map[string]application.Status{
			"isabelle.": application.StatusInterview, "sebastien.": application.StatusInterview,
			"kevin.": application.StatusInReview, "manon.": application.StatusReceived, "thierry.": application.StatusReceived,
			"yanis.": application.StatusRejected, "lucas.": application.StatusWithdrawn,
		}
		for prefix, status := range want {
			u := users[login(t, r, prefix).Email]
			page, err := e.workflow.ForCandidate(as(ctx, u), u.ID, application.PageRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 1 {
				t.Errorf("%s has %d applications, want 1", u.Email, page.Total)
				continue
			}
			a := page.Items[0]
			last := a.History[len(a.History)-1]
			switch {
			case a.Status != status || a.Message == "":
				t.Errorf("%s's application: status %s, message %q; want %s with a message", u.Email, a.Status, a.Message, status)
			case status == application.StatusInterview && last.Note == "":
				t.Errorf("%s's interview has no note: %+v", u.Email, a.History)
			case status == application.StatusRejected && (a.Rejection.Reason == "" || a.Rejection.Note == ""):
				t.Errorf("%s's rejection has no reason or note: %+v", u.Email, a.Rejection)
			case status != application.StatusReceived && len(a.History) < 2:
				t.Errorf("%s's application has no transition: %+v", u.Email, a.History)
			}
		}
		// Thierry let his adviser apply for him, and she did.
		thierry := users[login(t, r, "thierry.").Email]
		st, err := e.workflow.Settings(as(ctx, thierry), thierry.ID)
		if err != nil || !st.AdviserMayApply {
			t.Errorf("Thierry's settings = %+v, %v; want the adviser allowed to apply", st, err)
		}
		page, err := e.workflow.ForCandidate(as(ctx, thierry), thierry.ID, application.PageRequest{})
		if err != nil || len(page.Items) != 1 || page.Items[0].AppliedBy.Role != auth.RoleAdviser {
			t.Errorf("Thierry's applications = %+v, %v; want one made by his adviser", page.Items, err)
		}
	})

	t.Run("the recruiter sees applications, a recommendation and notifications", func(t *testing.T) {
		claire := users[login(t, r, "claire.").Email]
		cctx := as(ctx, claire)
		analyst := offerTitled(t, e, claire, "Data analyst junior")
		apps, err := e.workflow.ForOffer(cctx, analyst, "", application.PageRequest{})
		if err != nil || apps.Total != 2 {
			t.Fatalf("applications to the data analyst offer: %+v, %v; want 2", apps, err)
		}
		recs, err := e.workflow.Recommendations(cctx, analyst)
		if err != nil || len(recs) != 1 || recs[0].Note == "" {
			t.Fatalf("recommendations = %+v, %v; want one with a note", recs, err)
		}
		// The note is read beside an anonymous candidate: it names nobody.
		if strings.Contains(recs[0].Note, "Isabelle") {
			t.Errorf("the recommendation names the candidate: %q", recs[0].Note)
		}
		// The ranked list of candidates marks the endorsed one, as the
		// server builds it (see Server.recommended).
		byCandidate := map[string][]matching.Recommendation{}
		for _, rec := range recs {
			byCandidate[rec.CandidateID] = append(byCandidate[rec.CandidateID], matching.Recommendation{OrgID: rec.OrgID, Note: rec.Note, At: rec.At})
		}
		list, err := e.matches.CandidatesForOffer(cctx, analyst, matching.Query{Recommended: byCandidate})
		if err != nil {
			t.Fatal(err)
		}
		recommended := 0
		for _, c := range list.Results {
			if len(c.Recommendations) > 0 {
				recommended++
			}
		}
		if recommended != 1 {
			t.Errorf("%d of %d candidates of the match list recommended, want 1", recommended, len(list.Results))
		}
		// Two new applications and the endorsement; her own moves tell her nothing.
		kinds := notificationKinds(t, as(ctx, claire), e)
		if kinds[notify.KindNewApplication] != 2 || kinds[notify.KindEndorsement] != 1 {
			t.Errorf("Claire's notifications by kind = %v, want 2 new applications and 1 endorsement", kinds)
		}
		if n, err := e.notifications.Unread(cctx); err != nil || n != 3 {
			t.Errorf("Claire has %d unread notifications (%v), want 3", n, err)
		}
		isabelle := users[login(t, r, "isabelle.").Email]
		if kinds := notificationKinds(t, as(ctx, isabelle), e); kinds[notify.KindStatusChange] != 2 {
			t.Errorf("Isabelle's notifications by kind = %v, want 2 status changes", kinds)
		}
	})

	t.Run("a pending invitation to apply", func(t *testing.T) {
		amina := users[login(t, r, "amina.").Email]
		page, err := e.workflow.InvitationsForCandidate(as(ctx, amina), amina.ID, application.PageRequest{})
		if err != nil || page.Total != 1 {
			t.Fatalf("Amina's invitations = %+v, %v; want 1", page, err)
		}
		if inv := page.Items[0]; inv.Status != application.InvitationPending || !strings.HasPrefix(inv.Pseudonym, "Profil ") || inv.Message == "" {
			t.Errorf("invitation = %+v, want pending, with the pseudonym the recruiter saw and a message", inv)
		}
		if kinds := notificationKinds(t, as(ctx, amina), e); kinds[notify.KindInvitation] != 1 {
			t.Errorf("Amina's notifications by kind = %v, want 1 invitation", kinds)
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
	first, err := demo.Seed(ctx, e.deps)
	if err != nil {
		t.Fatal(err)
	}
	want := counts(t, e.st)
	isabelle := login(t, first, "isabelle.")
	// Forget the administrator, as if the first run had stopped just before.
	forgetAdmin := func() {
		t.Helper()
		if _, err := e.st.DB.Collection("users").DeleteOne(ctx, map[string]string{"email": demo.AdminEmail}); err != nil {
			t.Fatal(err)
		}
	}
	forgetAdmin()
	r, err := demo.Seed(ctx, e.deps)
	if err != nil {
		t.Fatalf("resumed seed: %v", err)
	}
	if r.AlreadySeeded || r.Offers != 14 || r.Candidates != 13 || r.Applications != 7 || r.Endorsements != 2 || r.Invitations != 1 {
		t.Errorf("resumed report = %+v", r)
	}
	if got := counts(t, e.st); got != want {
		t.Errorf("documents %v after resuming, want %v", got, want)
	}

	// Stopped before the applications: the next run makes them and moves
	// them along again, and tells nobody twice.
	forgetAdmin()
	if _, err := e.st.DB.Collection(applicationdb.Applications).DeleteMany(ctx, map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, e.deps); err != nil {
		t.Fatalf("seed resumed before the applications: %v", err)
	}
	if got := counts(t, e.st); got != want {
		t.Errorf("documents %v after resuming before the applications, want %v", got, want)
	}
	u, err := e.accounts.Authenticate(ctx, isabelle.Email, demo.DemoPassword, "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	page, err := e.workflow.ForCandidate(as(ctx, u), u.ID, application.PageRequest{})
	if err != nil || len(page.Items) != 1 || page.Items[0].Status != application.StatusInterview {
		t.Errorf("Isabelle's applications after resuming = %+v, %v; want one at the interview", page.Items, err)
	}
}

// counts returns how many documents the demo writes to: users, profiles,
// offers, company pages, the workflow's and the notifications'.
func counts(t *testing.T, st *store.Store) [10]int64 {
	t.Helper()
	var out [10]int64
	for i, coll := range []string{"users", candidatedb.Collection, offerdb.Offers, offerdb.Companies,
		applicationdb.Applications, applicationdb.Invitations, applicationdb.Endorsements, applicationdb.Settings,
		notifydb.Notifications, notifydb.Outbox} {
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

// as returns ctx acting as u.
func as(ctx context.Context, u account.User) context.Context {
	return auth.NewContext(ctx, u.Identity("t"))
}

// offerTitled returns the id of the offer of u's company whose title starts
// with prefix.
func offerTitled(t *testing.T, e *env, u account.User, prefix string) string {
	t.Helper()
	page, err := e.offers.ListCompany(as(context.Background(), u), u.OrgID, offer.PageRequest{Size: offer.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range page.Results {
		if strings.HasPrefix(res.Offer.Title, prefix) {
			return res.Offer.ID
		}
	}
	t.Fatalf("no offer %q… for %s", prefix, u.Email)
	return ""
}

// notificationKinds counts the notifications of the caller of ctx by kind.
func notificationKinds(t *testing.T, ctx context.Context, e *env) map[notify.Kind]int {
	t.Helper()
	list, err := e.notifications.List(ctx, notify.MaxList)
	if err != nil {
		t.Fatal(err)
	}
	out := map[notify.Kind]int{}
	for _, n := range list {
		out[n.Kind]++
	}
	return out
}
